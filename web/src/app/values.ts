import { DEFAULT_MAX_EVIDENCE_BYTES, EVIDENCE_TYPE_BY_EXTENSION } from "../../../shared/model/limits.ts";
import { fmt, localLabel, messagesFor, t } from "../i18n/index.ts";
import { methodWords } from "../public/method-words.ts";
import type { Evidence, Leaf } from "./types.ts";

/** An answer value as text, by the leaf's method ("—" when unanswered). */
export function formatValue(leaf: Leaf, value: unknown): string {
  if (value === null || value === undefined) return "—";
  const method = leaf.method;
  switch (method.type) {
    case "yesno":
      return value === true ? t("value.yes") : value === false ? t("value.no") : String(value);
    case "level": {
      const option = method.options.find((o) => o.id === value);
      return option ? localLabel(option) : String(value);
    }
    case "ratio": {
      const v = value as { numerator?: number; denominator?: number };
      return `${fmt.number(v.numerator ?? 0)} / ${fmt.number(v.denominator ?? 0)}`;
    }
    case "info":
      return typeof value === "boolean" ? (value ? t("value.yes") : t("value.no")) : String(value);
    default:
      return typeof value === "number" ? fmt.number(value, 4) : String(value);
  }
}

/** How the leaf's method turns an answer into points, in one line (the public page's words, brief). */
export const methodHint = (leaf: Leaf): string => methodWords(leaf.method, leaf.maxPoints, true);

const FLAG_KEYS = {
  unanswered: "flag.unanswered",
  "missing-evidence": "flag.missingEvidence",
  excluded: "flag.excluded",
  "scored-at-close": "flag.scoredAtClose",
  "not-submitted": "flag.notSubmitted",
} as const;

/** The ledger's mark of a carried answer the unit never confirmed (results.ts CARRIED_UNCONFIRMED). */
const carriedFlag = messagesFor(
  { label: "chuyển từ kỳ trước, không được xác nhận" },
  { label: "carried over, never confirmed" },
);

export function flagText(flag: string): string {
  if (flag === "carried-unconfirmed") return carriedFlag("label");
  const key = FLAG_KEYS[flag as keyof typeof FLAG_KEYS];
  return key ? t(key) : flag;
}

/** An evidence item's name as shown: a link's title or address, a file's name (its id when it has none). */
export const evidenceName = (e: Evidence): string =>
  (e.kind === "url" ? e.title || e.url : e.fileName) || e.id;

/** Evidence types the API accepts, by extension: the server's own list (plain data, no zod). */
export const EVIDENCE_TYPES = EVIDENCE_TYPE_BY_EXTENSION;
export const EVIDENCE_ACCEPT = Object.keys(EVIDENCE_TYPES)
  .map((e) => `.${e}`)
  .join(",");
/** The server's default limit (DEFAULT_MAX_EVIDENCE_BYTES); the server's own answer (413) still counts. */
export const MAX_EVIDENCE_BYTES = DEFAULT_MAX_EVIDENCE_BYTES;
