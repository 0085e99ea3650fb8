import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ImportFile } from "../../../web/src/app/admin/ImportFile.tsx";
import { MoreButton, usePagedList } from "../../../web/src/app/admin/ListScreen.tsx";
import { Transitions } from "../../../web/src/app/admin/Transitions.tsx";
import { ApiError, get, post } from "../../../web/src/app/api.ts";
import type { Period } from "../../../web/src/app/types.ts";

// The screens talk to the API through api.ts: its requests are stubbed here, the rest is the real one.
vi.mock("../../../web/src/app/api.ts", async (original) => ({
  ...(await original<typeof import("../../../web/src/app/api.ts")>()),
  get: vi.fn(),
  post: vi.fn(),
}));
const postMock = vi.mocked(post);
const getMock = vi.mocked(get);

/** One container for the whole file, emptied after each test. */
const root = document.body.appendChild(document.createElement("main"));
beforeEach(() => {
  postMock.mockReset();
  getMock.mockReset();
});
afterEach(() => act(() => render(null, root)));

/** Runs `step` in act and lets the action it starts settle, so that every render is flushed. */
const settle = (step: () => void) =>
  act(async () => {
    step();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

const button = (name: string) => {
  const found = [...root.querySelectorAll("button")].find((b) => b.textContent === name);
  if (!found) throw new Error(`no button “${name}”`);
  return found;
};

const draft: Period = {
  id: "2024",
  name: "Năm 2024",
  frameworkId: "dti",
  opensAt: "2024-01-01T01:00:00.000Z",
  closesAt: "2024-03-01T10:00:00.000Z",
  state: "draft",
  version: 1,
  counts: { units: 0, submitted: 0, draft: 0 },
  createdAt: "2024-01-01T01:00:00.000Z",
  updatedAt: "2024-01-01T01:00:00.000Z",
};

describe("the moves of a period", () => {
  const mountDraft = () => {
    const onDone = vi.fn();
    act(() => render(<Transitions period={draft} onPeriod={() => {}} onDone={onDone} />, root));
    return onDone;
  };

  test("a move is asked for, confirmed in a dialog, and said when done", async () => {
    postMock.mockResolvedValueOnce({ ...draft, state: "open" });
    const onDone = mountDraft();
    await settle(() => button("Mở kỳ").click());
    expect(root.querySelector("dialog p")?.textContent).toBe(
      "Mở kỳ “Năm 2024”? 0 đơn vị bắt đầu tự đánh giá, hạn nộp 01/03/2024 17:00. Sau khi mở, bộ chỉ số và danh sách đơn vị không đổi được.",
    );
    await settle(() => button("Xác nhận").click());
    expect(postMock).toHaveBeenCalledWith("/api/periods/2024/transitions", { to: "open" });
    expect(root.querySelector('[role="status"]')?.textContent).toBe("Kỳ đã chuyển sang bước: Đang mở.");
    expect(onDone).toHaveBeenCalledOnce();
  });

  test("a refused move is an alert inside the dialog, which stays open", async () => {
    postMock.mockRejectedValueOnce(new ApiError(409, "conflict", "đã đổi"));
    const onDone = mountDraft();
    await settle(() => button("Mở kỳ").click());
    await settle(() => button("Xác nhận").click());
    expect(root.querySelector('dialog [role="alert"]')?.textContent).toMatch(/đã đổi/);
    expect(root.querySelector("dialog p")).not.toBeNull();
    expect(onDone).not.toHaveBeenCalled();
  });

  test("a job started meanwhile by someone else reloads the screen", async () => {
    postMock.mockRejectedValueOnce(new ApiError(409, "job-running", "đang chạy"));
    const onDone = mountDraft();
    await settle(() => button("Mở kỳ").click());
    await settle(() => button("Xác nhận").click());
    expect(onDone).toHaveBeenCalledOnce();
  });
});

describe("an import", () => {
  const choose = (file: File) => {
    const input = root.querySelector("#units-file") as HTMLInputElement;
    Object.defineProperty(input, "files", { value: [file], configurable: true });
    return settle(() => input.dispatchEvent(new Event("change", { bubbles: true })));
  };

  test("sends the chosen file, says what it did and tells the screen", async () => {
    const send = vi.fn(async () => "Đã nhập: 1 đơn vị mới, 0 đơn vị cập nhật.");
    const onImported = vi.fn();
    act(() => render(<ImportFile kind="units" send={send} onImported={onImported} />, root));
    expect(root.querySelector("label")?.getAttribute("for")).toBe("units-file");
    expect(root.querySelector("#units-file")?.getAttribute("aria-describedby")).toBe("units-help");
    await choose(new File(['[{"id":"a"}]'], "units.json", { type: "application/json" }));
    expect(send).toHaveBeenCalledWith([{ id: "a" }]);
    expect(root.querySelector('[role="status"]')?.textContent).toBe(
      "Đã nhập: 1 đơn vị mới, 0 đơn vị cập nhật.",
    );
    expect(onImported).toHaveBeenCalledOnce();
  });

  test("a broken file is an alert, and nothing is imported", async () => {
    const onImported = vi.fn();
    act(() => render(<ImportFile kind="units" send={async () => "ok"} onImported={onImported} />, root));
    await choose(new File(["{units"], "hong.json"));
    expect(root.querySelector('[role="alert"]')?.textContent).toMatch(/^hong\.json không phải JSON hợp lệ/);
    expect(onImported).not.toHaveBeenCalled();
  });
});

describe("a paged list", () => {
  function List({ version = 0 }: { version?: number }) {
    const { list, rows, more } = usePagedList<{ id: string }, { q: string }>(
      "/api/users",
      { q: "a" },
      version,
    );
    return (
      <>
        <ul>
          {rows.map((r) => (
            <li key={r.id}>{r.id}</li>
          ))}
        </ul>
        <MoreButton when={list.data?.nextCursor} onMore={more} />
      </>
    );
  }
  const shown = () => [...root.querySelectorAll("li")].map((li) => li.textContent);
  /** A step, then the load it starts and the render of its answer. */
  const step = async (run: () => void) => {
    await settle(run);
    await settle(() => {});
  };

  test("“show more” asks for the page after the last one by its cursor and appends it", async () => {
    getMock
      .mockResolvedValueOnce({ items: [{ id: "u1" }, { id: "u2" }], nextCursor: "c/2" })
      .mockResolvedValueOnce({ items: [{ id: "u3" }], nextCursor: null });
    await step(() => render(<List />, root));
    expect(getMock).toHaveBeenLastCalledWith("/api/users?q=a&limit=50");
    expect(shown()).toEqual(["u1", "u2"]);
    await step(() => button("Xem thêm").click());
    expect(getMock).toHaveBeenCalledTimes(2);
    expect(getMock).toHaveBeenLastCalledWith("/api/users?q=a&limit=50&cursor=c%2F2");
    expect(shown()).toEqual(["u1", "u2", "u3"]);
    // The last page has no cursor: nothing more to ask for.
    expect([...root.querySelectorAll("button")].some((b) => b.textContent === "Xem thêm")).toBe(false);
  });

  test("a new version starts again from the first page", async () => {
    getMock
      .mockResolvedValueOnce({ items: [{ id: "u1" }], nextCursor: "c2" })
      .mockResolvedValueOnce({ items: [{ id: "u2" }], nextCursor: null })
      .mockResolvedValueOnce({ items: [{ id: "u1" }], nextCursor: "c2" });
    await step(() => render(<List />, root));
    await step(() => button("Xem thêm").click());
    expect(shown()).toEqual(["u1", "u2"]);
    await step(() => render(<List version={1} />, root));
    expect(getMock).toHaveBeenCalledTimes(3);
    expect(getMock).toHaveBeenLastCalledWith("/api/users?q=a&limit=50");
    expect(shown()).toEqual(["u1"]);
  });
});
