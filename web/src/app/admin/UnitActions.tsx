import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { fmt, localName, t } from "../../i18n/index.ts";
import { Loading, useAsync } from "../../ui/common.tsx";
import { DateTimeField, SelectField, TextField, useFields } from "../../ui/fields.tsx";
import { errorText, get, paths, post, put } from "../api.ts";
import { allUnits } from "../context.ts";
import { hasResults } from "../lifecycle.ts";
import type { Framework, Period, Submission, SubmissionRow } from "../types.ts";
import { leavesOf } from "../types.ts";
import { Dialog, DialogFooter, SubmissionBadge } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { tp } from "./messages-period.ts";
import { OutcomeNote } from "./outcome.tsx";
import { daysFrom, toLocalInput } from "./times.ts";
import "./period.css";

type Acting = "extend" | "supplement";

/**
 * One unit of the period: pick it, see its state, and extend its deadline (while the period is open)
 * or ask it for its one supplement (during appraisal). The API: PUT …/deadline, POST …/supplement.
 */
export function UnitActions({
  period,
  framework,
  rows,
  onDone,
}: {
  period: Period;
  framework: Framework;
  rows: SubmissionRow[];
  onDone: () => void;
}) {
  const units = useAsync(() => allUnits(), []);
  const [unitId, setUnitId] = useState("");
  const [acting, setActing] = useState<Acting>();
  const [ok, setOk] = useState<string>();
  // Each action done reads the unit's submission again (its own deadline, its supplement).
  const [done, setDone] = useState(0);
  const row = rows.find((r) => r.unitId === unitId);
  const names = units.data;
  const nameOf = (id: string) => {
    const unit = names?.get(id);
    return unit ? `${unit.code} · ${localName(unit)}` : id;
  };
  const canExtend = period.state === "open";
  const canSupplement = period.state === "appraisal";
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="one-unit" class="admin-section unit-pick">
      <h2 id="one-unit">{tp("oneUnit")}</h2>
      <p class="muted">{canExtend || canSupplement ? tp("oneUnitHelp") : tp("noUnitAction")}</p>
      <SelectField
        id="one-unit-pick"
        label={tp("pickUnit")}
        value={unitId}
        onValue={(id) => {
          setUnitId(id);
          setOk(undefined);
        }}
      >
        <option value="">{tp("pickUnitNone")}</option>
        {[...rows]
          .sort((a, b) => nameOf(a.unitId).localeCompare(nameOf(b.unitId)))
          .map((r) => (
            <option key={r.unitId} value={r.unitId}>
              {nameOf(r.unitId)}
            </option>
          ))}
      </SelectField>
      {row && (
        <UnitState period={period} row={row} label={nameOf(row.unitId)} done={done}>
          {canExtend && (
            <button type="button" class="btn" onClick={() => setActing("extend")}>
              {tp("extend")}
            </button>
          )}
          {canSupplement && (
            <button type="button" class="btn" onClick={() => setActing("supplement")}>
              {tp("supplement")}
            </button>
          )}
        </UnitState>
      )}
      <OutcomeNote ok={ok} />
      {row && acting === "extend" && (
        <ExtendDialog
          period={period}
          row={row}
          label={nameOf(row.unitId)}
          onClose={() => setActing(undefined)}
          onDone={(message) => {
            setActing(undefined);
            setOk(message);
            setDone((n) => n + 1);
            onDone();
          }}
        />
      )}
      {row && acting === "supplement" && (
        <SupplementDialog
          period={period}
          framework={framework}
          row={row}
          label={nameOf(row.unitId)}
          onClose={() => setActing(undefined)}
          onDone={(message) => {
            setActing(undefined);
            setOk(message);
            setDone((n) => n + 1);
            onDone();
          }}
        />
      )}
    </section>
  );
}

/** The unit's state, its own deadline and supplement (read from its submission), and its actions. */
function UnitState({
  period,
  row,
  label,
  done,
  children,
}: {
  period: Period;
  row: SubmissionRow;
  label: string;
  done: number;
  children: ComponentChildren;
}) {
  const submission = useAsync(
    () => get<Submission>(paths.submission(period.id, row.unitId)),
    [period.id, row.unitId, row.version, period.version, done],
  );
  const sub = submission.data;
  return (
    <div class="card">
      <h3>{label}</h3>
      <dl class="facts">
        <dt>{tp("unitState")}</dt>
        <dd>
          <SubmissionBadge state={row.state} />{" "}
          {hasResults(period.state) && (
            <span>({row.submitted ? t("submissionState.submitted") : tp("notSubmittedCol")})</span>
          )}
        </dd>
        <dt>{tp("unitSubmittedAt")}</dt>
        <dd>{row.submittedAt ? fmt.dateTime(row.submittedAt) : "—"}</dd>
        <dt>{tp("unitPoints")}</dt>
        <dd>{fmt.points(row.points)}</dd>
        <dt>{t("period.closesAt")}</dt>
        <dd>{sub ? fmt.dateTime(sub.closesAt) : "…"}</dd>
        {sub?.supplement && (
          <>
            <dt>{tp("supplement")}</dt>
            <dd>
              {sub.supplement.codes.join(", ")} → {fmt.dateTime(sub.supplement.until)}
            </dd>
          </>
        )}
      </dl>
      {submission.loading && <Loading />}
      {submission.error !== undefined && (
        <p class="notice notice-error" role="alert">
          {errorText(submission.error)}
        </p>
      )}
      <div class="button-row">{children}</div>
    </div>
  );
}

function ExtendDialog({
  period,
  row,
  label,
  onClose,
  onDone,
}: {
  period: Period;
  row: SubmissionRow;
  label: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { values, bind } = useFields({
    until: toLocalInput(new Date(Date.parse(period.closesAt) + 3 * 86_400_000).toISOString()),
  });
  const save = useAction(async () => {
    const answer = await put<{ closesAt: string }>(paths.deadline(period.id, row.unitId), {
      closesAt: values.until,
    });
    onDone(tp("extended", { unit: label, until: fmt.dateTime(answer.closesAt) }));
  });
  return (
    <Dialog open title={tp("extendTitle", { unit: label })} onClose={onClose}>
      <p>{tp("extendHelp", { closesAt: fmt.dateTime(period.closesAt) })}</p>
      <DateTimeField id="extend-until" label={tp("extendUntil")} {...bind("until")} />
      <DialogFooter
        label={t("common.confirm")}
        busyLabel={t("common.working")}
        busy={save.busy}
        disabled={!values.until}
        error={save.error}
        onConfirm={() => void save.run()}
        onCancel={onClose}
      />
    </Dialog>
  );
}

function SupplementDialog({
  period,
  framework,
  row,
  label,
  onClose,
  onDone,
}: {
  period: Period;
  framework: Framework;
  row: SubmissionRow;
  label: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const group = framework.groups.find((g) => g.id === row.groupId);
  const leaves = group ? leavesOf(group.nodes).filter((leaf) => leaf.method.type !== "info") : [];
  const [codes, setCodes] = useState<string[]>([]);
  const { values, bind } = useFields({ until: daysFrom(Date.now(), 7), message: "" });
  const send = useAction(async () => {
    if (codes.length === 0) throw new Error(tp("supplementPick"));
    const body = {
      indicatorCodes: codes,
      until: values.until,
      ...(values.message.trim() ? { message: values.message.trim() } : {}),
    };
    const answer = await post<{ until: string }>(paths.supplement(period.id, row.unitId), body);
    onDone(tp("supplemented", { unit: label, n: codes.length, until: fmt.dateTime(answer.until) }));
  });
  const toggle = (code: string, on: boolean) =>
    setCodes((current) => (on ? [...current, code] : current.filter((c) => c !== code)));
  return (
    <Dialog open title={tp("supplementTitle", { unit: label })} onClose={onClose}>
      <p>{tp("supplementHelp")}</p>
      <fieldset>
        <legend>{tp("supplementCodes")}</legend>
        <div class="checks">
          {leaves.map((leaf) => (
            <label key={leaf.code}>
              <input
                type="checkbox"
                checked={codes.includes(leaf.code)}
                onChange={(e) => toggle(leaf.code, e.currentTarget.checked)}
              />{" "}
              {leaf.code} {localName(leaf)}
            </label>
          ))}
        </div>
      </fieldset>
      <DateTimeField id="supplement-until" label={tp("supplementUntil")} {...bind("until")} />
      <TextField id="supplement-message" label={tp("supplementMessage")} {...bind("message")} />
      <DialogFooter
        label={t("common.confirm")}
        busyLabel={t("common.working")}
        busy={send.busy}
        disabled={!values.until}
        error={send.error}
        onConfirm={() => void send.run()}
        onCancel={onClose}
      />
    </Dialog>
  );
}
