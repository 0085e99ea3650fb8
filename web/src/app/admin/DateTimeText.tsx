import { useEffect, useState } from "preact/hooks";
import { Field } from "../../ui/fields.tsx";
import { tp } from "./messages-period.ts";

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

export function DateTimeText({
  id,
  label,
  value,
  onValue,
  disabled = false,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  disabled?: boolean;
}) {
  const [text, setText] = useState(() => showDateTimeText(value));
  // A value set from outside (a reload) is shown; one that came from this field's text is left as typed.
  useEffect(() => {
    if (parseDateTimeText(text) !== value && !(value === "" && text.trim() === ""))
      setText(showDateTimeText(value));
  }, [value]);
  const bad = text.trim() !== "" && parseDateTimeText(text) === undefined;
  return (
    <Field id={id} label={label} help={bad ? tp("dateTimeBad") : tp("dateTimeHelp")}>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder="dd/mm/yyyy hh:mm"
        disabled={disabled}
        value={text}
        aria-invalid={bad}
        aria-describedby={`${id}-help`}
        onInput={(e) => {
          const typed = e.currentTarget.value;
          setText(typed);
          onValue(parseDateTimeText(typed) ?? typed.trim());
        }}
      />
    </Field>
  );
}
