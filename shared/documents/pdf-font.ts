/**
 * The two embedded fonts of the PDF renderer (Tinos Regular and Bold, metric-compatible with Times New
 * Roman): parsed once per process, lazily, and turned once into the bytes of their PDF objects (Type0,
 * Identity-H, CIDFontType2 with CIDToGIDMap /Identity, a W array, a descriptor, the whole TTF as
 * FontFile2 and a ToUnicode CMap). Every PDF copies those bytes at fixed object numbers.
 */
import { deflateSync } from "node:zlib";
import { TINOS_BOLD, TINOS_REGULAR } from "./fonts/tinos.ts";

export interface FontMetrics {
  readonly name: string;
  readonly unitsPerEm: number;
  readonly ascender: number;
  readonly descender: number;
  /** Advance width of each glyph id, in font units. */
  readonly advances: Uint16Array;
  /** Unicode code point → glyph id. */
  readonly cmap: ReadonlyMap<number, number>;
  /** Glyph drawn for a character the font lacks ("?"). */
  readonly fallback: number;
}

interface Parsed extends FontMetrics {
  readonly ttf: Uint8Array;
  readonly italicAngle: number;
  readonly capHeight: number;
  readonly bbox: readonly [number, number, number, number];
}

function parseTtf(ttf: Uint8Array, name: string): Parsed {
  const v = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  const tables = new Map<string, number>();
  const numTables = v.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(ttf[at] ?? 0, ttf[at + 1] ?? 0, ttf[at + 2] ?? 0, ttf[at + 3] ?? 0);
    tables.set(tag, v.getUint32(at + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new Error(`font ${name}: no ${tag} table`);
    return at;
  };
  const head = table("head");
  const unitsPerEm = v.getUint16(head + 18);
  const bbox = [
    v.getInt16(head + 36),
    v.getInt16(head + 38),
    v.getInt16(head + 40),
    v.getInt16(head + 42),
  ] as const;
  const hhea = table("hhea");
  const ascender = v.getInt16(hhea + 4);
  const descender = v.getInt16(hhea + 6);
  const numberOfHMetrics = v.getUint16(hhea + 34);
  const numGlyphs = v.getUint16(table("maxp") + 4);
  const hmtx = table("hmtx");
  const advances = new Uint16Array(numGlyphs);
  for (let g = 0; g < numGlyphs; g++) {
    advances[g] = v.getUint16(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));
  }
  const post = tables.get("post");
  const italicAngle = post === undefined ? 0 : v.getInt32(post + 4) / 65536;
  const os2 = tables.get("OS/2");
  const capHeight = os2 !== undefined && v.getUint16(os2) >= 2 ? v.getInt16(os2 + 88) : ascender;
  const cmap = parseCmap(v, table("cmap"));
  return {
    name,
    ttf,
    unitsPerEm,
    ascender,
    descender,
    advances,
    cmap,
    fallback: cmap.get(0x3f) ?? 0,
    italicAngle,
    capHeight,
    bbox,
  };
}

/** The Unicode subtable: format 12 (full Unicode) when present, else format 4 (the BMP). */
function parseCmap(v: DataView, cmap: number): Map<number, number> {
  const out = new Map<number, number>();
  let best = -1;
  let bestFormat = 0;
  const count = v.getUint16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const platform = v.getUint16(cmap + 4 + 8 * i);
    const encoding = v.getUint16(cmap + 6 + 8 * i);
    const at = cmap + v.getUint32(cmap + 8 + 8 * i);
    const format = v.getUint16(at);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (unicode && (format === 12 || (format === 4 && bestFormat !== 12))) {
      best = at;
      bestFormat = format;
    }
  }
  if (best < 0) throw new Error("font: no Unicode cmap");
  if (bestFormat === 12) {
    const groups = v.getUint32(best + 12);
    for (let i = 0; i < groups; i++) {
      const g = best + 16 + 12 * i;
      const start = v.getUint32(g);
      const end = v.getUint32(g + 4);
      const gid = v.getUint32(g + 8);
      for (let c = start; c <= end; c++) out.set(c, gid + c - start);
    }
    return out;
  }
  const segX2 = v.getUint16(best + 6);
  const ends = best + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  for (let s = 0; s < segX2; s += 2) {
    const end = v.getUint16(ends + s);
    const start = v.getUint16(starts + s);
    const delta = v.getInt16(deltas + s);
    const rangeOffset = v.getUint16(ranges + s);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let gid: number;
      if (rangeOffset === 0) gid = (c + delta) & 0xffff;
      else {
        const raw = v.getUint16(ranges + s + rangeOffset + 2 * (c - start));
        gid = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (gid !== 0) out.set(c, gid);
    }
  }
  return out;
}

const latin1 = (s: string): Uint8Array => Buffer.from(s, "latin1");

function stream(dict: string, data: Uint8Array): Uint8Array[] {
  return [latin1(`${dict}/Length ${data.length}>>\nstream\n`), data, latin1("\nendstream")];
}

const hex4 = (n: number): string => n.toString(16).padStart(4, "0");

function utf16Hex(cp: number): string {
  if (cp < 0x10000) return hex4(cp);
  const c = cp - 0x10000;
  return hex4(0xd800 + (c >> 10)) + hex4(0xdc00 + (c & 0x3ff));
}

function toUnicodeCmap(font: Parsed): string {
  const byGlyph = new Map<number, number>();
  for (const [cp, gid] of [...font.cmap].sort((a, b) => a[0] - b[0])) {
    if (!byGlyph.has(gid)) byGlyph.set(gid, cp);
  }
  const entries = [...byGlyph].sort((a, b) => a[0] - b[0]);
  const chunks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const part = entries.slice(i, i + 100);
    chunks.push(`${part.length} beginbfchar\n`);
    for (const [gid, cp] of part) chunks.push(`<${hex4(gid)}> <${utf16Hex(cp)}>\n`);
    chunks.push("endbfchar\n");
  }
  return (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" +
    chunks.join("") +
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
  );
}

/** The objects of one font, numbered from `first` (5 objects: Type0, CIDFont, descriptor, file, ToUnicode). */
function fontObjects(font: Parsed, first: number): Uint8Array[][] {
  const [cid, descriptor, file, toUnicode] = [first + 1, first + 2, first + 3, first + 4];
  const scale = 1000 / font.unitsPerEm;
  const s = (n: number): number => Math.round(n * scale);
  const widths = Array.from(font.advances, (w) => s(w)).join(" ");
  const flags = 32 | 2; // nonsymbolic, serif
  return [
    [
      latin1(
        `<</Type/Font/Subtype/Type0/BaseFont/${font.name}/Encoding/Identity-H` +
          `/DescendantFonts[${cid} 0 R]/ToUnicode ${toUnicode} 0 R>>`,
      ),
    ],
    [
      latin1(
        `<</Type/Font/Subtype/CIDFontType2/BaseFont/${font.name}` +
          `/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>` +
          `/FontDescriptor ${descriptor} 0 R/CIDToGIDMap/Identity/DW ${s(font.advances[0] ?? 0)}/W[0[${widths}]]>>`,
      ),
    ],
    [
      latin1(
        `<</Type/FontDescriptor/FontName/${font.name}/Flags ${flags}` +
          `/FontBBox[${font.bbox.map(s).join(" ")}]/ItalicAngle ${font.italicAngle}` +
          `/Ascent ${s(font.ascender)}/Descent ${s(font.descender)}/CapHeight ${s(font.capHeight)}` +
          `/StemV 80/FontFile2 ${file} 0 R>>`,
      ),
    ],
    // Compressed once per process, so at the highest level.
    stream(`<</Filter/FlateDecode/Length1 ${font.ttf.length}`, deflateSync(font.ttf, { level: 9 })),
    stream("<</Filter/FlateDecode", deflateSync(latin1(toUnicodeCmap(font)), { level: 9 })),
  ];
}

export interface EmbeddedFonts {
  readonly regular: FontMetrics;
  readonly bold: FontMetrics;
  /** The bytes of objects FIRST_FONT_OBJECT … FIRST_FONT_OBJECT + 9, each "n 0 obj … endobj\n", in order. */
  readonly objects: readonly Uint8Array[];
  /** Object numbers of the Type0 fonts (the page resources' /F1, /F2). */
  readonly regularRef: number;
  readonly boldRef: number;
}

export const FIRST_FONT_OBJECT = 4;
let cache: EmbeddedFonts | undefined;

export function embeddedFonts(): EmbeddedFonts {
  if (cache) return cache;
  const regular = parseTtf(Buffer.from(TINOS_REGULAR, "base64"), "Tinos");
  const bold = parseTtf(Buffer.from(TINOS_BOLD, "base64"), "Tinos-Bold");
  const objects: Uint8Array[] = [];
  const all = [...fontObjects(regular, FIRST_FONT_OBJECT), ...fontObjects(bold, FIRST_FONT_OBJECT + 5)];
  all.forEach((parts, i) => {
    objects.push(Buffer.concat([latin1(`${FIRST_FONT_OBJECT + i} 0 obj\n`), ...parts, latin1("\nendobj\n")]));
  });
  cache = { regular, bold, objects, regularRef: FIRST_FONT_OBJECT, boldRef: FIRST_FONT_OBJECT + 5 };
  return cache;
}

/** Per UTF-16 code unit: glyph id and advance (a lone surrogate half counts once, as the fallback). */
interface Lookup {
  gid: Uint16Array;
  advance: Uint16Array;
}
const lookups = new WeakMap<FontMetrics, Lookup>();

function lookup(font: FontMetrics): Lookup {
  let l = lookups.get(font);
  if (l) return l;
  const gid = new Uint16Array(0x10000).fill(font.fallback);
  for (const [cp, g] of font.cmap) if (cp < 0x10000) gid[cp] = g;
  // A character outside the BMP is one "?": drawn for its high half, nothing for its low half.
  const advance = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++)
    advance[c] = c >= 0xdc00 && c <= 0xdfff ? 0 : (font.advances[gid[c] ?? 0] ?? 0);
  l = { gid, advance };
  lookups.set(font, l);
  return l;
}

/** Advance in font units per UTF-16 code unit (0 for a low surrogate): for measuring in a loop. */
export function advances(font: FontMetrics): Uint16Array {
  return lookup(font).advance;
}

/** Glyph id per UTF-16 code unit (the "?" glyph where the font has none). */
export function glyphTable(font: FontMetrics): Uint16Array {
  return lookup(font).gid;
}

/** Glyph ids of an NFC string; a character the font lacks becomes its "?" glyph. */
export function glyphs(font: FontMetrics, text: string): number[] {
  const { gid } = lookup(font);
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) continue;
    out.push(gid[c] ?? font.fallback);
  }
  return out;
}

/** Width in points of an NFC string at `size`. */
export function textWidth(font: FontMetrics, text: string, size: number): number {
  const { advance } = lookup(font);
  let units = 0;
  for (let i = 0; i < text.length; i++) units += advance[text.charCodeAt(i)] ?? 0;
  return (units * size) / font.unitsPerEm;
}
