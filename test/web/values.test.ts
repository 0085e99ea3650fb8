import { afterEach, describe, expect, test } from "vitest";
import { EVIDENCE_ACCEPT, flagText, formatValue, methodHint } from "../../web/src/app/values.ts";
import { fmt, fold, lang, localLabel, localName, setLang, t } from "../../web/src/i18n/index.ts";
import { leafOf } from "./fixtures.ts";

const leaf = leafOf;

afterEach(async () => {
  await setLang("vi");
});

describe("numbers, points and dates", () => {
  // 20:30 UTC is 03:30 the next day in Vietnam, whatever the language.
  const AT = "2026-06-01T20:30:00Z";
  test.each([
    ["vi", ["1.234,57", "3", "32,5", "40", "0,8123", "1,0000", "12,5%", "02/06/2026", "02/06/2026 03:30"]],
    ["en", ["1,234.57", "3", "32.5", "40", "0.8123", "1.0000", "12.5%", "02/06/2026", "02/06/2026 03:30"]],
  ] as const)(
    "in %s: numbers, points, the index, shares and dates in Vietnam time",
    async (language, expected) => {
      await setLang(language);
      expect(lang()).toBe(language);
      expect(document.documentElement.lang).toBe(language);
      expect([
        fmt.number(1234.567),
        fmt.number(2.5, 0),
        fmt.points(32.5),
        fmt.points(40),
        fmt.index(0.81234),
        fmt.index(1),
        fmt.percent(0.125),
        fmt.date(AT),
        fmt.dateTime(AT),
      ]).toEqual(expected);
    },
  );

  test("sizes in B, KB and MB", () => {
    expect(fmt.bytes(512)).toBe("512 B");
    expect(fmt.bytes(1536)).toBe("1,5 KB");
    expect(fmt.bytes(5 * 1024 * 1024)).toBe("5 MB");
  });

  test("the language is remembered, and texts fill their placeholders", async () => {
    await setLang("en");
    expect(localStorage.getItem("chiso.lang")).toBe("en");
    expect(t("rankings.page", { page: 2, pages: 5 })).toBe("Page 2 of 5");
    await setLang("vi");
    expect(t("rankings.page", { page: 2, pages: 5 })).toBe("Trang 2/5");
    expect(t("rankings.page")).toBe("Trang {page}/{pages}");
  });

  test("names and labels in the chosen language, when the data has them", async () => {
    const unit = { name: "Sở Nội vụ", nameEn: "Department of Home Affairs" };
    expect(localName(unit)).toBe("Sở Nội vụ");
    await setLang("en");
    expect(localName(unit)).toBe("Department of Home Affairs");
    expect(localName({ name: "Sở Y tế" })).toBe("Sở Y tế");
    expect(localLabel({ label: "Tốt", labelEn: "Good" })).toBe("Good");
  });

  test("search folds case and Vietnamese marks", () => {
    expect(fold("Sở Nội Vụ")).toBe("so noi vu");
    expect(fold("Đà Nẵng")).toBe("da nang");
  });
});

describe("answers as text", () => {
  test("by method, with a dash for no answer", () => {
    expect(formatValue(leaf({ type: "yesno" }), true)).toBe("Có");
    expect(formatValue(leaf({ type: "yesno" }), false)).toBe("Không");
    expect(formatValue(leaf({ type: "yesno" }), null)).toBe("—");
    expect(formatValue(leaf({ type: "yesno" }), undefined)).toBe("—");
    const level = leaf({ type: "level", options: [{ id: "a", label: "Đạt", labelEn: "Met", fraction: 1 }] });
    expect(formatValue(level, "a")).toBe("Đạt");
    expect(formatValue(level, "zz")).toBe("zz");
    const ratio = leaf({ type: "ratio", target: 1, whenZero: "zero" });
    expect(formatValue(ratio, { numerator: 1200, denominator: 1500 })).toBe("1.200 / 1.500");
    expect(formatValue(leaf({ type: "count", pointsEach: 1 }), 12.34567)).toBe("12,3457");
    expect(formatValue(leaf({ type: "info" }), "ghi chú")).toBe("ghi chú");
  });

  test("in English", async () => {
    await setLang("en");
    expect(formatValue(leaf({ type: "yesno" }), true)).toBe("Yes");
    const level = leaf({ type: "level", options: [{ id: "a", label: "Đạt", labelEn: "Met", fraction: 1 }] });
    expect(formatValue(level, "a")).toBe("Met");
    expect(
      formatValue(leaf({ type: "ratio", target: 1, whenZero: "zero" }), {
        numerator: 1200,
        denominator: 1500,
      }),
    ).toBe("1,200 / 1,500");
  });

  test("how a method scores, in one line", () => {
    expect(methodHint(leaf({ type: "yesno" }, 2.5))).toBe("Có: 2,5 điểm; không: 0 điểm");
    expect(methodHint(leaf({ type: "count", pointsEach: 0.5 }, 4))).toBe(
      "0,5 điểm mỗi đơn vị, tối đa 4 điểm",
    );
    const steps = methodHint(
      leaf({
        type: "steps",
        steps: [
          { min: 1, points: 1 },
          { min: 10, points: 3 },
        ],
      }),
    );
    expect(steps).toBe("từ 10: 3 điểm · từ 1: 1 điểm");
    const level = leaf({
      type: "level",
      options: [
        { id: "a", label: "Đủ", fraction: 1 },
        { id: "b", label: "Một phần", fraction: 0.5 },
      ],
    });
    expect(methodHint(level)).toBe("Đủ: 100% · Một phần: 50%");
    expect(methodHint(leaf({ type: "ratio", target: 0.8, whenZero: "zero" }))).toContain("80%");
  });

  test("flags have their text; an unknown flag shows as it is", () => {
    expect(flagText("missing-evidence")).toBe("thiếu tài liệu kiểm chứng");
    expect(flagText("scored-at-close")).toBe("tính khi đóng kỳ");
    expect(flagText("something-new")).toBe("something-new");
  });

  test("the file chooser accepts the evidence types the API accepts", () => {
    expect(EVIDENCE_ACCEPT.split(",")).toEqual(
      expect.arrayContaining([".pdf", ".jpg", ".png", ".docx", ".xlsx", ".zip"]),
    );
  });
});
