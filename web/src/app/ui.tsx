import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { MAX_NOTE_LENGTH } from "../../../shared/model/limits.ts";
import { t } from "../i18n/index.ts";
import { detailText } from "./errorMessages.ts";
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
  busyLabel = label,
  cancelLabel = t("common.cancel"),
}: {
  label: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  disabled?: boolean;
  error?: string | null;
  /** The primary button's text while busy (its label, unless said otherwise). */
  busyLabel?: string;
  cancelLabel?: string;
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
          {busy ? busyLabel : label}
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          {cancelLabel}
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
          {d.path && <code>{d.path}</code>} {detailText(d.message)}
        </li>
      ))}
      {details.length > 200 && <li>{t("common.more", { n: details.length - 200 })}</li>}
    </ul>
  );
}

/** An action's error under the control it belongs to (nothing when there is none). */
export function InlineError({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p class="input-error" role="alert">
      {error}
    </p>
  );
}

/** A labelled multi-line text field. */
export function TextAreaField({
  id,
  label,
  value,
  onInput,
  rows = 2,
  maxLength = MAX_NOTE_LENGTH,
}: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  rows?: number;
  maxLength?: number;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        maxLength={maxLength}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </div>
  );
}

/** A small button that shows or hides a part below it (its state is announced as expanded). */
export function ToggleButton({
  open,
  onToggle,
  children,
}: {
  open: boolean;
  onToggle: (open: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <button type="button" class="btn btn-small" aria-expanded={open} onClick={() => onToggle(!open)}>
      {children}
    </button>
  );
}

/** A table's column headings; `[label, "num"]` is a column of numbers (aligned right). */
export function ColumnHeads({ columns }: { columns: (string | [string, "num"])[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === "string" ? (
            <th scope="col" key={column}>
              {column}
            </th>
          ) : (
            <th scope="col" class="num" key={column[0]}>
              {column[0]}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
