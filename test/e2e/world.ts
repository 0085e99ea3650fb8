import { levels, stepsMethod } from "../support/fixtures.ts";

/**
 * The e2e world: an index set with one leaf of every method in the department group, three
 * departments, and the answers of the two units the browser does not fill in.
 *
 * What the journey expects (department group, 100 points):
 *   Sở Dẫn đầu     98    (every leaf near full; a link backs 1.1 and 2.2)
 *   Sở Thử nghiệm  52.5 self → 60.5 final: 1.1 yes + PDF 10, 1.2 deputy 5, 1.3 3/4 7.5, 1.4 3 → 5,
 *                  2.1 3 × 5 = 15, 2.2 12 points but no evidence → 0 (the reviewer sets 8), 2.3 50 of
 *                  best 100 → 10, 2.4 info
 *   Sở Cuối bảng   11.5
 * so the unit under test is ranked 2nd with 60.5 points, index 0.6050.
 */
export const FRAMEWORK_ID = "e2e-all-methods";
export const PERIOD_ID = "e2e-2024";
export const PERIOD_NAME = "Năm 2024 (kiểm thử)";

export const framework = {
  id: FRAMEWORK_ID,
  name: "Bộ chỉ số kiểm thử: đủ tám phương pháp",
  decision: "Quyết định kiểm thử 1/QĐ",
  missingEvidence: "zero",
  groups: [
    {
      id: "department",
      name: "Sở, ban, ngành",
      unitKinds: ["department"],
      bands: [
        { minIndex: 0.75, label: "Rất cao" },
        { minIndex: 0.5, label: "Cao" },
        { minIndex: 0.25, label: "Trung bình" },
        { minIndex: 0, label: "Thấp" },
      ],
      nodes: [
        {
          code: "1",
          name: "Nhận thức số",
          maxPoints: 40,
          children: [
            {
              code: "1.1",
              name: "Ban hành kế hoạch chuyển đổi số năm",
              guidance: "Có kế hoạch do người đứng đầu ký ban hành trong năm.",
              maxPoints: 10,
              method: { type: "yesno" },
              evidence: { required: true, kinds: ["file", "url"], hint: "Kế hoạch đã ban hành, bản PDF" },
            },
            {
              code: "1.2",
              name: "Tổ trưởng Tổ công tác chuyển đổi số",
              maxPoints: 10,
              method: levels(
                ["head", "Người đứng đầu cơ quan", 1],
                ["deputy", "Cấp phó của người đứng đầu", 0.5],
                ["none", "Chưa thành lập", 0],
              ),
            },
            {
              code: "1.3",
              name: "Tỷ lệ văn bản đi được ký số",
              maxPoints: 10,
              method: {
                type: "ratio",
                numeratorLabel: "Số văn bản đi được ký số",
                denominatorLabel: "Tổng số văn bản đi",
              },
            },
            {
              code: "1.4",
              name: "Số buổi họp chuyên đề về chuyển đổi số",
              maxPoints: 10,
              method: stepsMethod([4, 10], [2, 5], [1, 2]),
            },
          ],
        },
        {
          code: "2",
          name: "Chính quyền số",
          maxPoints: 60,
          children: [
            {
              code: "2.1",
              name: "Số nền tảng dùng chung được đưa vào sử dụng",
              maxPoints: 20,
              method: { type: "count", pointsEach: 5 },
            },
            {
              code: "2.2",
              name: "Bảo đảm an toàn thông tin (điểm tự chấm)",
              maxPoints: 20,
              method: { type: "points" },
              evidence: {
                required: true,
                kinds: ["file", "url"],
                hint: "Biên bản kiểm tra an toàn thông tin",
              },
            },
            {
              code: "2.3",
              name: "Số giao dịch thanh toán không dùng tiền mặt",
              maxPoints: 20,
              method: { type: "relative" },
            },
            {
              code: "2.4",
              name: "Tình hình triển khai đô thị thông minh",
              maxPoints: 0,
              method: { type: "info" },
            },
          ],
        },
      ],
    },
  ],
};

export const UNIT = { id: "so-thu-nghiem", code: "S01", name: "Sở Thử nghiệm", kind: "department" };
export const LEADER = { id: "so-dan-dau", code: "S02", name: "Sở Dẫn đầu", kind: "department" };
export const LAST = { id: "so-cuoi-bang", code: "S03", name: "Sở Cuối bảng", kind: "department" };
export const units = { units: [UNIT, LEADER, LAST] };

export const PASSWORD = "E2e@12345";
export const ADMIN_PASSWORD = "Admin@12345";

export const LEADER_ANSWERS = {
  "1.1": { value: true },
  "1.2": { value: "head" },
  "1.3": { value: { numerator: 10, denominator: 10 } },
  "1.4": { value: 5 },
  "2.1": { value: 4 },
  "2.2": { value: 18 },
  "2.3": { value: 100 },
  "2.4": { value: "Đã triển khai" },
};

export const LAST_ANSWERS = {
  "1.1": { value: false },
  "1.2": { value: "none" },
  "1.3": { value: { numerator: 1, denominator: 4 } },
  "1.4": { value: 1 },
  "2.1": { value: 1 },
  "2.2": { value: 5 },
  "2.3": { value: 10 },
};
