import { useAsync } from "../../ui/common.tsx";
import { loadReviewList, nextUnit, queryString, readQuery, visibleRows } from "./list-model.ts";
import { tr } from "./messages.ts";

/**
 * "Next unit": the next in the list's current order and filter (the URL query, kept from the list)
 * that still has leaves for this reviewer to appraise.
 */
export function NextUnit({
  periodId,
  unitId,
  query,
}: {
  periodId: string;
  unitId: string;
  query: URLSearchParams;
}) {
  const list = useAsync(() => loadReviewList(periodId), [periodId]);
  if (!list.data) return null;
  const listQuery = readQuery(query);
  const next = nextUnit(visibleRows(list.data, listQuery), unitId);
  if (!next) return <p class="muted">{tr("next.none")}</p>;
  return (
    <a
      class="btn"
      href={`/app/review/${encodeURIComponent(periodId)}/units/${encodeURIComponent(next.unitId)}${queryString(listQuery)}`}
    >
      {tr("next.unit", { name: next.name })} →
    </a>
  );
}
