import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { Cell, DocumentModel, Table } from "../../../shared/documents/model.ts";
import { renderDocx, renderPdf } from "../../../shared/documents/render.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "chiso-pdf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

/** Runs a poppler tool on the PDF; its stderr must be empty (no warning about the file). */
async function poppler(tool: string, pdf: Uint8Array, ...args: string[]): Promise<string> {
  const file = join(dir, `${++count}.pdf`);
  writeFileSync(file, pdf);
  const last = tool === "pdftotext" ? [file, "-"] : [file];
  try {
    const { stdout, stderr } = await run(tool, [...args, ...last], { maxBuffer: 64 << 20 });
    expect(stderr).toBe("");
    return stdout;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("install poppler-utils: apt-get install -y poppler-utils");
    }
    throw e;
  }
}

const pages = async (pdf: Uint8Array): Promise<number> =>
  Number(/^Pages:\s+(\d+)/m.exec(await poppler("pdfinfo", pdf))?.[1]);

const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

function scorecard(rows: number, extra: Partial<DocumentModel> = {}): DocumentModel {
  const table: Table = {
    kind: "table",
    columns: [
      { width: 1, align: "center" },
      { width: 6 },
      { width: 2, align: "right" },
      { width: 2, align: "right" },
    ],
    header: [
      [{ text: "TT" }, { text: "Tên đơn vị" }, { text: "Điểm", span: 2 }],
      [{ text: "" }, { text: "" }, { text: "Đạt được" }, { text: "Tối đa", bold: true }],
    ],
    rows: Array.from({ length: rows }, (_, i): Cell[] => [
      { text: String(i + 1) },
      { text: `Đơn vị thứ ${String(i + 1).padStart(3, "0")} của tỉnh` },
      { text: "12,50" },
      { text: "20" },
    ]),
  };
  return {
    title: "Phiếu điểm chỉ số chuyển đổi số",
    orientation: "portrait",
    pageNumbers: true,
    blocks: [
      {
        kind: "columns",
        columns: [
          {
            width: 2,
            blocks: [
              { kind: "paragraph", text: "ỦY BAN NHÂN DÂN", align: "center" },
              { kind: "paragraph", text: "TỈNH TUYÊN QUANG", align: "center", bold: true, rule: true },
            ],
          },
          {
            width: 3,
            blocks: [
              { kind: "paragraph", text: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align: "center", bold: true },
              {
                kind: "paragraph",
                text: "Độc lập - Tự do - Hạnh phúc",
                align: "center",
                bold: true,
                rule: true,
              },
            ],
          },
        ],
        spaceAfter: 12,
      },
      {
        kind: "paragraph",
        text: [{ text: "Đơn vị: " }, { text: "Ủy ban nhân dân tỉnh Tuyên Quang", bold: true }],
        spaceAfter: 6,
      },
      { kind: "paragraph", text: "Ghi chú nghiêng: điểm 12,50", italic: true, align: "justify" },
      table,
    ],
    ...extra,
  };
}

describe("renderPdf", () => {
  it("gives back the Vietnamese text exactly (NFC), an NFD input as NFC, a missing character as ?", async () => {
    const doc = scorecard(3);
    const pdf = renderPdf({
      ...doc,
      blocks: [
        ...doc.blocks,
        { kind: "paragraph", text: "Ủy ban nhân dân huyện Hàm Yên ★".normalize("NFD"), align: "right" },
      ],
    });
    const text = await poppler("pdftotext", pdf, "-layout");
    for (const s of [
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      "Ủy ban nhân dân tỉnh Tuyên Quang",
      "điểm 12,50",
      "Đơn vị thứ 002 của tỉnh",
      "Ủy ban nhân dân huyện Hàm Yên ?",
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toBe(text.normalize("NFC"));
  });

  it("repeats the header rows on every page of a 300-row table and writes every row once", async () => {
    const pdf = renderPdf(scorecard(300));
    const n = await pages(pdf);
    expect(n).toBeGreaterThan(1);
    const text = await poppler("pdftotext", pdf, "-layout");
    expect(occurrences(text, "Tên đơn vị")).toBe(n);
    expect(occurrences(text, "Tối đa")).toBe(n);
    for (let i = 1; i <= 300; i++) {
      expect(occurrences(text, `Đơn vị thứ ${String(i).padStart(3, "0")} của tỉnh`)).toBe(1);
    }
    // The page number from the second page on, centred in the top margin; none on the first.
    const first = await poppler("pdftotext", pdf, "-layout", "-f", "1", "-l", "1");
    const second = await poppler("pdftotext", pdf, "-layout", "-f", "2", "-l", "2");
    expect(first.trim().split("\n")[0]?.trim()).not.toBe("1");
    expect(second.trim().split("\n")[0]?.trim()).toBe("2");
  });

  it("splits a row taller than a page and a word longer than its cell, losing nothing", async () => {
    const long = Array.from({ length: 1500 }, (_, i) => `từ${i}`).join(" ");
    const word = "x".repeat(400);
    const pdf = renderPdf({
      title: "Dài",
      orientation: "portrait",
      blocks: [
        {
          kind: "table",
          columns: [{ width: 1 }, { width: 1 }],
          header: [[{ text: "Cột một" }, { text: "Cột hai" }]],
          rows: [[{ text: long }, { text: word }]],
        },
      ],
    });
    expect(await pages(pdf)).toBeGreaterThan(1);
    const text = await poppler("pdftotext", pdf);
    expect(text).toContain("từ0 ");
    expect(text).toContain("từ1499");
    expect(occurrences(text.replace(/\s/g, ""), "x")).toBe(400);
  });

  it("is A4 portrait or landscape with both Tinos fonts embedded with ToUnicode", async () => {
    const portrait = renderPdf(scorecard(5));
    expect(await poppler("pdfinfo", portrait)).toMatch(/Page size:\s+595\.28 x 841\.89 pts/);
    const landscape = renderPdf(scorecard(5, { orientation: "landscape" }));
    expect(await poppler("pdfinfo", landscape)).toMatch(/Page size:\s+841\.89 x 595\.28 pts/);
    const fonts = (await poppler("pdffonts", portrait)).split("\n").slice(2).filter(Boolean);
    expect(fonts.map((l) => l.split(/\s+/)[0]).sort()).toEqual(["Tinos", "Tinos-Bold"]);
    for (const line of fonts) expect(line).toMatch(/CID TrueType\s+Identity-H\s+yes\s+no\s+yes/);
    const info = await poppler("pdfinfo", portrait);
    expect(info).toMatch(/Title:\s+Phiếu điểm chỉ số chuyển đổi số/);
    expect(info).toMatch(/Producer:\s+chiso/);
    expect(info).not.toMatch(/CreationDate|ModDate/);
  });

  it("gives the same bytes for the same model", () => {
    const a = renderPdf(scorecard(120));
    const b = renderPdf(scorecard(120));
    expect(Buffer.compare(a, b)).toBe(0);
    expect(Buffer.compare(a, renderPdf(scorecard(121)))).not.toBe(0);
  });

  it("renders a 3-page, 100-row scorecard in milliseconds (PDF and DOCX)", async () => {
    const doc = scorecard(100, { size: 12 });
    // Warmed up as in a publication's batch of thousands.
    for (let i = 0; i < 20; i++) {
      renderPdf(doc);
      renderDocx(doc);
    }
    const times = 30;
    let start = performance.now();
    for (let i = 0; i < times; i++) renderPdf(doc);
    const pdfMs = (performance.now() - start) / times;
    start = performance.now();
    for (let i = 0; i < times; i++) renderDocx(doc);
    const docxMs = (performance.now() - start) / times;
    const n = await pages(renderPdf(doc));
    console.log(
      `100-row scorecard (${n} pages): PDF ${pdfMs.toFixed(2)} ms, DOCX ${docxMs.toFixed(2)} ms per document`,
    );
    expect(n).toBeGreaterThanOrEqual(3);
  });
});
