import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n/index.ts";
import { ErrorNote, Loading, useTitle } from "../ui/common.tsx";
import { errorText, get, paths } from "./api.ts";

/** A short-lived link to an evidence item: a file served as an attachment (or inline), or the link itself. */
export async function evidenceUrl(
  periodId: string,
  unitId: string,
  evidenceId: string,
  inline = false,
): Promise<string> {
  const path = `${paths.download(periodId, unitId, evidenceId)}${inline ? "?inline=true" : ""}`;
  return (await get<{ url: string }>(path)).url;
}

/** A presigned storage GET (SigV4 in the query): a file of ours, not a unit's link to elsewhere. */
const isStorageUrl = (url: string) => /[?&]X-Amz-Signature=/.test(url);

/**
 * Opens an evidence item from a click, leaving no tab behind: a file (served as an attachment)
 * downloads from this page, which stays; a link opens in a new tab, as a link does.
 */
export async function openEvidence(periodId: string, unitId: string, evidenceId: string): Promise<void> {
  const url = await evidenceUrl(periodId, unitId, evidenceId);
  if (isStorageUrl(url)) window.location.assign(url);
  else window.open(url, "_blank", "noopener,noreferrer");
}

/**
 * The page at an evidence item's in-app address (typed, or opened with a middle click): asks the API
 * for a short-lived link, then goes there (a file downloads and this page stays, with a link again).
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
    evidenceUrl(periodId, unitId, evidenceId).then(
      (reply) => {
        setUrl(reply);
        window.location.replace(reply);
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

/** The in-app address that opens an evidence item. */
export const evidenceHref = (periodId: string, unitId: string, evidenceId: string) =>
  `/app/evidence/${encodeURIComponent(periodId)}/${encodeURIComponent(unitId)}/${encodeURIComponent(evidenceId)}`;

/**
 * A link to an evidence item. A plain click downloads a file right here (or opens a unit's link in a
 * new tab) with no blank tab left behind; its address still works for a middle click or a copy.
 */
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
  const [error, setError] = useState<string>();
  return (
    <>
      <a
        href={evidenceHref(periodId, unitId, evidenceId)}
        onClick={(event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          setError(undefined);
          openEvidence(periodId, unitId, evidenceId).catch((e: unknown) => setError(errorText(e)));
        }}
      >
        {children}
      </a>
      {error && (
        <span class="input-error" role="alert">
          {" "}
          {error}
        </span>
      )}
    </>
  );
}
