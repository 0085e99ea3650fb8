import { useEffect, useState } from "preact/hooks";
import { type MessageKey, vi } from "./vi.ts";

/**
 * The one i18n layer: every user-facing string is a key of vi.ts (Vietnamese, the default and the
 * source of truth) and of en.ts (English, loaded only when chosen). `t` fills `{name}` placeholders;
 * `fmt` formats numbers and dates for the current language, in Vietnam time.
 */
export type Lang = "vi" | "en";
export type { MessageKey };

const STORAGE_KEY = "chiso.lang";
let current: Lang = "vi";
let messages: Record<MessageKey, string> = vi;
const listeners = new Set<() => void>();

export const lang = (): Lang => current;

export async function setLang(next: Lang): Promise<void> {
  messages = next === "en" ? (await import("./en.ts")).en : vi;
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  for (const listener of listeners) listener();
}

/** The stored choice (Vietnamese unless English was chosen before). */
export async function initLang(): Promise<void> {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  if (stored === "en") await setLang("en");
  else document.documentElement.lang = "vi";
}

/** Re-renders the calling component when the language changes; returns the language. */
export function useLang(): Lang {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return current;
}

type Params = Record<string, string | number>;
const fill = (text: string, params?: Params) =>
  params
    ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
    : text;

export function t(key: MessageKey, params?: Params): string {
  return fill(messages[key] ?? vi[key] ?? key, params);
}

/**
 * The strings of one lazily loaded part of the app (a signed-in area): they travel in that part's
 * chunk, not in the public page's, and both languages must have the same keys (the type checker says
 * so). Returns that part's `t`.
 */
export function messagesFor<K extends string>(
  viTexts: Record<K, string>,
  enTexts: NoInfer<Record<K, string>>,
): (key: K, params?: Params) => string {
  return (key, params) => fill((current === "en" ? enTexts[key] : viTexts[key]) ?? key, params);
}

const locale = () => (current === "vi" ? "vi-VN" : "en-GB");
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(min: number, max: number): Intl.NumberFormat {
  const key = `${locale()}|${min}|${max}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale(), { minimumFractionDigits: min, maximumFractionDigits: max });
    numberFormats.set(key, format);
  }
  return format;
}

const TIME_ZONE = "Asia/Ho_Chi_Minh";
const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: TIME_ZONE,
});
/** An instant's day, month, year, hour and minute in Vietnam time, each zero-padded. */
function dateParts(iso: string): Record<"day" | "month" | "year" | "hour" | "minute", string> {
  const parts: Record<string, string> = {};
  for (const part of dateFormat.formatToParts(new Date(iso))) parts[part.type] = part.value;
  const { day = "", month = "", year = "", hour = "", minute = "" } = parts;
  return { day, month, year, hour, minute };
}

export const fmt = {
  /** A number with up to `max` decimals. */
  number: (n: number, max = 2, min = 0) => numberFormat(min, max).format(n),
  points: (n: number) => numberFormat(0, 2).format(n),
  index: (n: number) => numberFormat(4, 4).format(n),
  percent: (fraction: number) => `${numberFormat(0, 1).format(fraction * 100)}%`,
  /** dd/MM/yyyy (Vietnamese and en-GB alike). */
  date: (iso: string) => {
    const p = dateParts(iso);
    return `${p.day}/${p.month}/${p.year}`;
  },
  /** dd/MM/yyyy HH:mm, the 24-hour clock: one order in both languages (vi-VN alone puts the time first). */
  dateTime: (iso: string) => {
    const p = dateParts(iso);
    return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
  },
  time: (date: Date) =>
    new Intl.DateTimeFormat(locale(), { timeStyle: "medium", hourCycle: "h23", timeZone: TIME_ZONE }).format(
      date,
    ),
  bytes: (n: number) =>
    n < 1024
      ? `${n} B`
      : n < 1024 * 1024
        ? `${numberFormat(0, 1).format(n / 1024)} KB`
        : `${numberFormat(0, 1).format(n / 1024 / 1024)} MB`,
};

/** A name in the current language when the data has one (`nameEn`, `labelEn`). */
export function localName(item: { name: string; nameEn?: string | undefined }): string {
  return current === "en" && item.nameEn ? item.nameEn : item.name;
}
export function localLabel(item: { label: string; labelEn?: string | undefined }): string {
  return current === "en" && item.labelEn ? item.labelEn : item.label;
}

/** Lower-case, without Vietnamese diacritics: "Nội vụ" matches "noi vu". */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}
