import { useMemo, useState } from "preact/hooks";
import { fmt, t } from "../i18n/index.ts";
import { LoadState, Pager, pageOf, Scroll, useAsync, useTitle } from "../ui/common.tsx";
import { signed } from "./change.ts";
import { loadSnapshot, type PublishedPeriod, type SnapshotGroup } from "./data.ts";

const PAGE_SIZE = 50;

/**
 * A group year over year (?view=years): the units of the chosen period's group in its rank order,
 * each one's index in every published period that ranked the group (oldest first), with the change
 * since the column before; "—" where the unit was not ranked (new, or merged since).
 */
export default function GroupYears({
  periods,
  period,
  groupId,
}: {
  periods: PublishedPeriod[];
  period: PublishedPeriod;
  groupId: string;
}) {
  const data = useAsync(async () => {
    const found = await Promise.all(
      [...periods].reverse().map(async (p) => {
        const group = (await loadSnapshot(p)).groups.find((g) => g.id === groupId);
        return group && { period: p, group, index: new Map(group.units.map((u) => [u.unitId, u.index])) };
      }),
    );
    return found.filter(
      (c): c is { period: PublishedPeriod; group: SnapshotGroup; index: Map<string, number> } => !!c,
    );
  }, [groupId, periods]);
  const columns = data.data ?? [];
  const group = columns.find((c) => c.period.periodId === period.periodId)?.group ?? columns.at(-1)?.group;
  const title = t("years.title", { group: group?.name ?? groupId });
  useTitle(title);
  const rows = useMemo(() => [...(group?.units ?? [])].sort((a, b) => a.rank - b.rank), [group]);
  const [page, setPage] = useState(0);
  const { current, pages, shown } = pageOf(rows, page, PAGE_SIZE);
  const back = `/?period=${encodeURIComponent(period.periodId)}&group=${encodeURIComponent(groupId)}`;
  return (
    <>
      <p>
        <a href={back}>← {t("unit.back")}</a>
      </p>
      <h1>{title}</h1>
      <LoadState of={data} />
      {group && (
        <>
          <Scroll label={title}>
            <table class="years">
              <caption>{t("years.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("rankings.unit")}</th>
                  {columns.map((c) => (
                    <th scope="col" class="num" key={c.period.periodId}>
                      {c.period.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((u) => (
                  <tr key={u.unitId}>
                    <th scope="row">
                      <a
                        href={`/units/${encodeURIComponent(u.unitId)}?period=${encodeURIComponent(period.periodId)}`}
                      >
                        {u.name}
                      </a>
                    </th>
                    {columns.map((c, i) => {
                      const index = c.index.get(u.unitId);
                      const before = columns[i - 1]?.index.get(u.unitId);
                      return (
                        <td class="num" key={c.period.periodId}>
                          {index === undefined ? "—" : fmt.index(index)}
                          {index !== undefined && before !== undefined && (
                            <span class="muted"> ({signed(index - before, 4, 4)})</span>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          <Pager page={current} pages={pages} onPage={setPage} label={t("rankings.pages")} />
        </>
      )}
    </>
  );
}
