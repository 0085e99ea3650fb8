import { describe, expect, it } from "vitest";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { commune, communeGroup, leaf, pillar, submitted, testFramework } from "../../support/fixtures.ts";

const measured = { source: { kind: "measured", sourceId: "vbdh" } };
const frameworkOf = (withMeasured: boolean) =>
  testFramework({
    groups: [
      communeGroup([
        pillar("1", "Hạ tầng số", 30, [
          leaf("1.1", "Tỷ lệ văn bản điện tử", 10, { type: "points" }, withMeasured ? measured : {}),
          leaf("1.2", "Kế hoạch", 20),
        ]),
      ]),
    ],
  });
const units = [commune("a"), commune("b")];
const submissions = {
  a: submitted({ "1.1": 10, "1.2": 20 }),
  b: submitted({ "1.1": 5, "1.2": 12 }),
};
const meta = { period: { id: "p", name: "Kỳ" } };

describe("the snapshot's measured share", () => {
  it("is the measured leaves' final points over all the group's final points, 4 decimals", () => {
    const snapshot = toSnapshot(scorePeriod({ framework: frameworkOf(true), units, submissions }), meta);
    // (10 + 5) / (30 + 17) = 0.31914…
    expect(snapshot.groups[0]?.measuredShare).toBe(0.3191);
  });

  it("is 0 when nobody has a point yet", () => {
    const none = { a: submitted({ "1.1": 0, "1.2": 0 }), b: submitted({}) };
    const snapshot = toSnapshot(
      scorePeriod({ framework: frameworkOf(true), units, submissions: none }),
      meta,
    );
    expect(snapshot.groups[0]?.measuredShare).toBe(0);
  });

  it("is absent when the group has no measured leaf, so such snapshots are unchanged", () => {
    const snapshot = toSnapshot(scorePeriod({ framework: frameworkOf(false), units, submissions }), meta);
    expect(snapshot.groups[0]).not.toHaveProperty("measuredShare");
    expect(JSON.stringify(snapshot)).not.toContain("measuredShare");
  });
});
