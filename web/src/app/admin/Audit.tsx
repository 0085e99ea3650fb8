import type * as z from "zod";
import type { auditRecordSchema } from "../../../../shared/api/results.ts";
import { fmt } from "../../i18n/index.ts";
import { LoadState, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { SelectField, TextField } from "../../ui/fields.tsx";
import { getAll, paths } from "../api.ts";
import { allUnits } from "../context.ts";
import type { Period } from "../types.ts";
import { ColumnHeads } from "../ui.tsx";
import { FilterCard, ListHeading, MoreButton, usePagedList } from "./ListScreen.tsx";
import { ta } from "./messages-accounts.ts";
import { byName } from "./Users.tsx";
import "./accounts.css";

/** A record as GET /api/audit answers it (type only: no zod in the chunk). */
type AuditRow = z.infer<typeof auditRecordSchema>;

/**
 * The families of actions the log records (a filter is a prefix: "user." is every account change).
 * Units are recorded one by one as "unit.create" / "unit.update" (shared/store/units.ts).
 */
const ACTIONS = [
  "user.",
  "unit.",
  "framework.",
  "period.",
  "submission.",
  "evidence.",
  "appraisal.",
  "supplement.",
  "contest.",
  "deadline.",
];

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A short value for the change column: a list joined, an object as JSON, cut at 80 characters. */
function short(value: unknown): string {
  const text =
    value === undefined
      ? "∅"
      : Array.isArray(value)
        ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ")
        : typeof value === "string"
          ? value
          : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** What changed: each field whose value differs, as "field: before → after". */
export function changeSummary(before: unknown, after: unknown): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(before) && !isObject(after)) {
    if (before === undefined && after === undefined) return [];
    return [`${short(before)} → ${short(after)}`];
  }
  const from = isObject(before) ? before : {};
  const to = isObject(after) ? after : {};
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
  return keys
    .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]))
    .map((k) =>
      before === undefined ? `${k}: ${short(to[k])}` : `${k}: ${short(from[k])} → ${short(to[k])}`,
    );
}

/** The audit log: who changed what and when, filtered by days, actor, action, period and unit. */
export function AuditScreen() {
  useTitle(ta("auditTitle"));
  const units = useAsync(() => allUnits(), []);
  const periods = useAsync(() => getAll<Period>(paths.periods), []);
  const initial = {
    from: day(Date.now() - 6 * 86_400_000),
    to: day(Date.now()),
    actor: "",
    action: "",
    periodId: "",
    unitId: "",
  };
  const { filters, set, apply, list, rows, more } = usePagedList<AuditRow, typeof initial>(
    paths.audit(),
    initial,
  );
  return (
    <>
      <ListHeading title={ta("auditTitle")} />
      <FilterCard onApply={apply}>
        <TextField
          id="audit-from"
          label={ta("from")}
          type="date"
          value={filters.from}
          onValue={set("from")}
        />
        <TextField
          id="audit-to"
          label={ta("to")}
          type="date"
          value={filters.to}
          onValue={set("to")}
          help={ta("rangeHelp")}
        />
        <TextField id="audit-actor" label={ta("actor")} value={filters.actor} onValue={set("actor")} />
        <SelectField id="audit-action" label={ta("action")} value={filters.action} onValue={set("action")}>
          <option value="">{ta("any")}</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}*
            </option>
          ))}
        </SelectField>
        <SelectField
          id="audit-period"
          label={ta("period")}
          value={filters.periodId}
          onValue={set("periodId")}
        >
          <option value="">{ta("any")}</option>
          {(periods.data ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <SelectField id="audit-unit" label={ta("unit")} value={filters.unitId} onValue={set("unitId")}>
          <option value="">{ta("any")}</option>
          {(units.data ? byName(units.data.values()) : []).map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.code})
            </option>
          ))}
        </SelectField>
      </FilterCard>
      <LoadState of={list} />
      {list.data && rows.length === 0 && <p role="status">{ta("noRecords")}</p>}
      {rows.length > 0 && (
        <Scroll label={ta("auditTitle")}>
          <table>
            <ColumnHeads columns={[ta("when"), ta("who"), ta("what"), ta("entity"), ta("change")]} />
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.entity}|${r.at}`}>
                  <td>{fmt.dateTime(r.time)}</td>
                  <td>{r.actor}</td>
                  <td>{r.action}</td>
                  <td>{r.entity}</td>
                  <td class="audit-change">
                    {changeSummary(r.before, r.after).map((line) => (
                      <div key={line}>{line}</div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <MoreButton when={list.data?.nextCursor} onMore={more} />
    </>
  );
}
