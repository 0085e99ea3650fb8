import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Refusal } from "../../../shared/errors.ts";
import {
  asOfOf,
  cellValue,
  importMeasurements,
  MAX_IMPORT_ROWS,
} from "../../../shared/services/measurement-import.ts";
import { pushMeasurements } from "../../../shared/services/measurements.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import { getSubmission } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import type { MemoryPorts } from "../../support/fakes/index.ts";
import { measuredPeriod } from "../../support/fakes/measured-period.ts";
import { runQueuedJobs } from "../../support/fakes/scenarios.ts";
import { at, by, ctxOf, DAY, NOW, refusal } from "../../support/fakes/world.ts";

/** S1 and S2 in the period, S3 outside it; 1.3 (ratio) and 1.5 (count) by vbdh, 2.2 by dvc (unregistered). */
const world = measuredPeriod;

const run = (ports: MemoryPorts, body: unknown, ctx = by.admin(), periodId = "ky") =>
  importMeasurements(ports, ctx, { periodId, body, rawBody: JSON.stringify(body) });

/** The refusal's kind/code and its details. */
async function refused(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Refusal)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { code: `${error.kind}/${error.code}`, message: error.message, details: error.details };
}

const GOOD = {
  fileName: "so-lieu-bo.xlsx",
  rows: [
    { unitCode: "S1", code: "1.3", value: "8/10", asOf: "2026-03-01" },
    { unitCode: "S1", code: "1.5", value: "4" },
    { unitCode: "S2", code: "2.2", value: "12,5", asOf: "2026-03-01T08:00:00+07:00" },
  ],
};

const measuredOf = async (ports: MemoryPorts, unitId: string) =>
  (await ports.submissions.load("ky", unitId, "department")).measured;

describe("importing measured values from a file", () => {
  it("stores each row with the import's provenance and one audit record", async () => {
    const { ports } = await world();
    const answer = await run(ports, GOOD);
    expect(answer.counts).toEqual({ stored: 3, unchanged: 0, stale: 0 });
    expect(answer.results.map((r) => [r.unitId, r.code, r.status])).toEqual([
      ["so-1", "1.3", "stored"],
      ["so-1", "1.5", "stored"],
      ["so-2", "2.2", "stored"],
    ]);
    const sha = createHash("sha256").update(JSON.stringify(GOOD)).digest("hex");
    expect(answer).toMatchObject({ fileName: "so-lieu-bo.xlsx", importedBy: "admin", bodySha256: sha });
    const reference = "nhập từ tệp “so-lieu-bo.xlsx” bởi admin ngày 02/03/2026";
    expect((await measuredOf(ports, "so-1"))?.get("1.3")).toEqual({
      code: "1.3",
      value: { numerator: 8, denominator: 10 },
      sourceId: "vbdh",
      sourceName: "Hệ thống quản lý văn bản",
      asOf: "2026-02-28T17:00:00.000Z",
      receivedAt: NOW.toISOString(),
      reference,
      bodySha256: sha,
      importedBy: "admin",
      fileName: "so-lieu-bo.xlsx",
    });
    // No asOf: the import's own time. An unregistered source is named by its id.
    expect((await measuredOf(ports, "so-1"))?.get("1.5")).toMatchObject({
      value: 4,
      asOf: NOW.toISOString(),
    });
    expect((await measuredOf(ports, "so-2"))?.get("2.2")).toMatchObject({
      value: 12.5,
      sourceId: "dvc",
      sourceName: "dvc",
      asOf: "2026-03-01T01:00:00.000Z",
    });
    // The unit's form shows it as a measured value with its provenance.
    const sub = await getSubmission(ports, by.editor("so-1"), "ky", "so-1");
    expect(sub.measured["1.3"]).toMatchObject({ sourceName: "Hệ thống quản lý văn bản", reference });
    const records = ports.audit.records.filter((r) => r.action === "measurements.import");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      entity: "period#ky",
      actor: "admin",
      after: { fileName: "so-lieu-bo.xlsx", rows: 3, stored: 3, unchanged: 0, stale: 0, bodySha256: sha },
    });
  });

  it("answers unchanged for the same file again and writes nothing", async () => {
    const { ports } = await world();
    await run(ports, GOOD);
    const before = structuredClone(await measuredOf(ports, "so-1"));
    const again = await run(ports, GOOD, by.admin(at(DAY)));
    expect(again.counts).toEqual({ stored: 0, unchanged: 3, stale: 0 });
    expect(await measuredOf(ports, "so-1")).toEqual(before);
  });

  it("keeps the push's rules: newest asOf wins, a source's later push replaces an imported value", async () => {
    const { ports, vbdh } = await world();
    await run(ports, GOOD);
    const older = await run(ports, {
      fileName: "cu.csv",
      rows: [{ unitCode: "S1", code: "1.3", value: "1/10", asOf: "2026-02-01" }],
    });
    expect(older.counts).toEqual({ stored: 0, unchanged: 0, stale: 1 });
    const body = {
      asOf: "2026-03-02T09:00:00+07:00",
      values: [{ unitId: "so-1", code: "1.3", value: { numerator: 9, denominator: 10 } }],
    };
    const pushed = await pushMeasurements(ports, ctxOf({ username: "x", roles: [] }), {
      periodId: "ky",
      authorization: `Bearer ${vbdh.secret}`,
      body,
      rawBody: JSON.stringify(body),
    });
    expect(pushed.counts.stored).toBe(1);
    const value = (await measuredOf(ports, "so-1"))?.get("1.3");
    expect(value?.reference).toBeUndefined();
    expect(value).not.toHaveProperty("importedBy");
  });

  it("refuses the whole file when any row is bad, naming each by row and column, and writes nothing", async () => {
    const { ports } = await world();
    const answer = await refused(
      run(ports, {
        fileName: "sai.csv",
        rows: [
          { unitCode: "S1", code: "1.5", value: "4" },
          { unitCode: "X9", code: "1.5", value: "4" },
          { unitCode: "S3", code: "1.5", value: "4" },
          { unitCode: "S1", code: "9.9", value: "4" },
          { unitCode: "S1", code: "1.4", value: "4" },
          { unitCode: "S2", code: "1.3", value: "5/4" },
          { unitCode: "S2", code: "1.5", value: "1,5" },
          { unitCode: "S2", code: "2.2", value: "" },
          { unitCode: "S1", code: "1.5", value: "5" },
          { unitCode: "S1", code: "1.3", value: "1/2", asOf: "31/02/2026" },
          { unitCode: "S1", code: "2.2", value: "1", asOf: "2026-12-01" },
        ],
      }),
    );
    expect(answer.code).toBe("unprocessable/invalid-rows");
    expect(answer.message).toBe("10 of 11 rows cannot be imported; nothing was imported");
    expect(answer.details.map((d) => d.path)).toEqual([
      "rows.1.unitCode",
      "rows.2.unitCode",
      "rows.3.code",
      "rows.4.code",
      "rows.5.value",
      "rows.6.value",
      "rows.7.value",
      "rows.8.code",
      "rows.9.asOf",
      "rows.10.asOf",
    ]);
    expect(answer.details.map((d) => d.message)).toEqual([
      'there is no unit with code "X9"',
      'unit "S3" does not take part in period "ky"',
      '"9.9" is not an indicator of the group of unit "S1"',
      "1.4 is answered by the unit, not measured",
      '1.3: numerator (5) must not exceed denominator (4) (in a file: "numerator/denominator")',
      "1.5: expected a whole number ≥ 0",
      "2.2: expected a value",
      '1.5 of unit "S1" is given twice (first at rows.0)',
      '"31/02/2026" is not a date (YYYY-MM-DD) or an instant with its offset',
      "2026-12-01 is in the future: a value is imported once it is measured",
    ]);
    expect(await measuredOf(ports, "so-1")).toEqual(new Map());
    expect(ports.audit.records.filter((r) => r.action === "measurements.import")).toEqual([]);
  });

  it("refuses a caller who is not the organiser, a bad body, too many rows, a period not taking values", async () => {
    const { ports } = await world();
    expect(await refusal(run(ports, GOOD, by.reviewer()))).toBe("forbidden/forbidden");
    expect(await refusal(run(ports, GOOD, by.editor("so-1")))).toBe("forbidden/forbidden");
    const empty = await refused(run(ports, { fileName: "a.csv", rows: [] }));
    expect(empty.code).toBe("unprocessable/invalid-body");
    expect(empty.details[0]?.path).toBe("rows");
    const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, () => ({
      unitCode: "S1",
      code: "1.5",
      value: "1",
    }));
    const tooMany = await refused(run(ports, { fileName: "a.csv", rows: many }));
    expect(tooMany.details).toEqual([
      { path: "rows", message: "at most 5000 rows per import (split the file)" },
    ]);
    expect((await refused(run(ports, { rows: GOOD.rows }))).details[0]?.path).toBe("fileName");
    expect(await refusal(run(ports, GOOD, by.admin(), "nope"))).toBe("not-found/not-found");
    await transitionPeriod(ports, by.admin(), "ky", { to: "appraisal" });
    expect(await refusal(run(ports, GOOD))).toBe("conflict/period-not-measurable");
    await runQueuedJobs(ports);
    expect((await run(ports, GOOD)).counts.stored).toBe(3);
    await createPeriod(ports, by.admin(), {
      id: "nhap",
      name: "Nháp",
      frameworkId: "fw-m",
      unitIds: ["so-1"],
      opensAt: at(DAY).toISOString(),
      closesAt: at(3 * DAY).toISOString(),
    });
    expect(await refusal(run(ports, GOOD, by.admin(), "nhap"))).toBe("conflict/period-not-measurable");
  });
});

describe("a cell as the method's value", () => {
  const leaf = (method: Record<string, unknown>) => ({ method }) as never;
  it("reads numbers with a decimal comma, ratios, yes/no, levels; leaves the rest for the check", () => {
    expect(cellValue(leaf({ type: "relative" }), "12,5")).toBe(12.5);
    expect(cellValue(leaf({ type: "count" }), " 1 200 ")).toBe(1200);
    expect(cellValue(leaf({ type: "count" }), "1.234.567")).toBe("1.234.567");
    expect(cellValue(leaf({ type: "ratio" }), "8 / 10")).toEqual({ numerator: 8, denominator: 10 });
    expect(cellValue(leaf({ type: "ratio" }), "8")).toBe("8");
    expect(cellValue(leaf({ type: "yesno" }), "Có")).toBe(true);
    expect(cellValue(leaf({ type: "yesno" }), "không")).toBe(false);
    const level = leaf({ type: "level", options: [{ id: "a", label: "Đầy đủ" }] });
    expect(cellValue(level, "đầy đủ")).toBe("a");
    expect(cellValue(level, "a")).toBe("a");
    expect(cellValue(leaf({ type: "info" }), "ghi chú")).toBe("ghi chú");
    expect(cellValue(leaf({ type: "count" }), 7)).toBe(7);
  });

  it("reads an asOf as a day in Vietnam or an instant", () => {
    expect(asOfOf("2026-03-01")).toEqual({ iso: "2026-02-28T17:00:00.000Z" });
    expect(asOfOf("2026-03-01T10:00:00Z")).toEqual({ iso: "2026-03-01T10:00:00.000Z" });
    expect(asOfOf("2026-02-30")).toHaveProperty("problem");
    expect(asOfOf("2026-03-01T10:00:00")).toHaveProperty("problem");
  });
});
