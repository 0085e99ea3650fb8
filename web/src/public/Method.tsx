import { fmt, t } from "../i18n/index.ts";
import { LoadState, useAsync, useTitle } from "../ui/common.tsx";
import { loadIndex, loadSnapshot } from "./data.ts";

/** How the ranking is computed (DOMAIN.md §4–5, in short), with the latest period's index set. */
export function Method() {
  useTitle(t("method.title"));
  const latest = useAsync(async () => {
    const [period] = await loadIndex();
    return period ? loadSnapshot(period) : undefined;
  }, []);
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
      <LoadState of={latest} />
      {latest.data && (
        <>
          <p>
            {latest.data.period.framework.name}
            {latest.data.period.framework.decision && ` — ${latest.data.period.framework.decision}`}
          </p>
          {latest.data.groups.map((g) => (
            <section key={g.id} aria-label={g.name}>
              <h3>
                {g.name}{" "}
                <span class="muted">({t("method.maxPoints", { max: fmt.points(g.maxPoints) })})</span>
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
      )}
      <h2>{t("method.dataTitle")}</h2>
      <p>{t("method.data")}</p>
    </article>
  );
}
