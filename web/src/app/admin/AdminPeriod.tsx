import { localName, t } from "../../i18n/index.ts";
import { ErrorNote, Loading, useAsync, useTitle } from "../../ui/common.tsx";
import { get, getAll, paths } from "../api.ts";
import { getFramework } from "../context.ts";
import type { Period, SubmissionRow } from "../types.ts";
import { PeriodBadge } from "../ui.tsx";
import { Deadlines } from "./Deadlines.tsx";
import { Decision, DocumentLinks } from "./Decision.tsx";
import { MeasurementImport } from "./MeasurementImport.tsx";
import { Progress } from "./Progress.tsx";
import { Transitions } from "./Transitions.tsx";
import { UnitActions } from "./UnitActions.tsx";

/** One period for the organiser: deadlines, progress per group, the moves through to publication. */
export function AdminPeriod({ periodId }: { periodId: string }) {
  const data = useAsync(async () => {
    const period = await get<Period>(paths.period(periodId));
    const [framework, rows] = await Promise.all([
      getFramework(period.frameworkId),
      period.state === "draft"
        ? Promise.resolve([] as SubmissionRow[])
        : getAll<SubmissionRow>(paths.submissions(periodId)),
    ]);
    return { period, framework, rows };
  }, [periodId]);
  useTitle(data.data?.period.name ?? t("admin.period"));
  if (data.loading && !data.data) return <Loading />;
  if (data.error !== undefined) return <ErrorNote error={data.error} retry={data.reload} />;
  if (!data.data) return null;
  const loaded = data.data;
  const { period, framework, rows } = loaded;
  return (
    <>
      <p>
        <a href="/app/admin">← {t("admin.title")}</a>
      </p>
      <h1>
        {period.name} <PeriodBadge state={period.state} />
      </h1>
      <p class="muted">
        <code>{period.id}</code> · {localName(framework)}
      </p>
      <p class="links">
        {period.state !== "draft" && (
          <a href={`/app/review/${encodeURIComponent(period.id)}`}>{t("home.units")}</a>
        )}
        {period.publication && (
          <a href={`/?period=${encodeURIComponent(period.id)}`}>
            {t("admin.publicPage", { version: period.publication.version })}
          </a>
        )}
      </p>
      <Transitions
        key={period.id}
        period={period}
        onPeriod={(next) => data.set({ ...loaded, period: next })}
        onDone={data.reload}
      />
      <Progress period={period} framework={framework} rows={rows} />
      <UnitActions period={period} framework={framework} rows={rows} onDone={data.reload} />
      <MeasurementImport period={period} framework={framework} rows={rows} />
      <DocumentLinks period={period} />
      <Deadlines period={period} onDone={data.reload} />
      <Decision key={`${period.id}-${period.version}`} period={period} onDone={data.reload} />
    </>
  );
}
