import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test } from "vitest";
import { consequenceText, previewRows, previewWarnings } from "../../../web/src/app/admin/Consequences.tsx";
import { ApiError, errorText } from "../../../web/src/app/api.ts";
import { apiErrorText, detailText, knowsCode } from "../../../web/src/app/errorMessages.ts";
import type { Period, UnitResult } from "../../../web/src/app/types.ts";
import { Details } from "../../../web/src/app/ui.tsx";
import { fmt, setLang } from "../../../web/src/i18n/index.ts";
import { parseDateTimeText, showDateTimeText } from "../../../web/src/ui/fields.tsx";

/**
 * Every error code raised in shared/ and functions/: new Refusal(kind, "code", …), conflict("code", …),
 * unprocessable("code", …), and the fixed codes of notFound(…) and forbidden(…).
 */
function raisedCodes(): string[] {
  // happy-dom's URL knows no file: scheme; the path of this file is three folders under the root.
  const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
  const codes = new Set<string>();
  const patterns = [
    /new Refusal\(\s*"[a-z-]+"\s*,\s*"([a-z][a-z0-9-]*)"/g,
    /\b(?:conflict|unprocessable)\(\s*"([a-z][a-z0-9-]*)"/g,
  ];
  for (const dir of ["shared", "functions"]) {
    for (const file of readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      const source = readFileSync(join(root, dir, file), "utf8");
      for (const pattern of patterns)
        for (const match of source.matchAll(pattern)) codes.add(match[1] as string);
      if (/\bnotFound\(/.test(source)) codes.add("not-found");
      if (/\bforbidden\(/.test(source)) codes.add("forbidden");
    }
  }
  return [...codes].sort();
}

afterEach(async () => {
  await setLang("vi");
});

describe("dates in the chosen language's locale", () => {
  // 03:17 UTC is 10:17 in Vietnam.
  const AT = "2026-12-28T03:17:00Z";
  test.each([["vi"], ["en"]] as const)(
    "%s: dd/MM/yyyy HH:mm, in Vietnam time, on the 24-hour clock",
    async (lang) => {
      await setLang(lang);
      expect(fmt.dateTime(AT)).toBe("28/12/2026 10:17");
      expect(fmt.date(AT)).toBe("28/12/2026");
      expect(fmt.dateTime("2026-01-05T15:04:00Z")).toBe("05/01/2026 22:04");
    },
  );
});

describe("a date and time typed as dd/MM/yyyy HH:mm", () => {
  test("reads day first (or the datetime-local form), refuses what is no date, shows it back", () => {
    expect(parseDateTimeText("28/12/2026 10:17")).toBe("2026-12-28T10:17");
    expect(parseDateTimeText(" 5/1/2027 7:05 ")).toBe("2027-01-05T07:05");
    expect(parseDateTimeText("2027-01-07T14:00")).toBe("2027-01-07T14:00");
    expect(parseDateTimeText("31/02/2026 10:00")).toBeUndefined();
    expect(parseDateTimeText("28/12/2026 25:00")).toBeUndefined();
    expect(parseDateTimeText("12/28/2026, 10:17 AM")).toBeUndefined();
    expect(showDateTimeText("2026-12-28T10:17")).toBe("28/12/2026 10:17");
    expect(showDateTimeText("")).toBe("");
  });
});

describe("API errors in the user's language", () => {
  test("a known code has its own text in each language, never the server's English", async () => {
    const error = new ApiError(409, "user-exists", "user already exists");
    expect(errorText(error)).toBe("Đã có tài khoản với tên đăng nhập này");
    expect(error.message).toBe("Đã có tài khoản với tên đăng nhập này");
    await setLang("en");
    expect(errorText(error)).toBe("An account with this username exists");
  });

  test("an unknown code shows the server's message; with none, the kind of its status", () => {
    expect(apiErrorText(409, "brand-new", "something new happened")).toBe("something new happened");
    expect(apiErrorText(403, "brand-new", "")).toBe("Bạn không có quyền thực hiện thao tác này");
    expect(knowsCode("brand-new")).toBe(false);
  });

  test("every code the services raise has a text", () => {
    const codes = raisedCodes();
    // The scan must find the codes at all (a changed idiom would otherwise pass it vacuously).
    expect(codes).toEqual(expect.arrayContaining(["user-exists", "own-account", "not-found", "bad-cursor"]));
    expect(codes.length).toBeGreaterThan(60);
    // Codes of the web itself and of the HTTP edge's fallbacks, which no service raises by name.
    const edge = ["network", "unauthenticated", "unprocessable", "job-running"];
    expect([...codes, ...edge].filter((code) => !knowsCode(code))).toEqual([]);
  });

  test("the common kinds of a field's problem (zod's) are translated; others pass as they are", async () => {
    expect(detailText("Invalid input: expected string, received undefined")).toBe("Bắt buộc nhập");
    expect(detailText("Too big: expected string to have <=200 characters")).toBe("Quá dài: tối đa 200 ký tự");
    expect(detailText("Invalid email address")).toBe("Địa chỉ email không hợp lệ");
    expect(detailText('Invalid option: expected one of "zero"|"keep"')).toBe(
      "Giá trị không hợp lệ, chọn một trong: zero, keep",
    );
    expect(detailText("trang Đơn vị, dòng 3: trùng")).toBe("trang Đơn vị, dòng 3: trùng");
    await setLang("en");
    expect(detailText("Too small: expected number to be >=0")).toBe("Must be ≥ 0");
  });

  test("the list of problems shows them translated", () => {
    const root = document.createElement("div");
    act(() => render(<Details details={[{ path: "email", message: "Invalid email address" }]} />, root));
    expect(root.textContent).toBe("email Địa chỉ email không hợp lệ");
  });
});

describe("the consequences of a move, and the preview of a publication", () => {
  const period = {
    id: "p",
    name: "Năm 2026",
    state: "open",
    closesAt: "2026-12-28T10:17:00+07:00",
    counts: { units: 164, submitted: 2, draft: 162 },
  } as Period;

  test("closing early says how many units have not submitted and will score 0", () => {
    expect(consequenceText(period, "appraisal")).toContain("162/164 đơn vị chưa nộp sẽ bị khoá với 0 điểm");
    expect(
      consequenceText(
        { ...period, state: "published", publication: { version: 1, publishedAt: "" } },
        "appraisal",
      ),
    ).toContain("phiên bản 1 cho đến lần công bố sau (phiên bản 2)");
    expect(consequenceText({ ...period, state: "draft" }, "open")).toContain("hạn nộp 28/12/2026 10:17");
  });

  const result = (unitId: string, rank: number, submitted: boolean, leaves: unknown[] = []) =>
    ({
      unitId,
      groupId: "commune",
      code: unitId.toUpperCase(),
      name: `Xã ${unitId}`,
      submitted,
      provisional: null,
      final: {
        points: submitted ? 50 : 0,
        index: submitted ? 0.5 : 0,
        rank,
        band: submitted ? "Cao" : null,
        flags: submitted ? [] : ["not-submitted"],
      },
      leaves,
    }) as UnitResult;

  test("the preview ranks by group and rank and warns of what is not settled", () => {
    const rows = previewRows([
      result("c", 2, false),
      result("a", 1, true, [{ code: "1.1", appraisal: null, contest: null }]),
      result("b", 1, true, [
        {
          code: "1.1",
          appraisal: {},
          contest: { code: "1.1", explanation: "", evidenceIds: [], by: "", at: "" },
        },
      ]),
    ]);
    expect(rows.map((r) => [r.unitId, r.rank, r.submitted])).toEqual([
      ["a", 1, true],
      ["b", 1, true],
      ["c", 2, false],
    ]);
    expect(previewWarnings(rows)).toEqual([
      "1 đơn vị đã nộp còn chỉ tiêu chưa thẩm định.",
      "1 khiếu nại chưa được quyết định.",
      "1 đơn vị không nộp: xếp 0 điểm, ghi “Không nộp”.",
    ]);
  });
});
