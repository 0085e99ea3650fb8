import { fmt, localLabel, localName, t } from "../i18n/index.ts";
import type { Location } from "../router.ts";
import { LoadState, useAsync, useTitle } from "../ui/common.tsx";
import {
  loadIndex,
  loadMethod,
  loadSnapshot,
  type MethodFile,
  type MethodLeafMethod,
  type MethodNode,
  type Snapshot,
} from "./data.ts";
import { methodWords } from "./method-words.ts";

/**
 * How the ranking is computed (DOMAIN.md §4–5, in short), then the index set of a published period
 * (the latest, or ?period=) from its method file: every group's band thresholds, every pillar and
 * indicator with its maximum and its method in words. A period published before method files
 * existed shows its pillars from the ranking itself.
 */
export function Method({ location }: { location?: Location }) {
  useTitle(t("method.title"));
  const wanted = location?.query.get("period");
  const chosen = useAsync(async () => {
    const periods = await loadIndex();
    const period = periods.find((p) => p.periodId === wanted) ?? periods[0];
    if (!period) return undefined;
    const method = await loadMethod(period);
    return method ?? (await loadSnapshot(period));
  }, [wanted]);
  const data = chosen.data;
  return (
    <article class="prose">
      <h1>{t("method.title")}</h1>
      <p>{t("method.intro")}</p>
      <h2>{t("method.scoreTitle")}</h2>
      <ul>
        {(["leaves", "evidence", "nodes", "index", "rank", "change", "bands"] as const).map((part) => (
          <li key={part}>{t(`method.${part}`)}</li>
        ))}
      </ul>
      <h2>{t("method.processTitle")}</h2>
      <p>{t("method.process")}</p>
      <h2>{t("method.setTitle")}</h2>
      <LoadState of={chosen} />
      {data && "version" in data ? <Pillars snapshot={data} /> : data && <IndexSet method={data} />}
      <h2>{t("method.dataTitle")}</h2>
      <p>{t("method.data")}</p>
    </article>
  );
}

function IndexSet({ method }: { method: MethodFile }) {
  const { framework } = method;
  return (
    <>
      <p>
        {localName(framework)}
        {framework.decision && ` — ${framework.decision}`} · {method.period.name}
      </p>
      {method.groups.map((g) => (
        <section key={g.id} aria-labelledby={`method-${g.id}`} class="method-group">
          <h3 id={`method-${g.id}`}>
            {localName(g)}{" "}
            <span class="muted">({t("method.maxPoints", { max: fmt.points(g.maxPoints) })})</span>
          </h3>
          {g.bands.length > 0 ? (
            <p>
              <strong>{t("method.bandsOf")}</strong>{" "}
              {g.bands
                .map((b) => t("method.bandFrom", { label: localLabel(b), min: fmt.number(b.minIndex, 4) }))
                .join(" · ")}
            </p>
          ) : (
            <p>{t("method.noBands")}</p>
          )}
          <Nodes nodes={g.nodes} top />
        </section>
      ))}
    </>
  );
}

/** A group's pillars, each folded (a phone scrolls less; the browser's find opens them), and their indicators. */
function Nodes({ nodes, top }: { nodes: MethodNode[]; top?: boolean }) {
  return (
    <ul class={top ? "method-tree" : "method-sub"}>
      {nodes.map((n) => {
        const title = (
          <>
            <span class="method-code">{n.code}</span>{" "}
            {n.children ? <strong>{localName(n)}</strong> : localName(n)}{" "}
            <span class="muted">({t("method.maxPoints", { max: fmt.points(n.maxPoints) })})</span>
          </>
        );
        return (
          <li key={n.code}>
            {top && n.children ? (
              <details>
                <summary>{title}</summary>
                <Nodes nodes={n.children} />
              </details>
            ) : (
              <>
                {title}
                {n.method && (
                  <span class="method-how">
                    {describe(n.method, n.maxPoints)}
                    {n.evidenceRequired && ` · ${t("method.evidenceRequired")}`}
                    {n.measuredBy && ` · ${t("method.measuredBy", { source: n.measuredBy })}`}
                  </span>
                )}
                {n.children && <Nodes nodes={n.children} />}
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A leaf's method in words, with the points each answer earns (the page's full text). */
export const describe = (method: MethodLeafMethod, maxPoints: number): string =>
  methodWords(method, maxPoints);

/** The pillars and maxima the ranking itself carries (a period published without a method file). */
function Pillars({ snapshot }: { snapshot: Snapshot }) {
  return (
    <>
      <p>
        {snapshot.period.framework.name}
        {snapshot.period.framework.decision && ` — ${snapshot.period.framework.decision}`}
      </p>
      {snapshot.groups.map((g) => (
        <section key={g.id} aria-label={g.name}>
          <h3>
            {g.name} <span class="muted">({t("method.maxPoints", { max: fmt.points(g.maxPoints) })})</span>
          </h3>
          <ol class="pillars">
            {g.nodes.map((n) => (
              <li key={n.code}>
                {n.name} — {t("method.maxPoints", { max: fmt.points(n.maxPoints) })}
              </li>
            ))}
          </ol>
        </section>
      ))}
    </>
  );
}
