/**
 * The limits and lists the server enforces and the web mirrors, as plain data with no imports: the
 * web reads them from here without pulling any validation code into its bundle.
 */

/**
 * Evidence files a unit may upload, by declared content type: PDF, JPEG/PNG/HEIC images, office documents
 * (DOCX, XLSX, ODT, ODS) and ZIP archives of scans. The bytes are sniffed on confirm.
 */
export const EVIDENCE_TYPES: Readonly<Record<string, { extensions: readonly string[]; label: string }>> = {
  "application/pdf": { extensions: ["pdf"], label: "PDF" },
  "image/jpeg": { extensions: ["jpg", "jpeg"], label: "JPEG" },
  "image/png": { extensions: ["png"], label: "PNG" },
  // Phone photos (iPhone); the browser converts them to JPEG when it can decode them.
  "image/heic": { extensions: ["heic"], label: "HEIC" },
  "image/heif": { extensions: ["heif"], label: "HEIF" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
    extensions: ["docx"],
    label: "DOCX",
  },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
    extensions: ["xlsx"],
    label: "XLSX",
  },
  "application/vnd.oasis.opendocument.text": { extensions: ["odt"], label: "ODT" },
  "application/vnd.oasis.opendocument.spreadsheet": { extensions: ["ods"], label: "ODS" },
  "application/zip": { extensions: ["zip"], label: "ZIP" },
};

/** The accepted content type of each file extension ("pdf" → "application/pdf"). */
export const EVIDENCE_TYPE_BY_EXTENSION: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(EVIDENCE_TYPES).flatMap(([type, { extensions }]) => extensions.map((e) => [e, type])),
);

/**
 * What a browser may show in a page (a PDF viewer, an image) rather than save: no type that runs code.
 * The download route serves these inline when asked; the reviewer's panel shows only these.
 */
export const INLINE_EVIDENCE_TYPES: ReadonlySet<string> = new Set([
  "application/pdf",
  "image/jpeg",
  "image/png",
]);

/** The largest evidence file by default (MAX_EVIDENCE_BYTES may set another on the server). */
export const DEFAULT_MAX_EVIDENCE_BYTES = 100 * 1024 * 1024;
/** How many leaves one evidence item may back, and how many items a submission may hold. */
export const MAX_CODES_PER_EVIDENCE = 200;
export const MAX_EVIDENCE_PER_SUBMISSION = 500;

/** An answer's note, and an appraisal's, a contest's or a supplement's reason. */
export const MAX_NOTE_LENGTH = 2000;
export const MAX_REASON_LENGTH = 2000;
/** A longer text: a framework's about, a leaf's guidance or hint, an info leaf's answer. */
export const MAX_TEXT_LENGTH = 4000;

/** A node's points: the sum of its children's, capped at its maximum (DOMAIN.md). */
export const cappedPoints = (childrenSum: number, maxPoints: number) => Math.min(maxPoints, childrenSum);
