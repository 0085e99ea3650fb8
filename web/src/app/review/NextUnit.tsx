import { useState } from "preact/hooks";
import { navigate } from "../../router.ts";
import { InlineError } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { loadReviewList, nextUnit, queryString, readQuery, visibleRows } from "./list-model.ts";
import { tr } from "./messages.ts";

/**
 * "Next unit": the next in the list's current order and filter (the URL query, kept from the list)
 * that still has leaves for this reviewer to appraise. The list is read on the click, not with every
 * appraisal page: it costs every page of the period's submissions, and is then as fresh as it can be.
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
  const [none, setNone] = useState(false);
  const go = useAction(async () => {
    setNone(false);
    const listQuery = readQuery(query);
    const next = nextUnit(visibleRows(await loadReviewList(periodId), listQuery), unitId);
    if (!next) {
      setNone(true);
      return;
    }
    navigate(
      `/app/review/${encodeURIComponent(periodId)}/units/${encodeURIComponent(next.unitId)}${queryString(listQuery)}`,
    );
  });
  return (
    <>
      <button type="button" class="btn" disabled={go.busy} onClick={() => void go.run()}>
        {tr("next.unit")} →
      </button>
      {none && (
        <p class="muted" role="status">
          {tr("next.none")}
        </p>
      )}
      <InlineError error={go.error} />
    </>
  );
}
