import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n/index.ts";

/**
 * The one labelled form field: a label, the control and an optional help line that the control is
 * described by. `Field` wraps any control (a file input); `TextField`, `DateTimeField` and
 * `SelectField` are the common cases bound to a string, and `useFields` holds a form's strings.
 */
export function Field({
  id,
  label,
  help,
  helpId = `${id}-help`,
  inline = false,
  children,
}: {
  /** The control's id, which the label points at. */
  id: string;
  label: ComponentChildren;
  /** A line under the control; the control should name `helpId` in its aria-describedby. */
  help?: ComponentChildren;
  helpId?: string;
  /** Label and control on one line (a toolbar's search box). */
  inline?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={inline ? "field inline" : "field"}>
      <label for={id}>{label}</label>
      {children}
      {help && (
        <span id={helpId} class="muted">
          {help}
        </span>
      )}
    </div>
  );
}

type InputAttributes = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onInput" | "label">;

/** What every bound field takes besides its control's own attributes. */
interface Bound {
  id: string;
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  help?: ComponentChildren;
  inline?: boolean;
}

/** The attributes that tie a control to its label (the id) and to its help line, if any. */
const control = (id: string, help: ComponentChildren) => ({
  id,
  "aria-describedby": help ? `${id}-help` : undefined,
});

/**
 * A labelled input bound to a string: `onValue` gets each edit. Any other input attribute (type,
 * required, pattern, autoComplete, disabled, placeholder …) is passed on to the input.
 */
export function TextField({ id, label, value, onValue, help, inline, ...input }: InputAttributes & Bound) {
  return (
    <Field id={id} label={label} help={help} inline={inline}>
      <input
        {...control(id, help)}
        value={value}
        {...input}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

/**
 * A date and time typed as dd/MM/yyyy HH:mm (Vietnam time), whatever the browser's own language: a
 * native datetime-local input shows the browser's format (12/28/2026, 10:17 AM in an English
 * Chromium) and cannot be told otherwise. The bound value stays the datetime-local form
 * (YYYY-MM-DDTHH:mm) that the API reads as Vietnam time; that form is also accepted as typed.
 */
const DAY_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[\s,T]+(\d{1,2})[:h](\d{2}))?$/;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T\s](\d{2}):(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, "0");

/** The datetime-local value of a typed date and time, or undefined when it is none. */
export function parseDateTimeText(text: string): string | undefined {
  const trimmed = text.trim();
  const day = DAY_FIRST.exec(trimmed);
  const iso = ISO_LOCAL.exec(trimmed);
  const parts = day
    ? [day[3], day[2], day[1], day[4] ?? "0", day[5] ?? "0"]
    : iso
      ? [iso[1], iso[2], iso[3], iso[4], iso[5]]
      : undefined;
  if (!parts) return undefined;
  const [year, month, date, hour, minute] = parts.map(Number) as [number, number, number, number, number];
  const at = new Date(Date.UTC(year, month - 1, date, hour, minute));
  // 31/02 or 25:00 are not dates: the calendar would move them on.
  if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== date || hour > 23 || minute > 59)
    return undefined;
  return `${year}-${pad(month)}-${pad(date)}T${pad(hour)}:${pad(minute)}`;
}

/** dd/MM/yyyy HH:mm of a datetime-local value ("" stays ""). */
export function showDateTimeText(value: string): string {
  const iso = ISO_LOCAL.exec(value.slice(0, 16));
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]} ${iso[4]}:${iso[5]}` : value;
}

/**
 * A date and time field: a text input read as dd/MM/yyyy HH:mm (or the datetime-local form), bound
 * to the datetime-local value ("YYYY-MM-DDTHH:mm"); text that is no date is passed on as typed.
 */
export function DateTimeField({
  id,
  label,
  value,
  onValue,
  help,
  inline,
  ...input
}: Omit<InputAttributes, "type"> & Bound) {
  const [text, setText] = useState(() => showDateTimeText(value));
  // A value set from outside (a reload) is shown; one that came from this field's text is left as typed.
  useEffect(() => {
    if (parseDateTimeText(text) !== value && !(value === "" && text.trim() === ""))
      setText(showDateTimeText(value));
  }, [value]);
  const bad = text.trim() !== "" && parseDateTimeText(text) === undefined;
  return (
    <Field
      id={id}
      label={label}
      help={bad ? t("common.dateTimeBad") : (help ?? t("common.dateTimeHelp"))}
      inline={inline}
    >
      <input
        inputMode="numeric"
        autoComplete="off"
        placeholder="dd/mm/yyyy hh:mm"
        {...input}
        {...control(id, true)}
        type="text"
        value={text}
        aria-invalid={bad}
        onInput={(e) => {
          const typed = e.currentTarget.value;
          setText(typed);
          onValue(parseDateTimeText(typed) ?? typed.trim());
        }}
      />
    </Field>
  );
}

type SelectAttributes = Omit<
  JSX.SelectHTMLAttributes<HTMLSelectElement>,
  "id" | "value" | "onChange" | "label"
>;

/** A labelled select bound to a string; the options are its children. */
export function SelectField({
  id,
  label,
  value,
  onValue,
  help,
  inline,
  children,
  ...select
}: SelectAttributes & Bound & { children: ComponentChildren }) {
  return (
    <Field id={id} label={label} help={help} inline={inline}>
      <select
        {...control(id, help)}
        value={value}
        {...select}
        onChange={(e) => onValue(e.currentTarget.value)}
      >
        {children}
      </select>
    </Field>
  );
}

/**
 * A form's string values in one state. `bind(name)` gives a field its value and onValue:
 *
 *   const { values, bind } = useFields({ name: "", closesAt: "" });
 *   <TextField id="name" label={t("period.name")} {...bind("name")} />
 */
export function useFields<T extends Record<string, string>>(initial: T | (() => T)) {
  const [values, setValues] = useState<T>(initial);
  const bind = (name: keyof T & string) => ({
    value: values[name] as string,
    onValue: (value: string) => setValues((current) => ({ ...current, [name]: value })),
  });
  return { values, setValues, bind };
}
