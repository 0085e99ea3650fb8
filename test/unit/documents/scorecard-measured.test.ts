import { describe, expect, it } from "vitest";
import type { UnitResultView } from "../../../shared/api/results.ts";
import type { Table } from "../../../shared/documents/model.ts";
import { type ScorecardInput, scorecardDocument } from "../../../shared/documents/scorecard.ts";
import { framework, groupSo, ledgerA, snapshot, unitA } from "../../support/documents.ts";

const measured = {
  value: { numerator: 45, denominator: 50 },
  sourceId: "vbdh",
  sourceName: "Hệ thống quản lý văn bản",
  // 1 July in Vietnam: the date is the Vietnamese day, not UTC's.
  asOf: "2022-06-30T18:00:00.000Z",
  receivedAt: "2022-06-30T18:05:00.000Z",
  reference: "BC-2022-06",
  importedBy: null,
  fileName: null,
};
const ledger: UnitResultView = {
  ...ledgerA,
  leaves: ledgerA.leaves.map((l) => (l.code === "2.1" ? { ...l, measured } : l)),
};
const input: ScorecardInput = { snapshot, group: groupSo, unit: unitA, ledger, framework };

const ledgerRows = (doc: ReturnType<typeof scorecardDocument>) =>
  (doc.blocks.filter((b): b is Table => b.kind === "table").at(-1)?.rows ?? []).map((r) =>
    r.map((c) => (typeof c.text === "string" ? c.text : c.text.map((x) => x.text).join(""))),
  );

describe("the scorecard's measured leaves", () => {
  it("says in the ledger which source measured the value and as of which day", () => {
    const row = ledgerRows(scorecardDocument(input)).find((r) => r[0] === "2.1");
    expect(row?.[2]).toContain("(Số liệu đo tự động từ Hệ thống quản lý văn bản, ngày 01/07/2022)");
  });

  it("names the organiser and the file of a value imported from a file", () => {
    const imported = { ...measured, importedBy: "admin", fileName: "so-lieu.xlsx" };
    const withFile: ScorecardInput = {
      ...input,
      ledger: {
        ...ledgerA,
        leaves: ledgerA.leaves.map((l) => (l.code === "2.1" ? { ...l, measured: imported } : l)),
      },
    };
    const row = ledgerRows(scorecardDocument(withFile)).find((r) => r[0] === "2.1");
    expect(row?.[2]).toContain("(Số liệu đo do admin nhập từ tệp “so-lieu.xlsx”, ngày 01/07/2022)");
    expect(row?.[2]).not.toContain("tự động");
  });

  it("marks no other leaf", () => {
    const rows = ledgerRows(scorecardDocument(input)).filter((r) => r[0] !== "2.1");
    expect(rows.some((r) => r.join(" ").includes("Số liệu đo tự động"))).toBe(false);
    const plain = ledgerRows(scorecardDocument({ ...input, ledger: ledgerA }));
    expect(plain.some((r) => r.join(" ").includes("Số liệu đo tự động"))).toBe(false);
  });
});
