import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseBundle } from "../../../shared/engine/bundle.ts";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { rankingSnapshotSchema } from "../../../shared/model/snapshot.ts";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures", name), "utf8"));

function bundle() {
  const parsed = parseBundle(fixture("all-methods-bundle.json"));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe("the snapshot names the version it compares with (previous)", () => {
  test("the previous snapshot's period and version, before the groups", () => {
    const input = bundle();
    const snapshot = toSnapshot(scorePeriod(input), input);
    expect(snapshot.previous).toEqual({ periodId: "minh-hoa-2023", version: 1 });
    expect(Object.keys(snapshot)).toEqual(["period", "version", "publishedAt", "previous", "groups"]);
  });

  test("null when it compares with nothing (every rank change is null)", () => {
    const { previous: _none, ...input } = bundle();
    const snapshot = toSnapshot(scorePeriod(input), input);
    expect(snapshot.previous).toBeNull();
    expect(snapshot.groups.flatMap((g) => g.units.map((u) => u.rankChange))).toSatisfy((changes: unknown[]) =>
      changes.every((c) => c === null),
    );
  });

  test("a snapshot published before it existed is still read (previous absent)", () => {
    const input = bundle();
    const { previous: _ref, ...older } = toSnapshot(scorePeriod(input), input);
    const parsed = rankingSnapshotSchema.parse(JSON.parse(JSON.stringify(older)));
    expect(parsed.previous).toBeUndefined();
    expect(parsed.groups).toEqual(older.groups);
  });
});
