import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { type RestatedSnapshot, restateSnapshot } from "../engine/restate.ts";
import { conflict, forbidden, Refusal, unprocessable } from "../errors.ts";
import { dateSchema } from "../model/common.ts";
import type { Period, PeriodRestatement } from "../model/period.ts";
import { unitValidOn } from "../model/unit.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { rankingRows, toCsv } from "./open-data.ts";
import { snapshotOf, writeIndex } from "./previous.ts";
import { parseBody } from "./validate.ts";

export const restatementBodySchema = z
  .strictObject({ asOf: dateSchema.describe("the day whose units the ranking is restated on") })
  .meta({ id: "RestatementRequest" });

const JSON_TYPE = "application/json; charset=utf-8";
const CSV_TYPE = "text/csv; charset=utf-8";

/** The restated file as published: the restatement, the day, and each predecessor's code and name. */
export type RestatedFile = Omit<RestatedSnapshot, "groups"> & {
  asOf: string;
  groups: (Omit<RestatedSnapshot["groups"][number], "units"> & {
    units: (Omit<RestatedSnapshot["groups"][number]["units"][number], "predecessors"> & {
      predecessors: { unitId: string; code: string; name: string }[];
    })[];
  })[];
};

/** Where the restatement of version `version` on `asOf` is kept: v1's keeps the plain name. */
export function restatementKey(periodId: string, asOf: string, version: number, ext: "json" | "csv") {
  const suffix = version === 1 ? "" : `.v${version}`;
  return `public/rankings/${periodId}/restated-${asOf}${suffix}.${ext}`;
}

/**
 * POST /api/periods/{periodId}/restatements (DOMAIN.md §5 "Restating a ranking on new boundaries"): the
 * period's latest published version restated on every unit valid on `asOf` that is in it or has a
 * predecessor in it, written once (immutable JSON and CSV), recorded on the period with its audit
 * record and listed in index.json. Asked again for the same day and version: the recorded one, nothing
 * written (`created: false`). Two admins at once: both write the same bytes, one records.
 */
export async function restatePeriod(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  body: unknown,
): Promise<{ restatement: PeriodRestatement; created: boolean }> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin restates a ranking");
  const { asOf } = parseBody(restatementBodySchema, body, "restatement");
  const period = await ports.periods.require(periodId);
  const publication = period.publication;
  if (!publication) throw conflict("not-published", `period ${periodId} has no published ranking to restate`);
  const { version } = publication;
  const recorded = (p: Period) => p.restatements?.find((r) => r.asOf === asOf && r.version === version);
  const earlier = recorded(period);
  if (earlier) return { restatement: earlier, created: false };

  const file = await restatedFile(ports, periodId, version, asOf);
  const json = `${JSON.stringify(file, null, 2)}\n`;
  const key = restatementKey(periodId, asOf, version, "json");
  const csvKey = restatementKey(periodId, asOf, version, "csv");
  const name = (ext: string) => `xep-hang-${periodId}-v${version}-tinh-lai-${asOf}.${ext}`;
  await ports.published.put(key, json, JSON_TYPE, "immutable", name("json"));
  await ports.published.put(csvKey, restatedCsv(file), CSV_TYPE, "immutable", name("csv"));
  const restatement: PeriodRestatement = {
    asOf,
    version,
    url: `/${key}`,
    csv: `/${csvKey}`,
    units: file.groups.reduce((n, g) => n + g.units.length, 0),
    rule: file.restatedFrom.rule,
    at: ctx.now.toISOString(),
  };

  // Recorded with its audit record in one conditional write; a concurrent change: read again.
  let current = period;
  for (let round = 0; ; round++) {
    const already = recorded(current);
    if (already) return { restatement: already, created: false };
    const next: Period = {
      ...current,
      restatements: [...(current.restatements ?? []), restatement],
      updatedAt: ctx.now.toISOString(),
    };
    const audit = auditEntry(ctx, `period#${periodId}`, "period.restate", undefined, {
      asOf,
      version,
      url: restatement.url,
      units: restatement.units,
    });
    try {
      const stored = await ports.periods.update(current, next, audit);
      await writeIndex(ports, stored);
      await ports.published.invalidate(["public/rankings/index.json"]);
      return { restatement, created: true };
    } catch (error) {
      if (!(error instanceof Refusal && error.code === "period-changed") || round >= 4) throw error;
      current = await ports.periods.require(periodId);
    }
  }
}

/** The published version restated on the units of `asOf`, or why not (422). */
async function restatedFile(ports: Ports, periodId: string, version: number, asOf: string) {
  const source = await snapshotOf(ports, { periodId, version });
  if (!source) throw new Error(`the published snapshot ${periodId} v${version} is missing`);
  const listed = new Map(source.groups.flatMap((g) => g.units.map((u) => [u.unitId, u])));
  const units = (await ports.units.all())
    .filter((u) => unitValidOn(u, asOf))
    .filter((u) => listed.has(u.id) || (u.predecessorIds ?? []).some((id) => listed.has(id)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (units.length === 0)
    throw unprocessable("no-units-on-day", `no unit valid on ${asOf} comes from this ranking`, [
      { path: "asOf", message: `no unit valid on ${asOf} is in the ranking or has a predecessor in it` },
    ]);
  const restated = restateSnapshot(source, units);
  if (!restated.ok) {
    // The issue paths index the units given: name each unit instead.
    const details = restated.issues.map((issue) => {
      const at = /^units\.(\d+)/.exec(issue.path)?.[1];
      const unit = at === undefined ? undefined : units[Number(at)];
      return { path: unit ? `units.${unit.id}` : issue.path, message: issue.message };
    });
    throw unprocessable(
      "restatement-refused",
      `the units valid on ${asOf} cannot restate this ranking: ${details[0]?.message ?? ""}`,
      details,
    );
  }
  const { snapshot } = restated.value;
  const file: RestatedFile = {
    ...snapshot,
    asOf,
    groups: snapshot.groups.map((group) => ({
      ...group,
      units: group.units.map((unit) => ({
        ...unit,
        predecessors: unit.predecessors.map((p) => ({
          ...p,
          code: listed.get(p.unitId)?.code ?? "",
          name: listed.get(p.unitId)?.name ?? "",
        })),
      })),
    })),
  };
  return file;
}

/** The ranking's open-data columns, the rank change replaced by the units each one is formed from. */
function restatedCsv(file: RestatedFile): string {
  const table = rankingRows(file);
  const at = table.header.indexOf("Thay đổi hạng");
  const header = table.header.map((h, i) => (i === at ? "Gồm (đơn vị trước sắp xếp)" : h));
  const from = file.groups.flatMap((g) => g.units.map((u) => u.predecessors.map((p) => p.name).join("; ")));
  const rows = table.rows.map((row, r) => row.map((cell, i) => (i === at ? (from[r] ?? "") : cell)));
  return toCsv({ header, rows });
}
