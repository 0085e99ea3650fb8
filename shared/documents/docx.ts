/**
 * A direct WordprocessingML writer for the document model (see pdf.ts for why it is hand-written),
 * zipped by zip.ts. Deterministic: fixed part order, fixed zip timestamps, no dates in the core
 * properties, so the same model gives the same bytes.
 *
 * Layout in Word's terms: A4 with the margins of Decree 30/2020, Times New Roman (Tinos in the PDF is
 * metric-compatible), side-by-side columns as a borderless fixed-layout table, tables with a fixed grid,
 * repeated header rows (w:tblHeader) and rows that do not split (w:cantSplit).
 */
import type { Align, Block, Cell, Columns, DocumentModel, Inline, Paragraph, Table } from "./model.ts";
import { embeddedFonts, textWidth } from "./pdf-font.ts";
import { zip } from "./zip.ts";

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Twentieths of a point per millimetre. */
const TW_MM = 1440 / 25.4;
const MARGIN = {
  top: Math.round(20 * TW_MM),
  bottom: Math.round(20 * TW_MM),
  left: Math.round(30 * TW_MM),
  right: Math.round(15 * TW_MM),
};
const A4 = { w: 11906, h: 16838 };

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const SPECIAL = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

export function escapeXml(text: string): string {
  const s = text.normalize("NFC");
  if (!SPECIAL.test(s)) return s;
  return (
    s
      // Characters XML 1.0 cannot carry at all.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

const JC: Record<Align, string> = { left: "left", center: "center", right: "right", justify: "both" };
const half = (pt: number): number => Math.round(pt * 2);
const tw = (pt: number): number => Math.round(pt * 20);

const BREAK = "<w:br/>";
const T_OPEN = '<w:t xml:space="preserve">';
/** `<w:rPr>` by bold, italic and size (a few combinations recur in every cell). */
const properties = new Map<string, string>();

function rPr(b: boolean, i: boolean, size: number | undefined): string {
  const key = `${b ? 1 : 0}${i ? 1 : 0}${size ?? ""}`;
  let out = properties.get(key);
  if (out === undefined) {
    const sz = size === undefined ? "" : `<w:sz w:val="${half(size)}"/><w:szCs w:val="${half(size)}"/>`;
    out = b || i || sz ? `<w:rPr>${b ? "<w:b/><w:bCs/>" : ""}${i ? "<w:i/><w:iCs/>" : ""}${sz}</w:rPr>` : "";
    properties.set(key, out);
  }
  return out;
}

function run(text: string, b: boolean, i: boolean, size: number | undefined): string {
  let out = `<w:r>${rPr(b, i, size)}`;
  let from = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", from)) {
    out += `${T_OPEN}${escapeXml(text.slice(from, at))}</w:t>${BREAK}`;
    from = at + 1;
  }
  return `${out}${T_OPEN}${escapeXml(text.slice(from))}</w:t></w:r>`;
}

function runs(inline: Inline, bold: boolean, italic: boolean, size: number | undefined): string {
  if (typeof inline === "string") return run(inline, bold, italic, size);
  let out = "";
  for (const r of inline) out += run(r.text, r.bold ?? bold, r.italic ?? italic, size);
  return out;
}

const plain = (inline: Inline): string =>
  (typeof inline === "string" ? inline : inline.map((r) => r.text).join("")).normalize("NFC");

/** An empty paragraph exactly `pt` high (space around tables and column blocks). */
const spacer = (pt: number): string =>
  `<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="${Math.max(20, tw(pt))}" w:lineRule="exact"/>` +
  `<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>`;

/** `width` is the paragraph's line in twips: the rule's length and position are computed from it. */
function paragraph(p: Paragraph, docSize: number, width: number): string {
  const spacing =
    p.spaceBefore || p.spaceAfter
      ? `<w:spacing w:before="${tw(p.spaceBefore ?? 0)}" w:after="${tw(p.spaceAfter ?? 0)}"/>`
      : "";
  const jc = p.align ? `<w:jc w:val="${JC[p.align]}"/>` : "";
  const out = [`<w:p><w:pPr>${p.rule ? "<w:keepNext/>" : ""}${spacing}${jc}</w:pPr>`];
  out.push(runs(p.text, p.bold ?? false, p.italic ?? false, p.size), "</w:p>");
  if (p.rule) {
    // A short line under the text (Decree 30/2020): an empty paragraph's bottom border, narrowed by indents.
    const size = p.size ?? docSize;
    const font = p.bold ? embeddedFonts().bold : embeddedFonts().regular;
    const text = tw(textWidth(font, plain(p.text), size));
    const len = text <= width * 0.75 ? text : Math.round(width / 3);
    const free = Math.max(0, width - len);
    const left = p.align === "center" ? Math.round(free / 2) : p.align === "right" ? free : 0;
    out.push(
      `<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/></w:pBdr>` +
        `<w:spacing w:before="0" w:after="${tw(4)}" w:line="40" w:lineRule="exact"/>` +
        `<w:ind w:left="${left}" w:right="${free - left}"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>`,
    );
  }
  return out.join("");
}

/** Twips per column, summing exactly to `total`. */
function grid(relative: readonly number[], total: number): number[] {
  const sum = relative.reduce((s, w) => s + w, 0) || 1;
  const out = relative.map((w) => Math.floor((total * w) / sum));
  const rest = total - out.reduce((s, w) => s + w, 0);
  if (out.length > 0) out[out.length - 1] = (out[out.length - 1] ?? 0) + rest;
  return out;
}

const NO_BORDERS = ["top", "left", "bottom", "right", "insideH", "insideV"]
  .map((side) => `<w:${side} w:val="nil"/>`)
  .join("");
const BORDERS = ["top", "left", "bottom", "right", "insideH", "insideV"]
  .map((side) => `<w:${side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>`)
  .join("");

function tableStart(widths: readonly number[], borders: string, padding: number): string {
  const total = widths.reduce((s, w) => s + w, 0);
  return (
    // Children in the schema's order (Word rejects a tblPr out of order).
    `<w:tbl><w:tblPr><w:tblW w:w="${total}" w:type="dxa"/><w:tblBorders>${borders}</w:tblBorders>` +
    `<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="${padding}" w:type="dxa"/>` +
    `<w:left w:w="${padding}" w:type="dxa"/><w:bottom w:w="${padding}" w:type="dxa"/>` +
    `<w:right w:w="${padding}" w:type="dxa"/></w:tblCellMar>` +
    `<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>` +
    `</w:tblPr><w:tblGrid>${widths.map((w) => `<w:gridCol w:w="${w}"/>`).join("")}</w:tblGrid>`
  );
}

function columns(block: Columns, docSize: number, width: number): string {
  const widths = grid(
    block.columns.map((c) => c.width),
    width,
  );
  const cells = block.columns.map((column, i) => {
    const w = widths[i] ?? 0;
    const body = column.blocks.map((p) => paragraph(p, docSize, w)).join("") || "<w:p/>";
    return `<w:tc><w:tcPr><w:tcW w:w="${w}" w:type="dxa"/></w:tcPr>${body}</w:tc>`;
  });
  return `${tableStart(widths, NO_BORDERS, 0)}<w:tr><w:trPr><w:cantSplit/></w:trPr>${cells.join("")}</w:tr></w:tbl>${spacer(block.spaceAfter ?? 1)}`;
}

function row(
  cells: readonly Cell[],
  t: Table,
  widths: readonly number[],
  size: number,
  header: boolean,
): string {
  let out = `<w:tr><w:trPr><w:cantSplit/>${header ? "<w:tblHeader/>" : ""}</w:trPr>`;
  let col = 0;
  for (const cell of cells) {
    const span = Math.max(1, cell.span ?? 1);
    let w = 0;
    for (let i = col; i < Math.min(col + span, widths.length); i++) w += widths[i] ?? 0;
    const align = cell.align ?? t.columns[col]?.align;
    const jc = align ? `<w:jc w:val="${JC[align]}"/>` : "";
    out +=
      `<w:tc><w:tcPr><w:tcW w:w="${w}" w:type="dxa"/>${span > 1 ? `<w:gridSpan w:val="${span}"/>` : ""}` +
      `<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>${jc}</w:pPr>` +
      `${runs(cell.text, cell.bold ?? false, false, size)}</w:p></w:tc>`;
    col += span;
  }
  return `${out}</w:tr>`;
}

function table(t: Table, docSize: number, width: number): string {
  const size = t.size ?? docSize - 1;
  const widths = grid(
    t.columns.map((c) => c.width),
    width,
  );
  const out = [t.spaceBefore ? spacer(t.spaceBefore) : "", tableStart(widths, BORDERS, tw(3))];
  for (const r of t.header) out.push(row(r, t, widths, size, true));
  for (const r of t.rows) out.push(row(r, t, widths, size, false));
  out.push("</w:tbl>", spacer(t.spaceAfter ?? 1));
  return out.join("");
}

function block(b: Block, docSize: number, width: number): string {
  switch (b.kind) {
    case "paragraph":
      return paragraph(b, docSize, width);
    case "columns":
      return columns(b, docSize, width);
    case "table":
      return table(b, docSize, width);
    case "page-break":
      return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>';
  }
}

function documentXml(doc: DocumentModel, docSize: number): string {
  const landscape = doc.orientation === "landscape";
  const pageW = landscape ? A4.h : A4.w;
  const pageH = landscape ? A4.w : A4.h;
  const width = pageW - MARGIN.left - MARGIN.right;
  const body = doc.blocks.map((b) => block(b, docSize, width)).join("");
  const headers = doc.pageNumbers
    ? '<w:headerReference w:type="default" r:id="rIdHeader"/><w:headerReference w:type="first" r:id="rIdFirst"/>'
    : "";
  const sect =
    `<w:sectPr>${headers}<w:pgSz w:w="${pageW}" w:h="${pageH}"${landscape ? ' w:orient="landscape"' : ""}/>` +
    `<w:pgMar w:top="${MARGIN.top}" w:right="${MARGIN.right}" w:bottom="${MARGIN.bottom}" w:left="${MARGIN.left}"` +
    ` w:header="567" w:footer="567" w:gutter="0"/>${doc.pageNumbers ? "<w:titlePg/>" : ""}</w:sectPr>`;
  return `${XML}<w:document ${W} ${R}><w:body>${body}${sect}</w:body></w:document>`;
}

const PAGE_HEADER =
  `${XML}<w:hdr ${W} ${R}><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r>` +
  `<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>` +
  `<w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`;
const EMPTY_HEADER = `${XML}<w:hdr ${W} ${R}><w:p/></w:hdr>`;

function stylesXml(docSize: number): string {
  const font = "Times New Roman";
  return (
    `${XML}<w:styles ${W}><w:docDefaults><w:rPrDefault><w:rPr>` +
    `<w:rFonts w:ascii="${font}" w:hAnsi="${font}" w:eastAsia="${font}" w:cs="${font}"/>` +
    `<w:sz w:val="${half(docSize)}"/><w:szCs w:val="${half(docSize)}"/>` +
    `<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
    `<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>` +
    `</w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>` +
    `<w:qFormat/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal">` +
    `<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>` +
    `<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>` +
    `<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>`
  );
}

const SETTINGS =
  `${XML}<w:settings ${W}><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>` +
  `<w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" ` +
  `w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`;

const CT = "application/vnd.openxmlformats-officedocument";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

function contentTypes(headers: boolean): string {
  const o = (part: string, type: string): string => `<Override PartName="${part}" ContentType="${type}"/>`;
  return (
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
    `<Default Extension="xml" ContentType="application/xml"/>` +
    o("/word/document.xml", `${CT}.wordprocessingml.document.main+xml`) +
    o("/word/styles.xml", `${CT}.wordprocessingml.styles+xml`) +
    o("/word/settings.xml", `${CT}.wordprocessingml.settings+xml`) +
    (headers
      ? o("/word/header1.xml", `${CT}.wordprocessingml.header+xml`) +
        o("/word/header2.xml", `${CT}.wordprocessingml.header+xml`)
      : "") +
    o("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml") +
    "</Types>"
  );
}

const rel = (id: string, type: string, target: string): string =>
  `<Relationship Id="${id}" Type="${type}" Target="${target}"/>`;
const RELS_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"';

export function renderDocx(doc: DocumentModel): Uint8Array {
  const docSize = doc.size ?? 13;
  const headers = doc.pageNumbers === true;
  const files: Record<string, string> = {
    "[Content_Types].xml": contentTypes(headers),
    "_rels/.rels":
      `${XML}<Relationships ${RELS_NS}>${rel("rId1", `${REL}/officeDocument`, "word/document.xml")}` +
      `${rel("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml")}</Relationships>`,
    "docProps/core.xml":
      `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
      `xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${escapeXml(doc.title)}</dc:title>` +
      `<dc:creator>${escapeXml(doc.author ?? "chiso")}</dc:creator></cp:coreProperties>`,
    "word/document.xml": documentXml(doc, docSize),
    "word/styles.xml": stylesXml(docSize),
    "word/settings.xml": SETTINGS,
    "word/_rels/document.xml.rels":
      `${XML}<Relationships ${RELS_NS}>${rel("rIdStyles", `${REL}/styles`, "styles.xml")}` +
      rel("rIdSettings", `${REL}/settings`, "settings.xml") +
      (headers
        ? rel("rIdHeader", `${REL}/header`, "header1.xml") + rel("rIdFirst", `${REL}/header`, "header2.xml")
        : "") +
      "</Relationships>",
  };
  if (headers) {
    files["word/header1.xml"] = PAGE_HEADER;
    files["word/header2.xml"] = EMPTY_HEADER;
  }
  // Level 1: document.xml is ~200 KB of repetitive markup; level 6 took 3.5× the time for 18% less.
  return zip(Object.entries(files), SHARED_PARTS, 1);
}

/** Parts whose text is the same in most documents: compressed once per process. */
const SHARED_PARTS = new Set([
  "[Content_Types].xml",
  "_rels/.rels",
  "word/styles.xml",
  "word/settings.xml",
  "word/_rels/document.xml.rels",
  "word/header1.xml",
  "word/header2.xml",
]);
