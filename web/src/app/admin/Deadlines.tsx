import { fmt, t } from "../../i18n/index.ts";
import { DateTimeField, TextField, useFields } from "../../ui/fields.tsx";
import { patch, paths } from "../api.ts";
import type { Period } from "../types.ts";
import { ActionForm, useOutcome } from "./outcome.tsx";
import { toLocalInput } from "./times.ts";

/** The closing time can move only until the period has closed. */
export const canMoveClose = (period: Period) => period.state === "draft" || period.state === "open";

/** The PATCH body of what the form changed (an emptied explanation deadline is removed: null). */
export function deadlineChanges(
  period: Period,
  form: { name: string; closesAt: string; explanation: string },
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (form.name.trim() !== period.name) body.name = form.name.trim();
  if (canMoveClose(period) && form.closesAt !== toLocalInput(period.closesAt)) body.closesAt = form.closesAt;
  if (form.explanation !== toLocalInput(period.explanationClosesAt))
    body.explanationClosesAt = form.explanation || null;
  return body;
}

/** A period's name and deadlines, as they are and as the organiser may change them. */
export function Deadlines({ period, onDone }: { period: Period; onDone: () => void }) {
  const { values, bind } = useFields({
    name: period.name,
    closesAt: toLocalInput(period.closesAt),
    explanation: toLocalInput(period.explanationClosesAt),
  });
  const closeFixed = !canMoveClose(period);
  const save = useOutcome(async () => {
    const body = deadlineChanges(period, values);
    if (Object.keys(body).length === 0) throw new Error(t("admin.nothingChanged"));
    await patch(paths.period(period.id), body);
    onDone();
    return t("admin.saved");
  });
  return (
    <section aria-labelledby="deadlines" class="admin-section">
      <h2 id="deadlines">{t("admin.deadlines")}</h2>
      <dl class="facts">
        <dt>{t("period.opensAt")}</dt>
        <dd>{fmt.dateTime(period.opensAt)}</dd>
        <dt>{t("period.closesAt")}</dt>
        <dd>{fmt.dateTime(period.closesAt)}</dd>
        <dt>{t("period.explanationClosesAt")}</dt>
        <dd>{period.explanationClosesAt ? fmt.dateTime(period.explanationClosesAt) : "—"}</dd>
      </dl>
      <ActionForm action={save} submit={t("admin.saveDeadlines")}>
        <TextField id="edit-name" label={t("period.name")} {...bind("name")} />
        <DateTimeField
          id="edit-closes"
          label={t("period.closesAt")}
          disabled={closeFixed}
          {...bind("closesAt")}
        />
        <DateTimeField
          id="edit-explanation"
          label={t("period.explanationClosesAt")}
          {...bind("explanation")}
        />
        <p class="muted">{t("admin.timesVietnam")}</p>
      </ActionForm>
    </section>
  );
}
