import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import type { DocumentModel } from "../../../shared/documents/model.ts";
import { renderDocx } from "../../../shared/documents/render.ts";

const unescapeXml = (s: string): string =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/** The text of each paragraph of a part, XML-unescaped. */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>|<w:p\/>/g)].map((p) =>
    [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => unescapeXml(t[1] ?? "")).join(""),
  );
}

function parts(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]));
}

function model(extra: Partial<DocumentModel> = {}): DocumentModel {
  return {
    title: "Phụ lục & kết quả <2026>",
    orientation: "portrait",
    pageNumbers: true,
    blocks: [
      {
        kind: "columns",
        columns: [
          { width: 2, blocks: [{ kind: "paragraph", text: "ỦY BAN NHÂN DÂN", align: "center", rule: true }] },
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
      },
      {
        kind: "paragraph",
        text: [{ text: "Đơn vị: " }, { text: "Ủy ban nhân dân tỉnh Tuyên Quang", bold: true, italic: true }],
        spaceBefore: 6,
        spaceAfter: 6,
        align: "justify",
      },
      { kind: "paragraph", text: 'A < B & C > "D"'.normalize("NFD") },
      { kind: "page-break" },
      {
        kind: "table",
        columns: [{ width: 1, align: "center" }, { width: 5 }, { width: 2, align: "right" }, { width: 2 }],
        header: [
          [{ text: "TT" }, { text: "Tên đơn vị" }, { text: "Điểm", span: 2 }],
          [{ text: "" }, { text: "" }, { text: "Đạt được" }, { text: "Tối đa", bold: true }],
        ],
        rows: Array.from({ length: 30 }, (_, i) => [
          { text: String(i + 1) },
          { text: `Xã số ${i + 1}` },
          { text: "12,50" },
          { text: "20", align: "left" as const },
        ]),
      },
    ],
    ...extra,
  };
}

describe("renderDocx", () => {
  it("writes the parts of a WordprocessingML package", () => {
    const files = parts(renderDocx(model()));
    expect(Object.keys(files)).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "docProps/core.xml",
      "word/document.xml",
      "word/styles.xml",
      "word/settings.xml",
      "word/_rels/document.xml.rels",
      "word/header1.xml",
      "word/header2.xml",
    ]);
    expect(files["[Content_Types].xml"]).toContain('PartName="/word/header1.xml"');
    expect(files["_rels/.rels"]).toContain('Target="word/document.xml"');
    expect(files["word/_rels/document.xml.rels"]).toContain('Target="header1.xml"');
    const core = files["docProps/core.xml"] ?? "";
    expect(core).toContain("<dc:title>Phụ lục &amp; kết quả &lt;2026&gt;</dc:title>");
    expect(core).toContain("<dc:creator>chiso</dc:creator>");
    expect(core).not.toMatch(/created|modified/);
  });

  it('carries the texts, NFC and XML-escaped, and < & > " round-trip', () => {
    const xml = parts(renderDocx(model()))["word/document.xml"] ?? "";
    const texts = paragraphs(xml);
    for (const s of [
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      "Đơn vị: Ủy ban nhân dân tỉnh Tuyên Quang",
      'A < B & C > "D"',
      "Tên đơn vị",
      "Xã số 30",
    ]) {
      expect(texts).toContain(s);
    }
    expect(xml).toContain("A &lt; B &amp; C &gt; &quot;D&quot;");
    expect(xml).toBe(xml.normalize("NFC"));
    expect(xml).toContain('<w:br w:type="page"/>');
    expect(xml).toContain('<w:jc w:val="both"/>');
    expect(xml).toContain("<w:b/>");
    expect(xml).toContain("<w:i/>");
    expect(xml).toContain('<w:spacing w:before="120" w:after="120"/>');
  });

  it("marks the header rows to repeat, rows not to split, spans and a fixed grid", () => {
    const xml = parts(renderDocx(model()))["word/document.xml"] ?? "";
    const table = xml.slice(xml.lastIndexOf("<w:tbl>"));
    expect(table.match(/<w:tblHeader\/>/g)).toHaveLength(2);
    expect(table.match(/<w:cantSplit\/>/g)).toHaveLength(32);
    expect(table).toContain('<w:gridSpan w:val="2"/>');
    expect(table).toContain('<w:tblLayout w:type="fixed"/>');
    expect(table).toContain('<w:vAlign w:val="center"/>');
    expect(table).toMatch(/<w:insideH w:val="single" w:sz="4"/);
    // 9355 twips of usable width (A4 less 30 mm and 15 mm), 1 : 5 : 2 : 2.
    expect(table).toContain(
      '<w:tblGrid><w:gridCol w:w="935"/><w:gridCol w:w="4677"/><w:gridCol w:w="1871"/><w:gridCol w:w="1872"/></w:tblGrid>',
    );
    // The side-by-side header block: a borderless table.
    expect(xml).toContain('<w:top w:val="nil"/>');
  });

  it("sets A4, the margins of Decree 30/2020 and the page-number header from the second page", () => {
    const portrait = parts(renderDocx(model()));
    const doc = portrait["word/document.xml"] ?? "";
    expect(doc).toContain('<w:pgSz w:w="11906" w:h="16838"/>');
    expect(doc).toContain('<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701"');
    expect(doc).toContain("<w:titlePg/>");
    expect(doc).toContain('<w:headerReference w:type="default" r:id="rIdHeader"/>');
    expect(portrait["word/header1.xml"]).toContain('<w:instrText xml:space="preserve"> PAGE </w:instrText>');
    expect(portrait["word/header2.xml"]).not.toContain("PAGE");

    const landscape = parts(renderDocx(model({ orientation: "landscape", pageNumbers: false })));
    expect(landscape["word/document.xml"]).toContain(
      '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>',
    );
    expect(landscape["word/document.xml"]).not.toContain("headerReference");
    expect(landscape["word/document.xml"]).not.toContain("titlePg");
    expect(Object.keys(landscape)).not.toContain("word/header1.xml");
  });

  it("names Times New Roman, the default size in half-points and Vietnamese in the styles", () => {
    const styles = parts(renderDocx(model({ size: 14 })))["word/styles.xml"] ?? "";
    expect(styles).toContain('w:ascii="Times New Roman" w:hAnsi="Times New Roman"');
    expect(styles).toContain('w:cs="Times New Roman"');
    expect(styles).toContain('<w:sz w:val="28"/>');
    expect(styles).toContain('w:val="vi-VN"');
  });

  it("gives the same bytes for the same model", () => {
    const a = renderDocx(model());
    expect(Buffer.compare(a, renderDocx(model()))).toBe(0);
    expect(Buffer.compare(a, renderDocx(model({ title: "Khác" })))).not.toBe(0);
  });
});
