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

/**
 * The one dialog footer: the error of the dialog's action (when any), its primary button and Cancel.
 * `busy` disables the primary button and says so; `disabled` is for a form not yet complete.
 */
export function DialogFooter({
  label,
  onConfirm,
  onCancel,
  busy = false,
  disabled = false,
  error = null,
}: {
  label: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  disabled?: boolean;
  error?: string | null;
}) {
  return (
    <>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy || disabled}
          aria-busy={busy}
          onClick={onConfirm}
        >
          {label}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </>
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
