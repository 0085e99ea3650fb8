import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { UnitContext } from "../../web/src/app/context.ts";
import type { Leaf, Submission } from "../../web/src/app/types.ts";
import type { Uploads } from "../../web/src/app/unit/Evidence.tsx";
import { LeafBlock } from "../../web/src/app/unit/UnitForm.tsx";
import type { SubmissionState } from "../../web/src/app/unit/useSubmission.ts";

const measuredLeaf: Leaf = {
  code: "1.5",
  name: "Tỷ lệ văn bản ký số",
  maxPoints: 10,
  method: { type: "count", pointsEach: 2 },
  evidence: { required: true, kinds: ["file"] },
  source: { kind: "measured", sourceId: "vbdh" },
};

const submission = (measured: Submission["measured"]): Submission => ({
  periodId: "p1",
  unitId: "u1",
  groupId: "department",
  state: "draft",
  version: 3,
  closesAt: "2030-01-01T00:00:00+07:00",
  editable: true,
  supplement: null,
  history: [],
  answers: {},
  measured,
  evidence: [],
  preview: {
    points: 4,
    maxPoints: 10,
    index: 0.4,
    pendingPoints: 0,
    leaves: { "1.5": { score: 4, flags: [] } },
  },
});

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
});

function mount(sub: Submission) {
  const change = vi.fn();
  const state = { submission: sub, pending: new Map(), change, leafErrors: {} } as unknown as SubmissionState;
  root = document.createElement("div");
  document.body.append(root);
  const el = root;
  act(() =>
    render(
      <LeafBlock
        leaf={measuredLeaf}
        context={{ leaves: [measuredLeaf] } as unknown as UnitContext}
        state={state}
        uploads={{ uploads: [] } as unknown as Uploads}
        editable
      />,
      el,
    ),
  );
  return { el, change };
}

/** 1.5's value as vbdh pushed it (or, with importedBy and fileName, as the organiser imported it). */
type MeasuredValue = NonNullable<Submission["measured"]>[string];
const measuredValue = (over: Partial<MeasuredValue>): MeasuredValue => ({
  value: 2,
  sourceId: "vbdh",
  sourceName: "Hệ thống quản lý văn bản",
  asOf: "2026-03-01T17:00:00.000Z",
  receivedAt: "2026-03-02T01:00:00.000Z",
  reference: null,
  importedBy: null,
  fileName: null,
  ...over,
});

describe("a measured leaf on the unit's form", () => {
  test("shows the source's value read-only with its source and date, and keeps the note", () => {
    const { el } = mount(
      submission({
        "1.5": measuredValue({ reference: "BC-02" }),
      }),
    );
    expect(el.querySelector("input")).toBeNull();
    expect(el.textContent).toContain("Số liệu đo tự động từ Hệ thống quản lý văn bản, ngày 02/03/2026");
    expect(el.textContent).toContain("BC-02");
    expect(el.querySelector(".leaf-answer")?.textContent).toContain("2");
    // No clear button and no evidence upload: the provenance is the evidence.
    expect([...el.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Thêm ghi chú"]);
    expect(el.querySelector(".evidence")).toBeNull();
  });

  test("names the organiser and the file for a value imported from a file, not the source's automation", () => {
    const { el } = mount(
      submission({
        "1.5": measuredValue({
          reference: "nhập từ tệp “so-lieu.xlsx” bởi admin ngày 02/03/2026",
          importedBy: "admin",
          fileName: "so-lieu.xlsx",
        }),
      }),
    );
    expect(el.textContent).toContain("Số liệu đo do admin nhập từ tệp “so-lieu.xlsx”, ngày 02/03/2026");
    expect(el.textContent).not.toContain("tự động");
    expect(el.querySelector("input")).toBeNull();
  });

  test("says when the source has not sent a value yet", () => {
    const { el } = mount(submission({}));
    expect(el.textContent).toContain("nguồn dữ liệu chưa gửi số liệu");
    expect(el.querySelector("input")).toBeNull();
  });
});
