import { fmt, localName, t } from "../../i18n/index.ts";
import { Loading, Scroll, useAsync } from "../../ui/common.tsx";
import { errorText, getAll, paths } from "../api.ts";
import { allUnits, getFramework } from "../context.ts";
import type { Period, SteadyState, Unit, UnitResult } from "../types.ts";
import { tp } from "./messages-period.ts";
import "./period.css";

/** What a move will do, in words with the period's own numbers: the body of its confirmation. */
export function consequenceText(period: Period, to: SteadyState): string {
  const { name } = period;
  const { units, submitted } = period.counts;
  const version = period.publication?.version ?? 0;
  switch (to) {
    case "open":
      return tp("open", { name, units, closesAt: fmt.dateTime(period.closesAt) });
    case "appraisal":
      if (period.state === "published") return tp("reopen", { name, version, next: version + 1 });
      if (period.state === "open" && submitted < units)
        return tp("closeEarly", { name, units, submitted, missing: units - submitted });
      return `${t("transitionConfirm.appraisal", { name })} ${tp("closeAll", { units })}`;
    case "explanation":
      return tp("explanation", {
        name,
        until: period.explanationClosesAt ? fmt.dateTime(period.explanationClosesAt) : "—",
      });
    case "final":
      return tp("final", { name });
    case "published":
      return tp("published", { name, version: version + 1 });
    default:
      return tp("draft", { name });
  }
}

/** "code · name" of a result, from the result or the unit list. */
function unitLabel(r: UnitResult, unit: Unit | undefined): string {
  const code = r.code ?? unit?.code;
  const name = r.name ?? (unit ? localName(unit) : r.unitId);
  return code ? `${code} · ${name}` : name;
}

/** One unit's line of the published ranking, and what is not yet settled about it. */
export interface PreviewRow {
  unitId: string;
  groupId: string;
  label: string;
  submitted: boolean;
  rank: number | null;
  points: number;
  index: number;
  band: string | null;
  /** Leaves of a submitted unit without an appraisal. */
  unappraised: number;
  /** Contests not decided. */
  pending: number;
}

/** The ranking as it will be published (the final result, else the provisional one), by group and rank. */
export function previewRows(results: UnitResult[], units?: Map<string, Unit>): PreviewRow[] {
  return results
    .map((r) => {
      const score = r.final ?? r.provisional;
      const submitted = r.submitted && !score?.flags.includes("not-submitted");
      return {
        unitId: r.unitId,
        groupId: r.groupId,
        label: unitLabel(r, units?.get(r.unitId)),
        submitted,
        rank: score?.rank ?? null,
        points: score?.points ?? 0,
        index: score?.index ?? 0,
        band: score?.band ?? null,
        unappraised: submitted ? r.leaves.filter((leaf) => leaf.appraisal === null).length : 0,
        pending: r.leaves.filter((leaf) => leaf.contest && !leaf.contest.decision).length,
      };
    })
    .sort((a, b) => a.groupId.localeCompare(b.groupId) || (a.rank ?? 1e9) - (b.rank ?? 1e9));
}

/** The warnings of a preview: units not appraised, contests pending, units that did not submit. */
export function previewWarnings(rows: PreviewRow[]): string[] {
  const notAppraised = rows.filter((r) => r.unappraised > 0).length;
  const contests = rows.reduce((n, r) => n + r.pending, 0);
  const notSubmitted = rows.filter((r) => !r.submitted).length;
  return [
    ...(notAppraised ? [tp("warnNotAppraised", { n: notAppraised })] : []),
    ...(contests ? [tp("warnContests", { n: contests })] : []),
    ...(notSubmitted ? [tp("warnNotSubmitted", { n: notSubmitted })] : []),
  ];
}

/** Before publishing: the ranking as it will be published, and what is not settled. */
export function PublishPreview({ periodId, frameworkId }: { periodId: string; frameworkId: string }) {
  const data = useAsync(async () => {
    const [results, framework, units] = await Promise.all([
      getAll<UnitResult>(paths.results(periodId)),
      getFramework(frameworkId),
      allUnits(),
    ]);
    return { rows: previewRows(results, units), framework };
  }, [periodId, frameworkId]);
  if (data.loading) return <Loading label={tp("previewLoading")} />;
  if (data.error !== undefined)
    return (
      <p class="notice notice-error" role="alert">
        {errorText(data.error)}
      </p>
    );
  if (!data.data) return null;
  const { rows, framework } = data.data;
  const warnings = previewWarnings(rows);
  const groupName = new Map(framework.groups.map((g) => [g.id, localName(g)]));
  return (
    <div class="publish-preview">
      {warnings.length > 0 ? (
        <div class="notice notice-warn" role="note" aria-label={tp("preview")}>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="notice notice-ok">{tp("noWarnings")}</p>
      )}
      <Scroll label={tp("preview")}>
        <table class="preview-table">
          <caption>{tp("preview")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("review.group")}</th>
              <th scope="col" class="num">
                {tp("rank")}
              </th>
              <th scope="col">{tp("unit")}</th>
              <th scope="col" class="num">
                {tp("points")}
              </th>
              <th scope="col" class="num">
                {tp("index")}
              </th>
              <th scope="col">{tp("band")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.unitId} class={r.submitted ? "" : "not-submitted"}>
                <td>{groupName.get(r.groupId) ?? r.groupId}</td>
                <td class="num">{r.rank ?? "—"}</td>
                <th scope="row">
                  {r.label}
                  {!r.submitted && <span class="state sub-locked"> {t("rankings.notSubmitted")}</span>}
                </th>
                <td class="num">{fmt.points(r.points)}</td>
                <td class="num">{fmt.index(r.index)}</td>
                <td>{r.band ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </div>
  );
}

/** The body of a move's confirmation: its consequences, and before a publication its preview. */
export function Consequences({ period, to }: { period: Period; to: SteadyState }) {
  return (
    <>
      <p class="consequence">{consequenceText(period, to)}</p>
      {to === "published" && <PublishPreview periodId={period.id} frameworkId={period.frameworkId} />}
    </>
  );
}
