import { fmt, messagesFor, t } from "../../i18n/index.ts";
import { navigate } from "../../router.ts";
import { ErrorNote, Loading, Scroll, useAsync } from "../../ui/common.tsx";
import { DateTimeField, SelectField, TextField, useFields } from "../../ui/fields.tsx";
import { getAll, paths, post } from "../api.ts";
import type { FrameworkSummary, Period } from "../types.ts";
import { PeriodBadge } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { ActionForm } from "./outcome.tsx";
import { daysFrom } from "./times.ts";

const tp = messagesFor(
  {
    from: "Tạo từ kỳ trước",
    fromNone: "Không (mọi đơn vị còn hiệu lực ngày kết thúc)",
    fromHelp:
      "Các đơn vị của kỳ trước, qua các lần sắp xếp đến ngày kết thúc (đơn vị đã sáp nhập được thay bằng đơn vị kế thừa), và các đơn vị mới thành lập từ sau kỳ đó. Bộ chỉ số để trống: dùng bộ chỉ số của kỳ trước.",
    sameFramework: "Như kỳ trước",
  },
  {
    from: "Create from a previous period",
    fromNone: "No (every unit valid on the closing day)",
    fromHelp:
      "The previous period's units, carried through the reorganisations up to the closing day (a merged unit replaced by its successors), and the units formed since. Index set left empty: the previous period's.",
    sameFramework: "As the previous period",
  },
);

export const periodPath = (id: string) => `/app/admin/periods/${encodeURIComponent(id)}`;

/** Newest first (by opening). */
export const newestFirst = (periods: Period[]): Period[] =>
  [...periods].sort((a, b) => Date.parse(b.opensAt) - Date.parse(a.opensAt));

/** The periods: each with its state and how many units have submitted, and the form of a new one. */
export function Periods({ frameworksVersion }: { frameworksVersion: number }) {
  const periods = useAsync(() => getAll<Period>(paths.periods), []);
  const list = newestFirst(periods.data ?? []);
  return (
    <section aria-labelledby="periods" class="admin-section">
      <h2 id="periods">{t("admin.periods")}</h2>
      {periods.loading && <Loading />}
      {periods.error !== undefined && <ErrorNote error={periods.error} retry={periods.reload} />}
      {list.length > 0 && <PeriodTable periods={list} />}
      <h3>{t("admin.newPeriod")}</h3>
      <NewPeriod frameworksVersion={frameworksVersion} periods={list} />
    </section>
  );
}

const HEADINGS = ["period.name", "period.state", "period.closesAt"] as const;

function PeriodTable({ periods }: { periods: Period[] }) {
  return (
    <Scroll label={t("admin.periods")}>
      <table>
        <thead>
          <tr>
            {HEADINGS.map((key) => (
              <th key={key} scope="col">
                {t(key)}
              </th>
            ))}
            <th scope="col" class="num">
              {t("admin.submittedCol")}
            </th>
          </tr>
        </thead>
        <tbody>
          {periods.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <a href={periodPath(p.id)}>{p.name}</a> <code class="muted">{p.id}</code>
              </th>
              <td>
                <PeriodBadge state={p.state} />
              </td>
              <td>{fmt.dateTime(p.closesAt)}</td>
              <td class="num">
                {p.counts.submitted}/{p.counts.units}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

/** The body of POST /api/periods from the form (no explanation deadline when it is left empty). */
export function periodBody({
  explanationClosesAt,
  frameworkId,
  from,
  ...values
}: Record<keyof NewPeriodForm, string>) {
  return {
    ...values,
    id: values.id.trim(),
    name: values.name.trim(),
    ...(frameworkId ? { frameworkId } : {}),
    ...(from ? { from } : {}),
    ...(explanationClosesAt ? { explanationClosesAt } : {}),
  };
}

type NewPeriodForm = ReturnType<typeof newPeriodForm>;

/** A new period opens now, closes in 30 days and takes explanations for 45 (all in Vietnam time). */
export const newPeriodForm = (now: number) => ({
  id: "",
  name: "",
  frameworkId: "",
  /** The period whose units, carried through the reforms since, take part ("" = every valid unit). */
  from: "",
  opensAt: daysFrom(now, 0),
  closesAt: daysFrom(now, 30),
  explanationClosesAt: daysFrom(now, 45),
});

function NewPeriod({ frameworksVersion, periods }: { frameworksVersion: number; periods: Period[] }) {
  const frameworks = useAsync(() => getAll<FrameworkSummary>(paths.frameworks), [frameworksVersion]);
  const { values, bind } = useFields(() => newPeriodForm(Date.now()));
  const create = useAction(async () => {
    const created = await post<Period>(paths.periods, periodBody(values));
    navigate(periodPath(created.id));
  });
  return (
    <ActionForm
      action={create}
      submit={t("admin.createPeriod")}
      incomplete={!values.id || !values.name || (!values.frameworkId && !values.from)}
    >
      <TextField
        id="period-id"
        label={t("admin.periodId")}
        required
        pattern="[a-z0-9][a-z0-9\-]*"
        help={t("admin.periodIdHelp")}
        {...bind("id")}
      />
      <TextField id="period-name" label={t("period.name")} required {...bind("name")} />
      <SelectField id="period-from" label={tp("from")} help={tp("fromHelp")} {...bind("from")}>
        <option value="">{tp("fromNone")}</option>
        {periods.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.id})
          </option>
        ))}
      </SelectField>
      <SelectField
        id="period-framework"
        label={t("admin.framework")}
        required={!values.from}
        {...bind("frameworkId")}
      >
        <option value="">{values.from ? tp("sameFramework") : t("admin.chooseFramework")}</option>
        {(frameworks.data ?? []).map((f) => (
          <option key={f.id} value={f.id}>
            {f.name} ({f.id})
          </option>
        ))}
      </SelectField>
      <DateTimeField id="period-opens" label={t("period.opensAt")} required {...bind("opensAt")} />
      <DateTimeField id="period-closes" label={t("period.closesAt")} required {...bind("closesAt")} />
      <DateTimeField
        id="period-explanation"
        label={t("period.explanationClosesAt")}
        {...bind("explanationClosesAt")}
      />
      <p class="muted">{t("admin.timesVietnam")}</p>
    </ActionForm>
  );
}
