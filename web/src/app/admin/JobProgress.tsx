import { fmt, t } from "../../i18n/index.ts";
import type { PeriodJob } from "../types.ts";

/** A job's progress: what it does, where it is, how far it got, since when. */
export function JobProgress({ job, trouble }: { job: PeriodJob; trouble: string | undefined }) {
  const kind = t(`job.kind.${job.kind}`);
  // Until the job has counted its work the bar has no value, which the browser shows as indeterminate
  // (a new element then, as a value once set cannot be taken back).
  const max = Math.max(job.total, 1);
  const value = job.status === "succeeded" ? max : job.total > 0 ? job.done : undefined;
  return (
    <div class={`card job job-${job.status}`}>
      <p>
        <strong>{kind}</strong> · <span class="job-status">{t(`job.status.${job.status}`)}</span>
      </p>
      <progress
        key={value === undefined ? "waiting" : "counting"}
        max={max}
        value={value}
        aria-label={kind}
      />
      {job.total > 0 && (
        <p>{t(job.kind === "publish" ? "job.files" : "job.units", { done: job.done, total: job.total })}</p>
      )}
      <p class="muted">
        {job.startedAt
          ? t("job.startedAt", { at: fmt.dateTime(job.startedAt) })
          : t("job.queuedAt", { at: fmt.dateTime(job.queuedAt) })}
        {job.finishedAt && ` · ${t("job.finishedAt", { at: fmt.dateTime(job.finishedAt) })}`}
        {job.attempts > 1 && ` · ${t("job.attempts", { n: job.attempts })}`}
      </p>
      {trouble && <p class="muted">{t("job.pollTrouble", { error: trouble })}</p>}
    </div>
  );
}
