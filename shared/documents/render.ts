/** The two renderers of the document model: the same DocumentModel as PDF and as DOCX. */

import { renderDocx as docx } from "./docx.ts";
import type { DocumentModel } from "./model.ts";
import { renderPdf as pdf } from "./pdf.ts";

export function renderPdf(doc: DocumentModel): Uint8Array {
  return pdf(doc);
}

export function renderDocx(doc: DocumentModel): Uint8Array {
  return docx(doc);
}
