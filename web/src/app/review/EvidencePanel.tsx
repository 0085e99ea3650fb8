import { useEffect, useRef, useState } from "preact/hooks";
import { INLINE_EVIDENCE_TYPES } from "../../../../shared/model/limits.ts";
import { ErrorNote, LoadState, useAsync } from "../../ui/common.tsx";
import { errorText } from "../api.ts";
import { evidenceUrl, openEvidence } from "../EvidenceOpen.tsx";
import type { Evidence } from "../types.ts";
import { evidenceName } from "../values.ts";
import { tr } from "./messages.ts";

const PDF = "application/pdf";

export interface Shown {
  evidence: Evidence;
  code: string;
  /** The button that opened the panel: focus goes back there when it closes. */
  opener: HTMLElement | null;
}

/**
 * One evidence item beside the leaf it backs: a PDF in the browser's own viewer (an iframe of the
 * presigned inline GET), an image as an image, any other file as a download; a link opens in a new
 * tab. A full-screen sheet on a phone (review.css). Esc or "Close" closes it.
 */
export function EvidencePanel({
  periodId,
  unitId,
  shown,
  onClose,
}: {
  periodId: string;
  unitId: string;
  shown: Shown;
  onClose: () => void;
}) {
  const { evidence, code } = shown;
  const type = evidence.contentType ?? "";
  // Shown in the page only what the API serves inline; anything else is a download.
  const inline = evidence.kind === "file" && INLINE_EVIDENCE_TYPES.has(type);
  // The inline link, read again for each item shown (the last one asked for wins).
  const link = useAsync(
    async () => (inline ? evidenceUrl(periodId, unitId, evidence.id, true) : undefined),
    [periodId, unitId, evidence.id, inline],
  );
  const [error, setError] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  const name = evidenceName(evidence);

  useEffect(() => {
    setError(undefined);
    heading.current?.focus();
  }, [evidence.id]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  const download = () => {
    setError(undefined);
    openEvidence(periodId, unitId, evidence.id).catch((e: unknown) => setError(errorText(e)));
  };

  return (
    <section class="evidence-panel" aria-labelledby="evidence-panel-title">
      <header>
        <div>
          <p class="muted">
            {tr("panel.title")} · {tr("panel.for", { code })}
          </p>
          <h2 id="evidence-panel-title" ref={heading} tabIndex={-1}>
            {name}
          </h2>
        </div>
        <button type="button" class="btn btn-small" onClick={onClose}>
          {tr("panel.close")}
        </button>
      </header>
      <div class="panel-actions">
        {evidence.kind === "url" ? (
          <a href={evidence.url} target="_blank" rel="noopener noreferrer">
            {tr("panel.openLink")}
          </a>
        ) : (
          <button type="button" class="btn btn-small" onClick={download}>
            {tr("panel.download")}
            <span class="sr-only"> {name}</span>
          </button>
        )}
      </div>
      {error && <ErrorNote error={new Error(error)} />}
      <div class="viewer">
        {evidence.kind === "url" ? (
          <p class="muted">{evidence.url}</p>
        ) : !inline ? (
          <p>{tr("panel.noPreview", { type: type || "?" })}</p>
        ) : link.loading || !link.data ? (
          // Not the last item's link while the next one's loads.
          <LoadState of={link} />
        ) : type === PDF ? (
          <iframe src={link.data} title={tr("panel.pdfFrame", { name })} />
        ) : (
          <img src={link.data} alt={tr("panel.image", { name })} />
        )}
      </div>
    </section>
  );
}
