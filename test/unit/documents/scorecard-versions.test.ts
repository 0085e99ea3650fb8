import { describe, expect, it } from "vitest";
import { scorecardDocument } from "../../../shared/documents/scorecard.ts";
import { documentTexts, framework, groupSo, ledgerA, snapshot, unitA } from "../../support/documents.ts";

// The scorecard states what was compared when the index set changed (DOMAIN.md §3 "Versions of an index set").

describe("the scorecard across versions of the index set", () => {
  const card = (group: typeof groupSo) =>
    documentTexts(
      scorecardDocument({
        snapshot,
        group,
        unit: unitA,
        ledger: ledgerA,
        framework,
        previous: { periodName: "Năm 2024", unit: undefined },
      }),
    );

  it("says the set changed, what compares and how many indicators do not", () => {
    const texts = card({
      ...groupSo,
      comparability: {
        frameworkChanged: true,
        previousFrameworkId: "tq-2022",
        mapped: {},
        notComparable: { pillars: [], leaves: ["3.4", "3.9", "3.10"] },
        dropped: { pillars: [], leaves: ["4.5"] },
      },
    });
    expect(texts).toContain(
      "Bộ chỉ số thay đổi: so sánh chỉ số tổng và các trụ cột tương đương (điểm kỳ trước quy về thang điểm mới); 3 chỉ tiêu mới hoặc tách không so sánh, 1 chỉ tiêu cũ đã bỏ",
    );
  });

  it("one index set: no such line", () => {
    expect(card(groupSo).some((t) => t.startsWith("Bộ chỉ số thay đổi"))).toBe(false);
  });
});
