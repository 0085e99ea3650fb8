import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * poppler-utils (pdftotext, pdftoppm) read the published PDFs back in the document tests. Missing, a
 * test fails saying how to install them (as .ci/run does), rather than being skipped.
 */
export const POPPLER_INSTALL = "apt-get update && apt-get install -y poppler-utils";

export function requirePoppler(): void {
  for (const tool of ["pdftotext", "pdftoppm"])
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
      throw new Error(`${tool} is missing: install poppler-utils (${POPPLER_INSTALL})`);
}

/** A PDF's text as pdftotext -layout prints it (columns kept on their lines). */
export function pdfText(pdf: Uint8Array): string {
  requirePoppler();
  return execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", "-", "-"], {
    input: pdf,
    maxBuffer: 64 << 20,
  }).toString("utf8");
}

/** Page `page` of a PDF as a PNG at `dpi` (pdftoppm), its bytes. */
export function pdfPagePng(pdf: Uint8Array, page = 1, dpi = 60): Buffer {
  requirePoppler();
  const dir = mkdtempSync(join(tmpdir(), "chiso-pdf-"));
  try {
    const input = join(dir, "in.pdf");
    writeFileSync(input, pdf);
    const out = join(dir, "page");
    const p = String(page);
    execFileSync("pdftoppm", ["-png", "-r", String(dpi), "-f", p, "-l", p, "-singlefile", input, out]);
    return readFileSync(`${out}.png`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
