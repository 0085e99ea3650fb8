import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { paths } from "../../web/src/app/api.ts";
import type { UnitContext } from "../../web/src/app/context.ts";
import type { Leaf, Submission } from "../../web/src/app/types.ts";
import { CarryOverButton } from "../../web/src/app/unit/CarryOver.tsx";
import type { Uploads } from "../../web/src/app/unit/Evidence.tsx";
import { LeafBlock } from "../../web/src/app/unit/UnitForm.tsx";
import { useSubmission } from "../../web/src/app/unit/useSubmission.ts";
import { setSession } from "../../web/src/auth/session.ts";

const leaves: Leaf[] = [
  {
    code: "1.1",
    name: "Có kế hoạch chuyển đổi số",
    maxPoints: 10,
    method: { type: "yesno" },
    evidence: { required: false, kinds: ["file"] },
  },
  {
    code: "1.2",
    name: "Số dịch vụ công trực tuyến",
    maxPoints: 10,
    method: { type: "count", pointsEach: 2 },
    evidence: { required: false, kinds: ["file"] },
  },
];

const submission = (over: Partial<Submission> = {}): Submission => ({
  periodId: "p2",
  unitId: "u1",
  groupId: "department",
  state: "draft",
  version: 4,
  closesAt: "2030-01-01T00:00:00+07:00",
  editable: true,
  supplement: null,
  history: [],
  answers: {},
  measured: {},
  evidence: [],
  preview: { points: 0, maxPoints: 20, index: 0, pendingPoints: 0, leaves: {} },
  ...over,
});

/** What the route answers: both leaves carried, counted nowhere yet, and 1.1's file with them. */
const carried = submission({
  version: 5,
  answers: {
    "1.1": { value: true, note: null, updatedAt: "2026-06-01T08:00:00Z", updatedBy: "editor", carried: true },
    "1.2": { value: 3, note: null, updatedAt: "2026-06-01T08:00:00Z", updatedBy: "editor", carried: true },
  },
  evidence: [
    {
      id: "5f0c1f3e-1c2b-8a4d-9e6f-0a1b2c3d4e5f",
      kind: "file",
      status: "confirmed",
      indicatorCodes: ["1.1"],
      fileName: "ke-hoach-2025.pdf",
      contentType: "application/pdf",
      size: 20480,
      sha256: "ab".repeat(32),
      createdAt: "2026-06-01T08:00:00Z",
      createdBy: "editor",
      confirmedAt: "2026-06-01T08:00:00Z",
      carriedFrom: { periodId: "p1", unitId: "u1", evidenceId: "0e2d3c4b-5a69-4788-9900-aabbccddeeff" },
    },
  ],
});

/** The form's parts that carry-over touches, on the real useSubmission and the real fetch client. */
function Workspace({ initial }: { initial: Submission }) {
  const state = useSubmission(initial.periodId, initial.unitId, initial);
  const context = { leaves, period: { id: initial.periodId } } as unknown as UnitContext;
  const uploads = { uploads: [] } as unknown as Uploads;
  return (
    <div>
      <CarryOverButton state={state} />
      {leaves.map((leaf) => (
        <LeafBlock
          key={leaf.code}
          leaf={leaf}
          context={context}
          state={state}
          uploads={uploads}
          editable={state.submission.editable}
        />
      ))}
    </div>
  );
}

let root: HTMLElement | undefined;
const mount = (initial: Submission) => {
  root = document.createElement("div");
  document.body.append(root);
  const el = root;
  act(() => render(<Workspace initial={initial} />, el));
  return el;
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

beforeEach(() => {
  setSession({
    username: "editor",
    roles: ["unit-editor"],
    idToken: "token",
    expiresAt: Date.now() + 86_400_000,
  });
});

afterEach(() => {
  if (root) act(() => render(null, root as HTMLElement));
  root?.remove();
  root = undefined;
  vi.unstubAllGlobals();
  setSession(null);
});

/** Lets the client's promises run (inside act) until `check` passes. */
const settled = (check: () => void) =>
  vi.waitFor(async () => {
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    check();
  });

const startButton = (el: HTMLElement) =>
  [...el.querySelectorAll("button")].find((b) => b.textContent === "Bắt đầu từ kỳ trước");

describe("the carry-over button", () => {
  test("posts to the route, is busy until it answers, then shows the carried answers awaiting confirmation", async () => {
    let answer: (response: Response) => void = () => undefined;
    const fetch = vi.fn(
      (_url: string, _init?: RequestInit) => new Promise<Response>((resolve) => (answer = resolve)),
    );
    vi.stubGlobal("fetch", fetch);
    const el = mount(submission());
    expect(el.querySelector(".carried-mark")).toBeNull();
    const button = startButton(el);
    expect(button?.disabled).toBe(false);
    await act(async () => button?.click());
    // Busy (useAction): disabled while the request is out, and a second click sends nothing more.
    expect(startButton(el)?.disabled).toBe(true);
    await act(async () => startButton(el)?.click());
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe(paths.carryOver("p2", "u1"));
    expect(init?.method).toBe("POST");
    expect((init?.headers ?? {}) as Record<string, string>).toMatchObject({ authorization: "Bearer token" });

    await act(async () => answer(json(200, carried)));
    await settled(() => expect(startButton(el)?.disabled).toBe(false));
    const marks = [...el.querySelectorAll(".carried-mark")];
    expect(marks).toHaveLength(2);
    for (const mark of marks) {
      expect(mark.textContent).toContain("Chuyển từ kỳ trước — cần xác nhận");
      expect(mark.querySelector("button")?.textContent).toBe("Xác nhận");
    }
    // The file came with its answer: listed under 1.1, said to be carried, nothing to upload again.
    const file = el.querySelector(".evidence-list li");
    expect(file?.textContent).toContain("ke-hoach-2025.pdf");
    expect(file?.textContent).toContain("chuyển từ kỳ trước");
    // The carried values are in the form, to be confirmed as they are or changed.
    expect([...el.querySelectorAll("input")].map((input) => input.value)).toContain("3");
    // "Xác nhận" saves the same value: the mark goes while it is pending.
    await act(async () => marks[0]?.querySelector("button")?.click());
    expect(el.querySelectorAll(".carried-mark")).toHaveLength(1);
  });

  test("shows the route's refusal beside the button", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        json(409, {
          error: {
            code: "not-draft",
            message: "answers are carried over only into a draft (it is submitted)",
          },
        }),
      ),
    );
    const el = mount(submission());
    await act(async () => startButton(el)?.click());
    await settled(() =>
      expect(el.querySelector(".carry-over [role=alert]")?.textContent).toContain("bản nháp"),
    );
    expect(el.querySelector(".carried-mark")).toBeNull();
  });

  test("locked: no button, and a carried answer never confirmed shows as no value, said so", () => {
    vi.stubGlobal("fetch", vi.fn());
    const el = mount(
      submission({
        state: "locked",
        editable: false,
        answers: {
          "1.1": {
            value: null,
            note: null,
            updatedAt: "2026-06-01T08:00:00Z",
            updatedBy: "editor",
            carried: true,
          },
        },
      }),
    );
    expect(startButton(el)).toBeUndefined();
    const marks = [...el.querySelectorAll(".carried-mark")];
    expect(marks).toHaveLength(1);
    expect(marks[0]?.textContent).toContain("không được xác nhận");
    expect(marks[0]?.querySelector("button")).toBeNull();
  });
});
