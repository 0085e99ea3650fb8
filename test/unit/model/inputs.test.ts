import { describe, expect, it } from "vitest";
import { Refusal } from "../../../shared/errors.ts";
import { supplementBodySchema } from "../../../shared/model/appraisal.ts";
import { idSchema, nameSchema } from "../../../shared/model/common.ts";
import { fileEvidenceRequestSchema, fileNameSchema } from "../../../shared/model/evidence.ts";
import { createPeriodSchema, deadlineSchema } from "../../../shared/model/period.ts";
import { unitSchema } from "../../../shared/model/unit.ts";
import { answersBodySchema, MAX_ANSWERS_PER_SAVE } from "../../../shared/services/submissions.ts";
import { parseBody } from "../../../shared/services/validate.ts";

const ok = (schema: { safeParse: (v: unknown) => { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

describe("deadlines (finding 3: strict ISO 8601)", () => {
  it("refuses dates and times that do not exist instead of rolling them over", () => {
    for (const text of [
      "2027-02-30T10:00:00+07:00", // was 2 March
      "2023-02-29T10:00:00",
      "2027-04-31T10:00:00Z",
      "2027-13-01T10:00:00Z",
      "2027-00-10T10:00:00Z",
      "2027-01-00T10:00:00Z",
      "2027-01-10T24:00:00Z",
      "2027-01-10T23:60:00Z",
      "2027-01-10T23:59:60Z",
      "2027-01-10T10:00:00+15:00",
      "2027-01-10T10:00:00+07:60",
    ])
      expect(ok(deadlineSchema, text), text).toBe(false);
    const refused = deadlineSchema.safeParse("2027-02-30T10:00:00+07:00");
    expect(refused.error?.issues[0]?.message).toMatch(/not a real date/);
  });

  it("accepts real ones, leap days included, in Vietnam time, keeping a fraction of a second as sent", () => {
    expect(deadlineSchema.parse("2024-02-29T10:00:00+07:00")).toBe("2024-02-29T10:00:00+07:00");
    expect(deadlineSchema.parse("2022-12-15T10:00:00Z")).toBe("2022-12-15T17:00:00+07:00");
    expect(deadlineSchema.parse("2022-12-15T17:00")).toBe("2022-12-15T17:00:00+07:00");
    expect(deadlineSchema.parse("2022-12-15T05:30:00-05:30")).toBe("2022-12-15T18:00:00+07:00");
    // A fraction of a second (Date.toISOString writes one) is kept: the instant asked for, exactly.
    expect(deadlineSchema.parse("2022-12-15T10:00:00.999Z")).toBe("2022-12-15T17:00:00.999+07:00");
    expect(deadlineSchema.parse("2022-12-15T10:00:00.5Z")).toBe("2022-12-15T17:00:00.500+07:00");
    expect(deadlineSchema.parse("2022-12-15T10:00:00.000Z")).toBe("2022-12-15T17:00:00+07:00");
    for (const text of ["2022-12-15T10:00:00.999Z", "2022-12-15T17:00:00.001", "2022-12-31T23:59:59.5-01:00"])
      expect(Date.parse(deadlineSchema.parse(text))).toBe(
        Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}+07:00`),
      );
  });

  it("applies to every deadline input: a period's, a supplement's `until`", () => {
    const period = createPeriodSchema.safeParse({
      id: "p",
      name: "Kỳ",
      frameworkId: "fw",
      opensAt: "2027-02-01T00:00:00",
      closesAt: "2027-02-30T10:00:00+07:00",
    });
    expect(period.error?.issues.map((i) => i.path.join("."))).toEqual(["closesAt"]);
    expect(ok(supplementBodySchema, { indicatorCodes: ["1.1"], until: "2027-02-31T10:00:00" })).toBe(false);
    expect(ok(supplementBodySchema, { indicatorCodes: ["1.1"], until: "2027-02-28T10:00:00" })).toBe(true);
  });

  it("checks a unit's validity dates as calendar dates", () => {
    const unit = { id: "u", code: "U1", name: "Xã U", kind: "commune" };
    expect(ok(unitSchema, { ...unit, validFrom: "2025-02-29" })).toBe(false);
    expect(ok(unitSchema, { ...unit, validTo: "2025-06-31" })).toBe(false);
    expect(ok(unitSchema, { ...unit, validFrom: "2024-02-29", validTo: "2025-06-30" })).toBe(true);
  });
});

describe("names, ids, file names (finding 4)", () => {
  it("refuses names of invisible characters only, and names with controls or bidi overrides", () => {
    for (const name of [
      "\u202E",
      "\u200B",
      "\u200B\u200C\u200D",
      "   ",
      "Sở\u202Eav",
      "Sở\u2066A\u2069",
      "Sở\u0000A",
      "Sở\nA",
      "Sở\r\nA",
      "Sở\tA",
      "x".repeat(501),
    ])
      expect(ok(nameSchema, name), JSON.stringify(name)).toBe(false);
  });

  it("accepts Vietnamese names and trims them", () => {
    expect(nameSchema.parse("  Sở Nội vụ  ")).toBe("Sở Nội vụ");
    expect(nameSchema.parse("Phường Mỹ Lâm (2025)")).toBe("Phường Mỹ Lâm (2025)");
    expect(nameSchema.parse("2022")).toBe("2022");
  });

  it("keeps ids to short lower-case slugs", () => {
    for (const id of ["", "A", "-a", "a b", "a_b", "á", "a".repeat(65), "a\u200B"])
      expect(ok(idSchema, id), id).toBe(false);
    expect(ok(idSchema, "so-noi-vu")).toBe(true);
  });

  it("refuses file names with controls, bidi overrides, folders, or nothing visible", () => {
    for (const name of [
      "invoice\u202Efdp.exe",
      "a\u0000.pdf",
      "a\r\n.pdf",
      "\u200B.pdf".replace(".pdf", ""),
      "../../etc/passwd.pdf",
      "C:\\x.pdf",
      `${"a".repeat(252)}.pdf`,
    ])
      expect(ok(fileNameSchema, name), JSON.stringify(name)).toBe(false);
    expect(fileNameSchema.parse(" Quyết định 12.pdf ")).toBe("Quyết định 12.pdf");
    const refused = fileEvidenceRequestSchema.safeParse({
      indicatorCodes: ["1.1"],
      fileName: "x\u202Efdp.exe",
      contentType: "application/pdf",
      size: 10,
    });
    expect(refused.error?.issues.map((i) => i.path.join("."))).toEqual(["fileName"]);
  });
});

describe("caps before parsing in full (finding 2)", () => {
  it("refuses more than 40 answers at once, with one problem, before looking at any answer", () => {
    // Each answer counts its own reading: the cap must refuse the body without reading any of them
    // (what a timing once stood for, without the clock).
    let read = 0;
    const answers: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++)
      Object.defineProperty(answers, `bad-${i}`, {
        enumerable: true,
        get: () => {
          read++;
          return { nope: i };
        },
      });
    let refusal: Refusal | undefined;
    try {
      parseBody(answersBodySchema, { answers }, "answers");
    } catch (error) {
      refusal = error as Refusal;
    }
    expect(read).toBe(0);
    expect(refusal?.kind).toBe("unprocessable");
    expect(refusal?.details).toEqual([
      { path: "answers", message: `at most ${MAX_ANSWERS_PER_SAVE} answers per save` },
    ]);
  });

  it("refuses an over-long list (a period's unit ids) before checking its items", () => {
    // Each item counts its own reading: the cap refuses the list on its length alone.
    let read = 0;
    const unitIds = new Proxy(
      Array.from({ length: 2_000_000 }, (_, i) => i),
      {
        get(target, key, receiver) {
          if (typeof key === "string" && /^\d+$/.test(key)) read++;
          return Reflect.get(target, key, receiver);
        },
      },
    );
    const result = createPeriodSchema.safeParse({
      id: "p",
      name: "Kỳ",
      frameworkId: "fw",
      unitIds,
      opensAt: "2027-02-01T00:00:00",
      closesAt: "2027-02-10T00:00:00",
    });
    expect(read).toBe(0);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["unitIds", "at most 20000 units"],
    ]);
  });

  it("still checks every answer of a save within the cap", () => {
    const answers = Object.fromEntries(
      Array.from({ length: MAX_ANSWERS_PER_SAVE }, (_, i) => [`${i}`, { nope: 1 }]),
    );
    expect(() => parseBody(answersBodySchema, { answers }, "answers")).toThrow(Refusal);
    expect(parseBody(answersBodySchema, { answers: { "1.1": { value: true } } }, "answers")).toEqual({
      answers: { "1.1": { value: true } },
    });
  });
});
