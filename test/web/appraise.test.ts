// @vitest-environment node
import { describe, expect, test } from "vitest";
import { acceptRestDone, acceptRestPlan } from "../../web/src/app/review/Appraise.tsx";

// "Accept the rest" keeps the evidence rule (DOMAIN.md §6.5): it skips leaves lacking their evidence.
describe("accept the rest", () => {
  const flags: Record<string, string[]> = {
    "1.1": ["missing-evidence"],
    "1.2": [],
    "1.3": ["unanswered"],
    "2.2": ["missing-evidence"],
  };
  const open = ["1.1", "1.2", "1.3", "2.2", "2.3"].map((code) => ({ code }));

  test("accepts the open leaves not flagged missing-evidence and counts the others as skipped", () => {
    const plan = acceptRestPlan(open, (code) => flags[code] ?? []);
    expect(plan.acceptable.map((l) => l.code)).toEqual(["1.2", "1.3", "2.3"]);
    expect(plan.skipped).toBe(2);
  });

  test("says how many it accepted and, when any, how many it skipped and why", () => {
    expect(acceptRestDone(3, 2)).toBe(
      "Đã chấp nhận 3 chỉ tiêu; bỏ qua 2 chỉ tiêu thiếu tài liệu kiểm chứng (cần điều chỉnh kèm lý do).",
    );
    expect(acceptRestDone(7, 0)).toBe("Đã chấp nhận 7 chỉ tiêu.");
  });
});
