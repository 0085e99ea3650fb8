/**
 * Layout of a DocumentModel into pages of drawing operations for the PDF writer (pdf.ts): greedy word
 * wrap, paragraphs that split between lines, side-by-side columns, tables whose rows never split (unless
 * a row is taller than a page) and whose header rows repeat on every page.
 *
 * Coordinates here run from the page's top-left corner downwards, in points; pdf.ts flips them.
 * "justify" is laid out as "left": the documents are short lines and tables, and a ragged right edge
 * reads as well as stretched spaces in them.
 */
import type { Align, Block, Cell, Columns, DocumentModel, Inline, Paragraph, Table } from "./model.ts";
import { advances, embeddedFonts, type FontMetrics, textWidth } from "./pdf-font.ts";

export type Op =
  | { kind: "text"; x: number; y: number; size: number; bold: boolean; italic: boolean; text: string }
  | { kind: "line"; x1: number; y1: number; x2: number; y2: number }
  | { kind: "rect"; x: number; y: number; w: number; h: number };

export interface LaidOut {
  width: number;
  height: number;
  pages: Op[][];
}

const MM = 72 / 25.4;
/** Decree 30/2020: top and bottom 20 mm, left 30 mm, right 15 mm. */
export const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM } as const;
const A4 = { width: 595.28, height: 841.89 } as const;
const LINE_HEIGHT = 1.2;
const CELL_PADDING = 3;
/** Gap between a paragraph's last line and its rule, and below the rule. */
const RULE_GAP = 2;

interface Style {
  bold: boolean;
  italic: boolean;
}
interface Fragment extends Style {
  text: string;
  x: number;
}
interface Line {
  fragments: Fragment[];
  width: number;
}
/** A piece of a word in one style; `units` is its advance in font units (its width at any size). */
interface Part extends Style {
  text: string;
  units: number;
}
interface Word {
  parts: Part[];
  width: number;
  /** Style of the space before the word; undefined when none. */
  space?: Style;
  breakBefore: boolean;
}

const font = (s: Style): FontMetrics => (s.bold ? embeddedFonts().bold : embeddedFonts().regular);

/**
 * The words of an inline, scanned by UTF-16 code unit against the font's advance table (a low
 * surrogate advances 0, so a character outside the BMP counts once): this runs for every cell of every
 * scorecard, so it slices runs of word characters instead of building words character by character.
 */
function words(inline: Inline, base: Style, size: number): Word[] {
  const runs = typeof inline === "string" ? [{ text: inline }] : inline;
  const out: Word[] = [];
  let current: Word | undefined;
  let space: Style | undefined;
  let breakBefore = false;
  for (const run of runs) {
    const style: Style = { bold: run.bold ?? base.bold, italic: run.italic ?? base.italic };
    const f = font(style);
    const advance = advances(f);
    const em = f.unitsPerEm;
    const text = run.text.normalize("NFC");
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        if (current) out.push(current);
        current = undefined;
        space = style;
        i++;
        continue;
      }
      if (c === 10) {
        if (current) out.push(current);
        current = undefined;
        if (breakBefore) out.push({ parts: [], width: 0, breakBefore: true });
        breakBefore = true;
        space = undefined;
        i++;
        continue;
      }
      if (!current) {
        current = space ? { parts: [], width: 0, breakBefore, space } : { parts: [], width: 0, breakBefore };
        breakBefore = false;
        space = undefined;
      }
      let units = 0;
      let width = current.width;
      let j = i;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 32 || d === 9 || d === 10) break;
        const a = advance[d] ?? 0;
        units += a;
        // Summed per character, as the word was measured before (the wrap decisions stay the same).
        width += (a * size) / em;
      }
      current.width = width;
      const piece = text.slice(i, j);
      const last = current.parts[current.parts.length - 1];
      if (last && last.bold === style.bold && last.italic === style.italic) {
        last.text += piece;
        last.units += units;
      } else current.parts.push({ bold: style.bold, italic: style.italic, text: piece, units });
      i = j;
    }
  }
  if (current) out.push(current);
  return out;
}

/** A word wider than the line, cut by characters into pieces that fit. */
function splitWord(word: Word, max: number, size: number): Word[] {
  const out: Word[] = [];
  let piece: Word = {
    parts: [],
    width: 0,
    breakBefore: word.breakBefore,
    ...(word.space ? { space: word.space } : {}),
  };
  for (const part of word.parts) {
    const f = font(part);
    for (const ch of part.text) {
      const units = textWidth(f, ch, f.unitsPerEm);
      const w = textWidth(f, ch, size);
      if (piece.width + w > max && piece.width > 0) {
        out.push(piece);
        piece = { parts: [], width: 0, breakBefore: false };
      }
      const last = piece.parts[piece.parts.length - 1];
      if (last && last.bold === part.bold && last.italic === part.italic) {
        last.text += ch;
        last.units += units;
      } else piece.parts.push({ bold: part.bold, italic: part.italic, text: ch, units });
      piece.width += w;
    }
  }
  out.push(piece);
  return out;
}

function pushFragment(line: Line, text: string, style: Style, width: number): void {
  const last = line.fragments[line.fragments.length - 1];
  if (last && last.bold === style.bold && last.italic === style.italic) last.text += text;
  else line.fragments.push({ bold: style.bold, italic: style.italic, text, x: line.width });
  line.width += width;
}

/**
 * The lines of the texts wrapped before, by style, size, width and text: the 4,000 scorecards of a
 * publication repeat the same indicator names and headings in the same columns, so most wraps are
 * looked up. The lines are never changed once made. Emptied when it grows past WRAPPED_MAX.
 */
const wrapped = new Map<string, Line[]>();
const WRAPPED_MAX = 50_000;

/** Greedy word wrap at spaces (and at "\n"); at least one line, possibly empty. */
export function wrap(inline: Inline, base: Style, size: number, max: number): Line[] {
  if (typeof inline !== "string") return wrapRuns(inline, base, size, max);
  const key = `${base.bold ? 1 : 0}${base.italic ? 1 : 0} ${size} ${max} ${inline}`;
  let lines = wrapped.get(key);
  if (!lines) {
    if (wrapped.size >= WRAPPED_MAX) wrapped.clear();
    lines = wrapRuns(inline, base, size, max);
    wrapped.set(key, lines);
  }
  return lines;
}

function wrapRuns(inline: Inline, base: Style, size: number, max: number): Line[] {
  if (typeof inline === "string" && !/[\n\t]/.test(inline)) {
    // Most table cells: one style, one line.
    const text = inline.normalize("NFC");
    const width = textWidth(font(base), text, size);
    if (width <= max) return [{ fragments: [{ bold: base.bold, italic: base.italic, text, x: 0 }], width }];
  }
  const lines: Line[] = [];
  let line: Line = { fragments: [], width: 0 };
  for (const whole of words(inline, base, size)) {
    if (whole.breakBefore) {
      lines.push(line);
      line = { fragments: [], width: 0 };
    }
    for (const word of whole.width > max ? splitWord(whole, max, size) : [whole]) {
      const space = line.fragments.length > 0 && word.space ? textWidth(font(word.space), " ", size) : 0;
      if (line.fragments.length > 0 && line.width + space + word.width > max) {
        lines.push(line);
        line = { fragments: [], width: 0 };
      } else if (space > 0 && word.space) pushFragment(line, " ", word.space, space);
      for (const part of word.parts) {
        const em = font(part).unitsPerEm;
        pushFragment(line, part.text, part, (part.units * size) / em);
      }
    }
  }
  lines.push(line);
  return lines;
}

/** A slice of the flow: ops relative to its top-left corner. `space` boxes vanish at the top of a page. */
interface Box {
  height: number;
  ops: Op[];
  space?: boolean;
}

function baseline(size: number): number {
  const f = embeddedFonts().regular;
  const glyphHeight = ((f.ascender - f.descender) * size) / f.unitsPerEm;
  return (size * LINE_HEIGHT - glyphHeight) / 2 + (f.ascender * size) / f.unitsPerEm;
}

function alignOffset(align: Align | undefined, free: number): number {
  if (align === "center") return free / 2;
  if (align === "right") return free;
  return 0;
}

function lineOps(line: Line, x: number, y: number, size: number, out: Op[]): void {
  for (const f of line.fragments) {
    if (f.text === "") continue;
    out.push({ kind: "text", x: x + f.x, y, size, bold: f.bold, italic: f.italic, text: f.text });
  }
}

function paragraphBoxes(p: Paragraph, width: number, docSize: number): Box[] {
  const size = p.size ?? docSize;
  const lh = size * LINE_HEIGHT;
  const lines = wrap(p.text, { bold: p.bold ?? false, italic: p.italic ?? false }, size, width);
  const boxes: Box[] = [];
  if (p.spaceBefore) boxes.push({ height: p.spaceBefore, ops: [], space: true });
  for (const line of lines) {
    const ops: Op[] = [];
    lineOps(line, alignOffset(p.align, width - line.width), baseline(size), size, ops);
    boxes.push({ height: lh, ops });
  }
  if (p.rule) {
    // Decree 30/2020: a short line under the motto (as wide as it) and under the issuing body.
    const last = lines[lines.length - 1] ?? { width: 0 };
    const len = last.width <= width * 0.75 ? last.width : width / 3;
    const mid = alignOffset(p.align, width - last.width) + last.width / 2;
    boxes.push({
      height: 2 * RULE_GAP,
      ops: [{ kind: "line", x1: mid - len / 2, y1: RULE_GAP, x2: mid + len / 2, y2: RULE_GAP }],
    });
  }
  if (p.spaceAfter) boxes.push({ height: p.spaceAfter, ops: [], space: true });
  return boxes;
}

/** Copies `ops` moved by (dx, dy) into `out` (boxes may be placed more than once: header rows). */
function shift(ops: readonly Op[], dx: number, dy: number, out: Op[]): void {
  for (const op of ops) {
    if (op.kind === "text")
      out.push({
        kind: "text",
        x: op.x + dx,
        y: op.y + dy,
        size: op.size,
        bold: op.bold,
        italic: op.italic,
        text: op.text,
      });
    else if (op.kind === "line")
      out.push({ kind: "line", x1: op.x1 + dx, y1: op.y1 + dy, x2: op.x2 + dx, y2: op.y2 + dy });
    else out.push({ kind: "rect", x: op.x + dx, y: op.y + dy, w: op.w, h: op.h });
  }
}

function columnsBox(block: Columns, width: number, docSize: number): Box {
  const total = block.columns.reduce((s, c) => s + c.width, 0) || 1;
  const ops: Op[] = [];
  let x = 0;
  let height = 0;
  for (const column of block.columns) {
    const w = (width * column.width) / total;
    let y = 0;
    for (const p of column.blocks) {
      for (const box of paragraphBoxes(p, w, docSize)) {
        shift(box.ops, x, y, ops);
        y += box.height;
      }
    }
    height = Math.max(height, y);
    x += w;
  }
  return { height: height + (block.spaceAfter ?? 0), ops };
}

/**
 * A row as boxes: one, or, when it is taller than `max` (a page less the header rows), slices of its
 * lines: the first fills `room` (what is left of the current page), the others `max`.
 */
function rowBoxes(
  row: readonly Cell[],
  table: Table,
  widths: readonly number[],
  size: number,
  max: number,
  room = max,
): Box[] {
  const lh = size * LINE_HEIGHT;
  const cells: { x: number; w: number; lines: Line[]; align: Align | undefined }[] = [];
  let col = 0;
  let x = 0;
  for (const cell of row) {
    const span = Math.max(1, cell.span ?? 1);
    let w = 0;
    for (let i = col; i < Math.min(col + span, widths.length); i++) w += widths[i] ?? 0;
    const style = { bold: cell.bold ?? false, italic: false };
    const lines = wrap(cell.text, style, size, Math.max(1, w - 2 * CELL_PADDING));
    cells.push({ x, w, lines, align: cell.align ?? table.columns[col]?.align });
    col += span;
    x += w;
  }
  const most = Math.max(1, ...cells.map((c) => c.lines.length));
  const whole = most * lh + 2 * CELL_PADDING <= max;
  const perSlice = whole ? most : Math.max(1, Math.floor((max - 2 * CELL_PADDING) / lh));
  const firstSlice = whole ? most : Math.floor((room - 2 * CELL_PADDING) / lh) || perSlice;
  const boxes: Box[] = [];
  for (let from = 0; from < most; ) {
    const count = Math.min(from === 0 ? Math.max(1, firstSlice) : perSlice, most - from);
    const height = count * lh + 2 * CELL_PADDING;
    const ops: Op[] = [];
    for (const c of cells) {
      ops.push({ kind: "rect", x: c.x, y: 0, w: c.w, h: height });
      const slice = c.lines.slice(from, from + count);
      // Vertically centred in a whole row; a split row's slices start at the top.
      const top = whole ? (height - slice.length * lh) / 2 : CELL_PADDING;
      slice.forEach((line, i) => {
        const free = c.w - 2 * CELL_PADDING - line.width;
        lineOps(
          line,
          c.x + CELL_PADDING + alignOffset(c.align, free),
          top + i * lh + baseline(size),
          size,
          ops,
        );
      });
    }
    boxes.push({ height, ops });
    from += count;
  }
  return boxes;
}

export function layout(doc: DocumentModel): LaidOut {
  const landscape = doc.orientation === "landscape";
  const pageW = landscape ? A4.height : A4.width;
  const pageH = landscape ? A4.width : A4.height;
  const usableW = pageW - MARGIN.left - MARGIN.right;
  const bottom = pageH - MARGIN.bottom;
  const docSize = doc.size ?? 13;
  const pages: Op[][] = [[]];
  let y = MARGIN.top;
  const atTop = (): boolean => y <= MARGIN.top + 0.001;
  const newPage = (): void => {
    pages.push([]);
    y = MARGIN.top;
  };
  const place = (box: Box): void => {
    if (box.space) {
      if (!atTop()) y += box.height;
      return;
    }
    if (y + box.height > bottom + 0.001 && !atTop()) newPage();
    shift(box.ops, MARGIN.left, y, pages[pages.length - 1] as Op[]);
    y += box.height;
  };
  const placeTable = (t: Table): void => {
    const size = t.size ?? docSize - 1;
    const total = t.columns.reduce((s, c) => s + c.width, 0) || 1;
    const widths = t.columns.map((c) => (usableW * c.width) / total);
    const full = bottom - MARGIN.top;
    const headers = t.header.flatMap((r) => rowBoxes(r, t, widths, size, Number.POSITIVE_INFINITY));
    const headerH = headers.reduce((s, b) => s + b.height, 0);
    const max = Math.max(size * 2 * LINE_HEIGHT, full - headerH);
    if (t.spaceBefore) place({ height: t.spaceBefore, ops: [], space: true });
    const first = t.rows[0];
    const firstH = first ? Math.min(rowBoxes(first, t, widths, size, max)[0]?.height ?? 0, max / 2) : 0;
    if (y + headerH + firstH > bottom && !atTop()) newPage();
    for (const h of headers) place(h);
    for (const row of t.rows) {
      // Measured here, where the room left on the page is known (a row taller than a page starts on it).
      for (const box of rowBoxes(row, t, widths, size, max, bottom - y)) {
        if (y + box.height > bottom + 0.001) {
          newPage();
          for (const h of headers) place(h);
        }
        place(box);
      }
    }
    if (t.spaceAfter) place({ height: t.spaceAfter, ops: [], space: true });
  };
  for (const block of doc.blocks as readonly Block[]) {
    if (block.kind === "paragraph") for (const box of paragraphBoxes(block, usableW, docSize)) place(box);
    else if (block.kind === "columns") place(columnsBox(block, usableW, docSize));
    else if (block.kind === "table") placeTable(block);
    else if (!atTop() || (pages[pages.length - 1]?.length ?? 0) > 0) newPage();
  }
  if (doc.pageNumbers) {
    // Decree 30/2020: the number centred in the top margin, from the second page on.
    pages.forEach((ops, i) => {
      if (i === 0) return;
      const text = String(i + 1);
      const w = textWidth(embeddedFonts().regular, text, docSize);
      ops.push({
        kind: "text",
        x: (pageW - w) / 2,
        y: MARGIN.top / 2 + docSize / 3,
        size: docSize,
        bold: false,
        italic: false,
        text,
      });
    });
  }
  return { width: pageW, height: pageH, pages };
}
