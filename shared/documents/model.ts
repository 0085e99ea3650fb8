/**
 * A small document model for the official documents (the decision's appendix, each unit's
 * scorecard): paragraphs, side-by-side columns (the issuing body beside the national motto, the
 * signature block) and tables whose header rows repeat on every page. One model, two renderers
 * (pdf.ts, docx.ts), so the PDF and the DOCX of a document say the same thing.
 *
 * Sizes are in points (1/72 inch). Text is NFC Vietnamese; the renderers do the layout.
 */

export type Align = "left" | "center" | "right" | "justify";

/** A run of text in one style. */
export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

/** Plain text, or runs of mixed style on one line-wrapped paragraph. */
export type Inline = string | readonly Run[];

export interface Paragraph {
  kind: "paragraph";
  text: Inline;
  align?: Align;
  /** Font size in points; the document's default when absent. */
  size?: number;
  bold?: boolean;
  italic?: boolean;
  /** Space above and below, in points. */
  spaceBefore?: number;
  spaceAfter?: number;
  /** A short centred line under the paragraph (under the motto and the issuing body, as Decree 30/2020 lays them out). */
  rule?: boolean;
}

export interface Cell {
  text: Inline;
  align?: Align;
  bold?: boolean;
  /** Columns this cell spans (1 when absent). */
  span?: number;
}

export interface Column {
  /** Relative width: each column gets width / Σ widths of the usable line. */
  width: number;
  /** The column's default alignment (numbers right, names left). */
  align?: Align;
}

export interface Table {
  kind: "table";
  columns: readonly Column[];
  /** Header rows, repeated at the top of every page the table runs onto. */
  header: readonly (readonly Cell[])[];
  rows: readonly (readonly Cell[])[];
  /** Font size of the table's text in points; the document's default less one when absent. */
  size?: number;
  spaceBefore?: number;
  spaceAfter?: number;
}

/** Blocks side by side, each in its share of the line (the header and signature blocks). */
export interface Columns {
  kind: "columns";
  columns: readonly { width: number; blocks: readonly Paragraph[] }[];
  spaceAfter?: number;
}

export interface PageBreak {
  kind: "page-break";
}

export type Block = Paragraph | Table | Columns | PageBreak;

export interface DocumentModel {
  /** The document's title (PDF metadata, DOCX core properties). */
  title: string;
  /** Who made it (PDF Producer / DOCX creator): "chiso". */
  author?: string;
  orientation: "portrait" | "landscape";
  /** Default font size in points (13 as Decree 30/2020 asks for the body). */
  size?: number;
  /** Page numbers centred at the top from the second page on (Decree 30/2020). */
  pageNumbers?: boolean;
  blocks: readonly Block[];
}
