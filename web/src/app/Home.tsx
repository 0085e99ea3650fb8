import { hasRole, useSession } from "../auth/session.ts";
import { fmt, t } from "../i18n/index.ts";
import { ErrorNote, Loading, Scroll, useAsync, useTitle } from "../ui/common.tsx";
import { getAll, paths } from "./api.ts";
import { hasContests, hasResults } from "./lifecycle.ts";
import type { Period } from "./types.ts";
import { PeriodBadge } from "./ui.tsx";

/** The start page after sign-in: the periods, with what this user's roles may do in each. */
export function Home() {
  const session = useSession();
  useTitle(t("home.title"));
  const periods = useAsync(() => getAll<Period>(paths.periods), []);
  if (!session) return null;
  const unit = hasRole(session, "unit-editor", "unit-approver");
  const reviewer = hasRole(session, "reviewer");
  const admin = hasRole(session, "admin");
  const list = (periods.data ?? [])
    .filter((p) => !unit || admin || p.state !== "draft")
    .sort((a, b) => Date.parse(b.opensAt) - Date.parse(a.opensAt));
  return (
    <>
      <h1>{t("home.title")}</h1>
      <p>
        {t("home.hello", { name: session.username })}{" "}
        <span class="muted">({session.roles.map((r) => t(`role.${r}`)).join(", ")})</span>
      </p>
      {admin && (
        <p>
          <a class="btn btn-primary" href="/app/admin">
            {t("nav.admin")}
          </a>
        </p>
      )}
      <h2>{t("home.periods")}</h2>
      {periods.loading && <Loading />}
      {periods.error !== undefined && <ErrorNote error={periods.error} retry={periods.reload} />}
      {periods.data && list.length === 0 && <p>{t("home.noPeriods")}</p>}
      {list.length > 0 && (
        <Scroll label={t("home.periods")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("period.name")}</th>
                <th scope="col">{t("period.state")}</th>
                <th scope="col">{t("period.closesAt")}</th>
                <th scope="col">{t("home.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.name}</th>
                  <td>
                    <PeriodBadge state={p.state} />
                  </td>
                  <td>{fmt.dateTime(p.closesAt)}</td>
                  <td class="actions">
                    {unit && p.state !== "draft" && (
                      <a href={`/app/periods/${encodeURIComponent(p.id)}/form`}>
                        {p.state === "open" ? t("home.fillIn") : t("home.viewForm")}
                      </a>
                    )}
                    {unit && hasResults(p.state) && (
                      <a href={`/app/periods/${encodeURIComponent(p.id)}/results`}>{t("home.results")}</a>
                    )}
                    {(reviewer || admin) && p.state !== "draft" && (
                      <a href={`/app/review/${encodeURIComponent(p.id)}`}>
                        {reviewer ? t("home.review") : t("home.units")}
                      </a>
                    )}
                    {reviewer && hasContests(p.state) && (
                      <a href={`/app/review/${encodeURIComponent(p.id)}/contests`}>{t("home.contests")}</a>
                    )}
                    {admin && (
                      <a href={`/app/admin/periods/${encodeURIComponent(p.id)}`}>{t("home.manage")}</a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </>
  );
}
