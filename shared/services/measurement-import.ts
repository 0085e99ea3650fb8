import { createHash } from "node:crypto";
import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { forbidden, unprocessable } from "../errors.ts";
import { answerProblem } from "../model/answer.ts";
import { capped, lineSchema } from "../model/common.ts";
import { type Leaf, measuredSourceOf } from "../model/framework.ts";
import type { Issue } from "../model/issues.ts";
import { MAX_MEASUREMENTS_PER_PUSH, type StoredMeasurement } from "../model/measurement.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { canonical, measurableScope, measurementKey } from "./measurements.ts";
import type { MeasurementPut } from "./ports.ts";
import { parseBody } from "./validate.ts";

/**
 * The organiser's import of measured values from a file (DOMAIN.md, "Measured indicators", "Imported
 * values"): the browser reads the CSV or workbook into rows; the rules are the push's, but the file is
 * taken whole or not at all, and each value's provenance names the import, not a source's push.
 */

/** The push's own limit: one file holds at most as many values as one push. */
export const MAX_IMPORT_ROWS = MAX_MEASUREMENTS_PER_PUSH;

/** A cell as read from the file: text, or a value already shaped like the leaf method's answer. */
const cellSchema = z.union([
  z.string().max(10_000),
  z.number(),
  z.boolean(),
  z.strictObject({ numerator: z.number(), denominator: z.number() }),
]);

export const importRowSchema = z.strictObject({
  /** The unit's official code (Unit.code, as in the units import), not its id. */
  unitCode: z.string().trim().min(1).max(64),
  code: z.string().trim().min(1).max(64),
  value: cellSchema,
  /** When the value was measured: YYYY-MM-DD (that day, 00:00 in Vietnam) or an instant with offset. */
  asOf: z.string().trim().max(40).optional(),
});

export const importBodySchema = z.strictObject({
  /** The imported file's name, kept with every value as its provenance. */
  fileName: lineSchema(255),
  rows: capped(
    MAX_IMPORT_ROWS,
    z.array(importRowSchema).min(1),
    `at most ${MAX_IMPORT_ROWS} rows per import (split the file)`,
  ),
});

export type ImportBody = z.infer<typeof importBodySchema>;

/** A stored value that came from an import: the push's provenance, and who imported which file. */
export interface ImportedMeasurement extends StoredMeasurement {
  importedBy: string;
  fileName: string;
}

export interface ImportRequest {
  periodId: string;
  body: unknown;
  /** The request body's exact text, for its sha256. */
  rawBody: string;
}

export type ImportStatus = "stored" | "unchanged" | "stale";

const VIETNAM_OFFSET = "+07:00";
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const NUMBER = /^[+-]?(\d+([.,]\d+)?|[.,]\d+)$/;
const YES = new Set(["true", "có", "co", "yes", "x", "1", "đạt", "dat"]);
const NO = new Set(["false", "không", "khong", "no", "0", "không đạt", "khong dat"]);

/** A row's asOf as an ISO instant, or why it is none. */
export function asOfOf(text: string): { iso: string } | { problem: string } {
  const instant = DATE.test(text) ? `${text}T00:00:00${VIETNAM_OFFSET}` : text;
  const ms = INSTANT.test(instant) ? Date.parse(instant) : Number.NaN;
  const sameDay = !DATE.test(text) || new Date(ms + 7 * 3_600_000).toISOString().startsWith(text);
  if (Number.isNaN(ms) || !sameDay)
    return { problem: `"${text.slice(0, 40)}" is not a date (YYYY-MM-DD) or an instant with its offset` };
  return { iso: new Date(ms).toISOString() };
}

/** A number as written in a cell: a decimal comma or point, no thousands separators. */
function numberOf(text: string): number | undefined {
  const t = text.replace(/\s/g, "");
  return NUMBER.test(t) ? Number(t.replace(",", ".")) : undefined;
}

/**
 * A cell's text as the value the leaf's method takes: numbers with a decimal comma or point, a ratio
 * as "8/10", yes/no as có/không (or true/false, 1/0), a level by its id or label. Anything else is
 * passed on as is, for answerProblem to name what was expected.
 */
export function cellValue(leaf: Leaf, cell: z.infer<typeof cellSchema>): unknown {
  if (typeof cell !== "string") return cell;
  const text = cell.normalize("NFC").trim();
  const method = leaf.method;
  switch (method.type) {
    case "yesno": {
      const lower = text.toLowerCase();
      return YES.has(lower) ? true : NO.has(lower) ? false : text;
    }
    case "level": {
      const lower = text.toLowerCase();
      const option = method.options.find((o) => o.id === text || o.label.toLowerCase() === lower);
      return option?.id ?? text;
    }
    case "ratio": {
      const [numerator, denominator, ...rest] = text.split("/").map((s) => numberOf(s));
      return rest.length === 0 && numerator !== undefined && denominator !== undefined
        ? { numerator, denominator }
        : text;
    }
    case "info":
      return numberOf(text) ?? text;
    default:
      return numberOf(text) ?? text;
  }
}

/** The ratio's expected form in a file, added to answerProblem's JSON wording. */
const cellHint = (leaf: Leaf) =>
  leaf.method.type === "ratio" ? ' (in a file: "numerator/denominator")' : "";

/** The provenance line the unit's form shows after the source's name: who imported which file, when. */
export function importReference(fileName: string, username: string, at: Date): string {
  const day = new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, d] = day.split("-");
  return `nhập từ tệp “${fileName}” bởi ${username} ngày ${d}/${m}/${y}`;
}

/**
 * POST /api/periods/{periodId}/measurement-imports: the organiser's file of measured values. Every
 * row is checked first (unit of the period by its code, a measured leaf of its group, a value the
 * method takes, a usable asOf, no unit and leaf twice); any bad row refuses the whole file (422
 * `invalid-rows`, each problem at `rows.{i}.{field}`) and nothing is written. Otherwise each value is
 * stored, unchanged or stale as in a push, and one audit record says so.
 */
export async function importMeasurements(ports: Ports, ctx: RequestContext, request: ImportRequest) {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only the organiser imports measured values");
  const { fileName, rows } = parseBody(importBodySchema, request.body, "import");
  const { period, members, leavesOf } = await measurableScope(
    ports,
    request.periodId,
    await ports.periods.get(request.periodId),
  );
  const memberUnits = await ports.units.getMany([...members.keys()]);
  /** Unit code → the period's units with it (more than one would make the code ambiguous). */
  const byCode = new Map<string, string[]>();
  for (const unit of memberUnits.values()) byCode.set(unit.code, [...(byCode.get(unit.code) ?? []), unit.id]);
  const strangers = rows.some((r) => !byCode.has(r.unitCode))
    ? new Set((await ports.units.all()).map((u) => u.code))
    : new Set<string>();

  const receivedAt = ctx.now.toISOString();
  const bodySha256 = createHash("sha256").update(request.rawBody, "utf8").digest("hex");
  const reference = importReference(fileName, ctx.actor.username, ctx.now);
  const sourceNames = new Map((await ports.sources.all()).map((s) => [s.id, s.name]));
  const issues: Issue[] = [];
  const puts: (MeasurementPut & { index: number })[] = [];
  const seen = new Map<string, number>();
  for (const [index, row] of rows.entries()) {
    const problem = (field: string, message: string) =>
      issues.push({ path: `rows.${index}.${field}`, message });
    const ids = byCode.get(row.unitCode);
    if (!ids) {
      problem(
        "unitCode",
        strangers.has(row.unitCode)
          ? `unit "${row.unitCode}" does not take part in period "${period.id}"`
          : `there is no unit with code "${row.unitCode}"`,
      );
      continue;
    }
    if (ids.length > 1) {
      problem("unitCode", `the code "${row.unitCode}" names several units of the period: ${ids.join(", ")}`);
      continue;
    }
    const unitId = ids[0] as string;
    const leaf = leavesOf.get(members.get(unitId) ?? "")?.get(row.code);
    const sourceId = leaf ? measuredSourceOf(leaf) : undefined;
    if (!leaf || sourceId === undefined) {
      problem(
        "code",
        leaf
          ? `${row.code} is answered by the unit, not measured`
          : `"${row.code}" is not an indicator of the group of unit "${row.unitCode}"`,
      );
      continue;
    }
    const key = measurementKey(unitId, row.code);
    const first = seen.get(key);
    if (first !== undefined) {
      problem("code", `${row.code} of unit "${row.unitCode}" is given twice (first at rows.${first})`);
      continue;
    }
    seen.set(key, index);
    const value = cellValue(leaf, row.value);
    const valueProblem =
      typeof value === "string" && value === "" ? "expected a value" : answerProblem(leaf, value);
    if (valueProblem) problem("value", `${row.code}: ${valueProblem}${cellHint(leaf)}`);
    const asOf = row.asOf ? asOfOf(row.asOf) : { iso: receivedAt };
    if ("problem" in asOf) problem("asOf", asOf.problem);
    else if (Date.parse(asOf.iso) > ctx.now.getTime())
      problem("asOf", `${row.asOf} is in the future: a value is imported once it is measured`);
    if (valueProblem || "problem" in asOf) continue;
    const measurement: ImportedMeasurement = {
      code: row.code,
      value,
      sourceId,
      sourceName: sourceNames.get(sourceId) ?? sourceId,
      asOf: asOf.iso,
      receivedAt,
      reference,
      bodySha256,
      importedBy: ctx.actor.username,
      fileName,
    };
    puts.push({ index, periodId: period.id, unitId, measurement });
  }
  if (issues.length > 0)
    throw unprocessable(
      "invalid-rows",
      `${new Set(issues.map((i) => i.path.split(".")[1])).size} of ${rows.length} rows cannot be imported; nothing was imported`,
      issues,
    );

  const stored = await ports.measurements.getMany(
    period.id,
    puts.map((p) => ({ unitId: p.unitId, code: p.measurement.code })),
  );
  const statuses: ImportStatus[] = new Array(rows.length);
  const writes: typeof puts = [];
  for (const put of puts) {
    const before = stored.get(measurementKey(put.unitId, put.measurement.code));
    if (before && Date.parse(before.asOf) > Date.parse(put.measurement.asOf)) statuses[put.index] = "stale";
    else if (before && canonical(before.value) === canonical(put.measurement.value))
      statuses[put.index] = "unchanged";
    else writes.push(put);
  }
  const written = await ports.measurements.putMany(writes);
  for (const [i, put] of writes.entries()) statuses[put.index] = written[i] ? "stored" : "stale";

  const counts = { stored: 0, unchanged: 0, stale: 0 };
  for (const status of statuses) counts[status] += 1;
  await ports.audit.append(
    auditEntry(ctx, `period#${period.id}`, "measurements.import", undefined, {
      fileName,
      rows: rows.length,
      ...counts,
      bodySha256,
    }),
  );
  return {
    periodId: period.id,
    fileName,
    importedBy: ctx.actor.username,
    receivedAt,
    bodySha256,
    counts,
    results: puts.map((p) => ({
      index: p.index,
      unitId: p.unitId,
      code: p.measurement.code,
      status: statuses[p.index] as ImportStatus,
    })),
  };
}
