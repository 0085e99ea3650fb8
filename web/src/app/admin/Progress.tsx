import { fmt, localName, t } from "../../i18n/index.ts";
import { Scroll } from "../../ui/common.tsx";
import { hasResults } from "../lifecycle.ts";
import type { Framework, Period, SubmissionRow } from "../types.ts";
import { tp } from "./messages-period.ts";

/** Per group of units: how many there are, how many have submitted, how many have not. */
export function groupProgress(framework: Framework, rows: SubmissionRow[]) {
  return framework.groups
    .map((group) => {
      const mine = rows.filter((r) => r.groupId === group.id);
      const submitted = mine.filter((r) => r.submitted).length;
      return { group, units: mine.length, submitted, draft: mine.length - submitted };
    })
    .filter((g) => g.units > 0);
}

/** How far the units have got with their submissions, per group. */
export function Progress({
  period,
  framework,
  rows,
}: {
  period: Period;
  framework: Framework;
  rows: SubmissionRow[];
}) {
  // Once closed, a unit that has not submitted never will: "not submitted", no longer "not yet".
  const closed = hasResults(period.state);
  const headings = [
    t("admin.unitsCol"),
    t("admin.submittedCol"),
    closed ? tp("notSubmittedCol") : t("admin.draftCol"),
  ];
  const { submitted, units, draft } = period.counts;
  return (
    <section aria-labelledby="progress" class="admin-section">
      <h2 id="progress">{t("admin.progress")}</h2>
      <p>
        {closed
          ? tp("progressClosed", { submitted, units, missing: units - submitted })
          : t("admin.progressTotal", { submitted, units, draft })}
      </p>
      {rows.length > 0 && (
        <Scroll label={t("admin.progress")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("review.group")}</th>
                {headings.map((heading) => (
                  <th key={heading} scope="col" class="num">
                    {heading}
                  </th>
                ))}
                <th scope="col">{t("admin.share")}</th>
              </tr>
            </thead>
            <tbody>
              {groupProgress(framework, rows).map((g) => {
                const share = g.units ? g.submitted / g.units : 0;
                return (
                  <tr key={g.group.id}>
                    <th scope="row">{localName(g.group)}</th>
                    <td class="num">{g.units}</td>
                    <td class="num">{g.submitted}</td>
                    <td class="num">{g.draft}</td>
                    <td>
                      <progress max={100} value={Math.round(share * 100)} aria-label={localName(g.group)} />{" "}
                      {fmt.percent(share)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
