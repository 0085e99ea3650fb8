import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../../../shared/services/open-data.ts";

/** Finding 1: CSV injection (OWASP). Only text cells are neutralised; numbers are data. */
describe("the open-data CSV", () => {
  it("neutralises text cells that a spreadsheet would run as a formula", () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
    expect(csvCell("=1,2")).toBe(`"'=1,2"`);
  });

  it("leaves other text, numbers (negative ones too) and empty cells as they are", () => {
    expect(csvCell("Sở Nội vụ")).toBe("Sở Nội vụ");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell('Sở "A", B')).toBe(`"Sở ""A"", B"`);
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(412.25)).toBe("412.25");
    expect(csvCell(null)).toBe("");
  });

  it("writes a whole table: a hostile unit name is quoted, its numbers are not", () => {
    const csv = toCsv({
      header: ["code", "name", "points", "rank_change"],
      rows: [
        ["S01", "=cmd|' /C calc'!A0", 264.5, -2],
        ["S02", "Sở Tư pháp", 300, null],
      ],
    });
    expect(csv).toBe(
      "\uFEFFcode,name,points,rank_change\r\nS01,'=cmd|' /C calc'!A0,264.5,-2\r\nS02,Sở Tư pháp,300,\r\n",
    );
  });
});
