import { render } from "preact";
import { act } from "preact/test-utils";
import { expect, test, vi } from "vitest";
import { SourcesScreen } from "../../../web/src/app/admin/Sources.tsx";
import { del, get, post } from "../../../web/src/app/api.ts";

vi.mock("../../../web/src/app/api.ts", async (original) => ({
  ...(await original<typeof import("../../../web/src/app/api.ts")>()),
  get: vi.fn(),
  post: vi.fn(),
  del: vi.fn(),
}));
const root = document.body.appendChild(document.createElement("div"));
/** One step, then one turn of the event loop (an answer of the mocked API lands). */
const oneTurn = (step: () => void) =>
  act(async () => {
    step();
    await new Promise((r) => setTimeout(r, 0));
  });
/** A step and what it sets off (a fetch, then the state it sets). */
const settle = async (step: () => void) => {
  await oneTurn(step);
  await oneTurn(() => {});
};
const row = (id: string, revokedAt: string | null = null) => ({
  id,
  name: `N ${id}`,
  createdAt: "2026-01-01T00:00:00Z",
  createdBy: "admin",
  revokedAt,
});
const button = (name: string) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent === name) as HTMLButtonElement;
const input = (id: string, v: string) => {
  const el = root.querySelector(`#${id}`) as HTMLInputElement;
  el.value = v;
  el.dispatchEvent(new Event("input", { bubbles: true }));
};

test("the data sources screen pages the list, shows a new secret once, and reports a failed revoke", async () => {
  vi.mocked(get).mockImplementation(async (path: string) =>
    path.includes("cursor=")
      ? { items: [row("b", "2026-02-01T00:00:00Z")], nextCursor: null }
      : { items: [row("a")], nextCursor: "YQ" },
  );
  await settle(() => render(<SourcesScreen />, root));
  expect(root.querySelectorAll("tbody tr")).toHaveLength(1);
  expect(root.querySelectorAll("main")).toHaveLength(0);
  await settle(() => button("Xem thêm").click());
  expect(root.querySelectorAll("tbody tr")).toHaveLength(2);
  expect(root.textContent).toContain("Đã thu hồi");
  vi.mocked(post).mockResolvedValue({ id: "c", name: "C", secret: "c.SECRET" });
  await settle(() => {
    input("source-id", "c");
    input("source-name", "C");
  });
  await settle(() => (root.querySelector("form") as HTMLFormElement).requestSubmit());
  expect(vi.mocked(post)).toHaveBeenCalledWith("/api/sources", { id: "c", name: "C" });
  expect(root.textContent).toContain("c.SECRET");
  expect((root.querySelector("#source-id") as HTMLInputElement).value).toBe("");
  expect(vi.mocked(get).mock.calls.length).toBe(3);
  vi.stubGlobal("confirm", () => true);
  vi.mocked(del).mockRejectedValue(new Error("boom"));
  await settle(() => button("Thu hồi").click());
  expect(vi.mocked(del)).toHaveBeenCalledWith("/api/sources/a");
  expect(root.querySelector("[role=alert]")?.textContent).toContain("boom");
});
