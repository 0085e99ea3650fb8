import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n/index.ts";
import type { PeriodState } from "./types.ts";

export function PeriodBadge({ state }: { state: PeriodState }) {
  return <span class={`state state-${state}`}>{t(`periodState.${state}`)}</span>;
}

export function SubmissionBadge({ state }: { state: "draft" | "submitted" | "locked" }) {
  return <span class={`state sub-${state}`}>{t(`submissionState.${state}`)}</span>;
}

/** A modal dialog (the native <dialog>: focus is kept inside, Esc closes). */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onClose={onClose}>
      <h2 id="dialog-title">{title}</h2>
      {open && children}
    </dialog>
  );
}

/** A list of the API's error details (path: message), e.g. every problem of a framework import. */
export function Details({ details }: { details: { path: string; message: string }[] }) {
  if (details.length === 0) return null;
  return (
    <ul class="details">
      {details.slice(0, 200).map((d, i) => (
        <li key={i}>
          {d.path && <code>{d.path}</code>} {d.message}
        </li>
      ))}
      {details.length > 200 && <li>{t("common.more", { n: details.length - 200 })}</li>}
    </ul>
  );
}
