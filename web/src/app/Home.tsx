import { hasRole, useSession } from "../auth/session.ts";
import { fmt, t } from "../i18n/index.ts";
import { LoadState, Scroll, useAsync, useTitle } from "../ui/common.tsx";
import { getAll, paths } from "./api.ts";
import { hasContests, hasResults } from "./lifecycle.ts";
import type { Period } from "./types.ts";
import { ColumnHeads, PeriodBadge } from "./ui.tsx";

/** The start page after sign-in: the periods, with what this user's roles may do in each. */
export function Home() {
  const session = useSession();
  useTitle(t("home.title"));
  const periods = useAsync(() => getAll<Period>(paths.periods), []);
  if (!session) return null;
  const can = {
    unit: hasRole(session, "unit-editor", "unit-approver"),
    reviewer: hasRole(session, "reviewer"),
    admin: hasRole(session, "admin"),
  };
  const list = (periods.data ?? [])
    .filter((p) => !can.unit || can.admin || p.state !== "draft")
    .sort((a, b) => Date.parse(b.opensAt) - Date.parse(a.opensAt));
  return (
    <>
      <h1>{t("home.title")}</h1>
      <p>
        {t("home.hello", { name: session.username })}{" "}
        <span class="muted">({session.roles.map((r) => t(`role.${r}`)).join(", ")})</span>
      </p>
      {can.admin && (
        <p>
          <a class="btn btn-primary" href="/app/admin">
            {t("nav.admin")}
          </a>
        </p>
      )}
      <h2>{t("home.periods")}</h2>
      <LoadState of={periods} />
      {periods.data && list.length === 0 && <p>{t("home.noPeriods")}</p>}
      {list.length > 0 && (
        <Scroll label={t("home.periods")}>
          <table>
            <ColumnHeads
              columns={[t("period.name"), t("period.state"), t("period.closesAt"), t("home.actions")]}
            />
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.name}</th>
                  <td>
                    <PeriodBadge state={p.state} />
                  </td>
                  <td>{fmt.dateTime(p.closesAt)}</td>
                  <td class="actions">
                    {periodLinks(p, can).map((link) => (
                      <a key={link.href} href={link.href}>
                        {link.label}
                      </a>
                    ))}
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

/** What the user's roles may do in a period, as links (a role may do none). */
export function periodLinks(
  period: Pick<Period, "id" | "state">,
  can: { unit: boolean; reviewer: boolean; admin: boolean },
): { href: string; label: string }[] {
  const id = encodeURIComponent(period.id);
  const state = period.state;
  const links: { href: string; label: string }[] = [];
  if (can.unit && state !== "draft")
    links.push({
      href: `/app/periods/${id}/form`,
      label: state === "open" ? t("home.fillIn") : t("home.viewForm"),
    });
  if (can.unit && hasResults(state))
    links.push({ href: `/app/periods/${id}/results`, label: t("home.results") });
  if ((can.reviewer || can.admin) && state !== "draft")
    links.push({ href: `/app/review/${id}`, label: can.reviewer ? t("home.review") : t("home.units") });
  if (can.reviewer && hasContests(state))
    links.push({ href: `/app/review/${id}/contests`, label: t("home.contests") });
  if (can.admin) links.push({ href: `/app/admin/periods/${id}`, label: t("home.manage") });
  return links;
}
