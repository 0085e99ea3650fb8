import { roundHalfAwayFromZero } from "../engine/rounding.ts";
import type { LevelOption, Method } from "../model/framework.ts";

/**
 * Vietnamese wording and number formatting for the official documents. Hand-written rather than
 * Intl: the scorecards are built thousands of times in a publication, and the output must not depend
 * on the runtime's ICU data.
 */

/** A blank to fill in by hand before signing. */
export const DOTS = "………";
/** U+2212, the minus sign of a signed change (a hyphen reads as a dash in print). */
export const MINUS = "\u2212";
export const NONE = "–";

/** `n` rounded half away from zero to `digits` decimals, all of them shown, with a decimal comma. */
export function decimal(n: number, digits: number): string {
  const text = roundHalfAwayFromZero(n, digits).toFixed(digits);
  return (text.startsWith("-") ? MINUS + text.slice(1) : text).replace(".", ",");
}

export const points = (n: number): string => decimal(n, 2);
export const index = (n: number): string => decimal(n, 4);

/** A number as a unit answered it: up to 2 decimals, trailing zeros dropped (12,5; 40). */
export function amount(n: number): string {
  const text = String(roundHalfAwayFromZero(n, 2));
  return text.startsWith("-") ? MINUS + text.slice(1).replace(".", ",") : text.replace(".", ",");
}

/** A change with its sign: +12,50, −4,00, 0,00. */
export function signed(n: number, digits: number): string {
  const text = decimal(n, digits);
  return roundHalfAwayFromZero(n, digits) > 0 ? `+${text}` : text;
}

/** "lên 5 bậc", "xuống 2 bậc", "giữ nguyên" (previous rank − this rank, positive: moved up). */
export function rankChangeWords(change: number): string {
  if (change > 0) return `lên ${change} bậc`;
  if (change < 0) return `xuống ${-change} bậc`;
  return "giữ nguyên";
}

/** YYYY-MM-DD of an instant, in Vietnam time (UTC+7 all year). */
export function vietnamDay(iso: string): string {
  return new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** dd/mm/yyyy of an instant, in Vietnam time. */
export function vietnamDate(iso: string): string {
  const [y, m, d] = vietnamDay(iso).split("-");
  return `${d}/${m}/${y}`;
}

/**
 * "ngày 05 tháng 02 năm 2024" from YYYY-MM-DD: Decree 30/2020 writes a day below 10 and the months 1
 * and 2 with a leading zero. Dotted blanks when there is no date yet.
 */
export function dateWords(date: string | undefined): string {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (!m) return `ngày ${DOTS} tháng ${DOTS} năm ${DOTS}`;
  const [, year, month, day] = m as unknown as [string, string, string, string];
  const monthNumber = Number(month);
  return `ngày ${day} tháng ${monthNumber <= 2 ? month : String(monthNumber)} năm ${year}`;
}

const ROMAN: readonly [number, string][] = [
  [1000, "M"],
  [900, "CM"],
  [500, "D"],
  [400, "CD"],
  [100, "C"],
  [90, "XC"],
  [50, "L"],
  [40, "XL"],
  [10, "X"],
  [9, "IX"],
  [5, "V"],
  [4, "IV"],
  [1, "I"],
];

export function roman(n: number): string {
  let rest = n;
  let text = "";
  for (const [value, letters] of ROMAN)
    while (rest >= value) {
      text += letters;
      rest -= value;
    }
  return text;
}

export const upper = (text: string): string => text.toLocaleUpperCase("vi").normalize("NFC");

/** Words after which a place name follows (its words are capitalised in sentence form). */
const PLACE_WORDS = ["thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã"];
/** Bodies whose name's first word after them is capitalised too ("Sở Tài chính", "Bộ Nội vụ"). */
const BODY_WORDS = new Set(["sở", "bộ", "ban", "cục", "vụ", "phòng", "văn phòng", "tổng cục"]);

const capital = (word: string): string => word.charAt(0).toLocaleUpperCase("vi") + word.slice(1);

/**
 * The issuer as a sentence names it: "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG" → "Ủy ban nhân dân tỉnh Tuyên
 * Quang", "SỞ TÀI CHÍNH TỈNH HÀ GIANG" → "Sở Tài chính tỉnh Hà Giang". An issuer already written in
 * mixed case is kept as written.
 */
export function sentenceName(issuer: string): string {
  const text = issuer.normalize("NFC").trim();
  if (text !== upper(text)) return text;
  const words = text.toLocaleLowerCase("vi").split(/\s+/);
  let placeFrom = words.length;
  for (let i = 1; i < words.length && placeFrom === words.length; i++)
    for (const place of PLACE_WORDS) {
      const parts = place.split(" ");
      if (parts.every((p, k) => words[i + k] === p) && i + parts.length < words.length) {
        placeFrom = i + parts.length;
        break;
      }
    }
  const out = words.map((w, i) => (i === 0 || i >= placeFrom ? capital(w) : w));
  const body = BODY_WORDS.has(words[0] as string) ? 1 : BODY_WORDS.has(`${words[0]} ${words[1]}`) ? 2 : 0;
  if (body > 0 && body < placeFrom) out[body] = capital(out[body] as string);
  return out.join(" ");
}

/** The open data's status column: a unit that did not submit is ranked with 0 points and labelled so. */
export const NOT_SUBMITTED = "Không nộp";
export const SUBMITTED = "Đã nộp";

/** Flags of a leaf or a unit in words, as the web says them. */
export const FLAG_WORDS: Readonly<Record<string, string>> = {
  "not-submitted": NOT_SUBMITTED.toLocaleLowerCase("vi"),
  "missing-evidence": "thiếu tài liệu kiểm chứng",
  unanswered: "chưa trả lời",
  excluded: "không áp dụng",
  "scored-at-close": "tính khi đóng kỳ",
};

export const flagWords = (flags: readonly string[]): string[] => flags.map((f) => FLAG_WORDS[f] ?? f);

/** What a ratio's 0/0 means: nothing arose to count. */
export const NOTHING_AROSE = "Không phát sinh";

/**
 * An answer in words, by the leaf's method: Có/Không, a level's label, a ratio as a/b with its share,
 * numbers with a decimal comma. `options` is the level's options by id (built once per framework).
 */
export function answerWords(
  method: Method,
  value: unknown,
  options?: ReadonlyMap<string, LevelOption>,
): string {
  if (value === null || value === undefined) return NONE;
  switch (method.type) {
    case "yesno":
      return value === true ? "Có" : value === false ? "Không" : String(value);
    case "level": {
      const option = options?.get(value as string) ?? method.options.find((o) => o.id === value) ?? undefined;
      return option ? option.label : String(value);
    }
    case "ratio": {
      const { numerator, denominator } = value as { numerator: number; denominator: number };
      if (denominator === 0) return NOTHING_AROSE;
      const share = `${amount((numerator / denominator) * 100)}%`;
      const labels =
        method.numeratorLabel && method.denominatorLabel
          ? ` (${method.numeratorLabel} / ${method.denominatorLabel})`
          : "";
      return `${amount(numerator)}/${amount(denominator)}${labels}, đạt ${share}`;
    }
    case "points":
      return typeof value === "number" ? `${amount(value)} điểm` : String(value);
    case "steps":
    case "count":
    case "relative":
      return typeof value === "number" ? amount(value) : String(value);
    case "info":
      if (typeof value === "boolean") return value ? "Có" : "Không";
      return typeof value === "number" ? amount(value) : String(value);
  }
}
