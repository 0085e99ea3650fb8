import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n/index.ts";
import { ErrorNote, Loading, useTitle } from "../ui/common.tsx";
import { errorText, get, paths } from "./api.ts";

/**
 * Opens an evidence file or link in this tab: asks the API for a short-lived link, then goes there.
 * Evidence links elsewhere point here with target="_blank", so they open in a new tab.
 */
export function EvidenceOpen({
  periodId,
  unitId,
  evidenceId,
}: {
  periodId: string;
  unitId: string;
  evidenceId: string;
}) {
  useTitle(t("evidence.opening"));
  const [error, setError] = useState<string>();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    get<{ url: string }>(`${paths.evidenceItem(periodId, unitId, evidenceId)}/download`).then(
      (reply) => {
        // A link opens there; a file is served as an attachment: it downloads and this page stays.
        setUrl(reply.url);
        window.location.replace(reply.url);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [periodId, unitId, evidenceId]);
  return (
    <>
      <h1>{t("evidence.opening")}</h1>
      {error && <ErrorNote error={new Error(error)} />}
      {!error && !url && <Loading />}
      {url && (
        <p>
          {t("evidence.downloading")} <a href={url}>{t("evidence.downloadAgain")}</a>
        </p>
      )}
    </>
  );
}

/** The in-app address that opens an evidence item (use with target="_blank"). */
export const evidenceHref = (periodId: string, unitId: string, evidenceId: string) =>
  `/app/evidence/${encodeURIComponent(periodId)}/${encodeURIComponent(unitId)}/${encodeURIComponent(evidenceId)}`;

/** A link that opens an evidence item in a new tab (and says so to screen readers). */
export function EvidenceLink({
  periodId,
  unitId,
  evidenceId,
  children,
}: {
  periodId: string;
  unitId: string;
  evidenceId: string;
  children: ComponentChildren;
}) {
  return (
    <a href={evidenceHref(periodId, unitId, evidenceId)} target="_blank" rel="noopener">
      {children}
      <span class="sr-only"> ({t("common.newTab")})</span>
    </a>
  );
}
