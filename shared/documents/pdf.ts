/**
 * A direct PDF writer for the document model. Hand-written because on a 2-core machine a 100-row
 * scorecard took pdfkit ~150–230 ms, pdfmake ~400–490 ms and the `docx` package ~100 ms (each parses
 * and subsets the font or builds a large object tree per document), while 4,000 scorecards must follow a
 * publication within 60 s. The model is paragraphs and tables in one serif font, so a direct writer is
 * small: the fonts are parsed and turned into PDF objects once per process (pdf-font.ts), layout.ts
 * places the text, and this file writes the pages.
 *
 * Deterministic: no dates and no random ids, /ID is a hash of the content, so the same model gives the
 * same bytes (a retried publication rewrites the same files). There is no italic font: italic runs use
 * the regular font with a 0.2 shear in the text matrix.
 */
import { createHash, type Hash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { layout, type Op } from "./layout.ts";
import type { DocumentModel } from "./model.ts";
import { type EmbeddedFonts, embeddedFonts, glyphTable } from "./pdf-font.ts";

const latin1 = (s: string): Uint8Array => Buffer.from(s, "latin1");

/**
 * A number as PDF writes it: at most two decimals, no trailing zeros (what String(Math.round(n * 100) /
 * 100) gives, "0" for -0), built from integers: every coordinate of every page goes through it, and
 * printing a fraction's shortest decimal cost most of it.
 */
function num(n: number): string {
  const hundredths = Math.round(n * 100);
  if (hundredths === 0) return "0";
  const abs = hundredths < 0 ? -hundredths : hundredths;
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  const digits =
    frac === 0
      ? `${whole}`
      : frac % 10 === 0
        ? `${whole}.${frac / 10}`
        : `${whole}.${frac < 10 ? "0" : ""}${frac}`;
  return hundredths < 0 ? `-${digits}` : digits;
}

/** A text string for the Info dictionary: UTF-16BE with its byte-order mark, as hex. */
function textString(s: string): string {
  const b = Buffer.from(s.normalize("NFC"), "utf16le").swap16();
  return `<FEFF${b.toString("hex").toUpperCase()}>`;
}

/**
 * A glyph id as the two bytes of a literal string (Identity-H), escaped where PDF needs it: "(", ")",
 * "\\" and CR (a bare CR would be read as a line end). Half the bytes of hex, so half the stream to
 * build and deflate: a scorecard with its ledger is ~13 pages.
 */
const glyphBytes = (g: number): string => byte(g >> 8) + byte(g & 0xff);
/** The subset fonts have a few hundred glyphs. */
const GLYPH_BYTES = Array.from({ length: 2048 }, (_, g) => glyphBytes(g));
function byte(b: number): string {
  if (b === 0x28 || b === 0x29 || b === 0x5c) return `\\${String.fromCharCode(b)}`;
  if (b === 0x0d) return "\\r";
  return String.fromCharCode(b);
}

/**
 * A text's glyph string, made once per font's glyph table: the scorecards of a publication repeat
 * most of their lines. Each table's map is emptied when it grows past GLYPHS_MAX.
 */
const glyphStrings = new WeakMap<Uint16Array, Map<string, string>>();
const GLYPHS_MAX = 50_000;

function glyphString(chars: string, gid: Uint16Array): string {
  let made = glyphStrings.get(gid);
  if (!made) {
    made = new Map();
    glyphStrings.set(gid, made);
  }
  let glyphs = made.get(chars);
  if (glyphs !== undefined) return glyphs;
  glyphs = "";
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    // A character outside the BMP is one "?", drawn for its high half.
    if (c < 0xdc00 || c > 0xdfff) {
      const g = gid[c] as number;
      glyphs += GLYPH_BYTES[g] ?? glyphBytes(g);
    }
  }
  if (made.size >= GLYPHS_MAX) made.clear();
  made.set(chars, glyphs);
  return glyphs;
}

/**
 * A page's content: its lines and boxes first, then all its text in one text object, the font set
 * only when it changes (the text state carries across), each run placed by its own text matrix.
 */
function content(ops: readonly Op[], pageH: number): string {
  const fonts = embeddedFonts();
  const regular = glyphTable(fonts.regular);
  const bold = glyphTable(fonts.bold);
  let paths = "0.5 w 0 G 0 g\n";
  let text = "BT\n";
  let fontBold: boolean | undefined;
  let fontSize = 0;
  for (const op of ops) {
    if (op.kind === "text") {
      if (op.bold !== fontBold || op.size !== fontSize) {
        text += `/${op.bold ? "F2" : "F1"} ${num(op.size)} Tf\n`;
        fontBold = op.bold;
        fontSize = op.size;
      }
      const glyphs = glyphString(op.text, op.bold ? bold : regular);
      text += `1 0 ${op.italic ? "0.2" : "0"} 1 ${num(op.x)} ${num(pageH - op.y)} Tm(${glyphs})Tj\n`;
    } else if (op.kind === "line") {
      paths += `${num(op.x1)} ${num(pageH - op.y1)} m ${num(op.x2)} ${num(pageH - op.y2)} l S\n`;
    } else {
      paths += `${num(op.x)} ${num(pageH - op.y - op.h)} ${num(op.w)} ${num(op.h)} re S\n`;
    }
  }
  return `${paths}${text}ET\n`;
}

const HEADER = latin1("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
let prefix: { fonts: EmbeddedFonts; hash: Hash } | undefined;

/** The hash of the bytes every PDF starts with (header and fonts), made once and copied for each. */
function prefixHash(fonts: EmbeddedFonts): Hash {
  if (prefix?.fonts !== fonts) {
    const hash = createHash("md5").update(HEADER);
    for (const b of fonts.objects) hash.update(b);
    prefix = { fonts, hash };
  }
  return prefix.hash;
}

export function renderPdf(doc: DocumentModel): Uint8Array {
  const fonts = embeddedFonts();
  const { width, height, pages } = layout(doc);
  const chunks: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const write = (b: Uint8Array): void => {
    chunks.push(b);
    at += b.length;
  };
  const object = (n: number, body: string | Uint8Array[]): void => {
    offsets[n] = at;
    if (typeof body === "string") write(latin1(`${n} 0 obj\n${body}\nendobj\n`));
    else {
      write(latin1(`${n} 0 obj\n`));
      for (const b of body) write(b);
      write(latin1("\nendobj\n"));
    }
  };
  write(HEADER);
  fonts.objects.forEach((bytes, i) => {
    offsets[fonts.regularRef + i] = at;
    write(bytes);
  });
  const prefix = chunks.length;
  const first = fonts.regularRef + fonts.objects.length;
  const kids: string[] = [];
  pages.forEach((ops, i) => {
    // Level 1: a third of the time of the default 6 for ~12% more bytes on a page (a scorecard with its
    // ledger has ~13 pages; the fonts are still most of the file).
    const stream = deflateSync(latin1(content(ops, height)), { level: 1 });
    const contentRef = first + 2 * i;
    const pageRef = contentRef + 1;
    object(contentRef, [
      latin1(`<</Filter/FlateDecode/Length ${stream.length}>>\nstream\n`),
      stream,
      latin1("\nendstream"),
    ]);
    object(
      pageRef,
      `<</Type/Page/Parent 2 0 R/MediaBox[0 0 ${num(width)} ${num(height)}]` +
        `/Resources<</Font<</F1 ${fonts.regularRef} 0 R/F2 ${fonts.boldRef} 0 R>>>>/Contents ${contentRef} 0 R>>`,
    );
    kids.push(`${pageRef} 0 R`);
  });
  object(2, `<</Type/Pages/Kids[${kids.join(" ")}]/Count ${pages.length}>>`);
  object(1, "<</Type/Catalog/Pages 2 0 R>>");
  object(3, `<</Title ${textString(doc.title)}/Producer ${textString(doc.author ?? "chiso")}>>`);
  const size = first + 2 * pages.length;
  const hash = prefixHash(fonts).copy();
  for (let i = prefix; i < chunks.length; i++) hash.update(chunks[i] as Uint8Array);
  const id = hash.digest("hex").toUpperCase();
  const xref = [`xref\n0 ${size}\n0000000000 65535 f \n`];
  for (let n = 1; n < size; n++) xref.push(`${String(offsets[n] ?? 0).padStart(10, "0")} 00000 n \n`);
  const startxref = at;
  write(
    latin1(
      `${xref.join("")}trailer\n<</Size ${size}/Root 1 0 R/Info 3 0 R/ID[<${id}><${id}>]>>\nstartxref\n${startxref}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(chunks);
}
