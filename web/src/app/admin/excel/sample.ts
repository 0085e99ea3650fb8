import type { NodeColumn, UnitColumn } from "./sheets.ts";

/**
 * The sample content of the templates: a small index set that shows every scoring method once, three
 * units of three kinds, and the guide sheet. Rows are written by column name; the rest stay empty.
 */
type Sample<C extends string> = Partial<Record<C, string>>;

export const SAMPLE_FRAMEWORK: [string, string][] = [
  ["id", "mau-bo-chi-so"],
  ["name", "Bộ chỉ số mẫu"],
  ["nameEn", "Sample index set"],
  ["decision", "Quyết định số …/QĐ-UBND"],
  ["about", ""],
  ["lineage", ""],
  ["missingEvidence", "zero"],
  ["rankCompare", "rounded"],
  ["predecessor", ""],
];

export const SAMPLE_GROUP = [
  "department",
  "Sở, ban, ngành",
  "Departments",
  "department",
  "0.75:Rất cao; 0.5:Cao; 0.25:Trung bình; 0:Thấp",
];

/** Every node of the sample group "department", in order (the parent of 1.2 is 1). */
export const SAMPLE_NODES: Sample<NodeColumn>[] = [
  { code: "1", name: "Nhận thức số", maxPoints: "40" },
  {
    code: "1.1",
    name: "Ban hành kế hoạch chuyển đổi số năm",
    nameEn: "Annual DT plan issued",
    maxPoints: "10",
    method: "yesno",
    evidenceRequired: "x",
    evidenceKinds: "file, url",
    evidenceHint: "Kế hoạch đã ban hành",
    guidance: "Có kế hoạch do người đứng đầu ký trong năm",
  },
  {
    code: "1.2",
    name: "Tổ trưởng Tổ công tác chuyển đổi số",
    maxPoints: "10",
    method: "level",
    options: "head:1:Người đứng đầu cơ quan; deputy:0.5:Cấp phó của người đứng đầu; none:0:Chưa thành lập",
    evidenceRequired: "x",
    evidenceKinds: "file",
    evidenceHint: "Quyết định thành lập",
  },
  {
    code: "1.3",
    name: "Tỷ lệ văn bản đi được ký số",
    maxPoints: "10",
    method: "ratio",
    target: "1",
    whenZero: "full",
    numeratorLabel: "Số văn bản đi được ký số",
    denominatorLabel: "Tổng số văn bản đi",
    source: "system",
  },
  { code: "1.4", name: "Số buổi họp chuyên đề", maxPoints: "10", method: "steps", steps: "4:10; 2:5; 1:2" },
  { code: "2", name: "Chính quyền số", maxPoints: "60" },
  { code: "2.1", name: "Số nền tảng dùng chung", maxPoints: "20", method: "count", pointsEach: "5" },
  { code: "2.2", name: "Bảo đảm an toàn thông tin", maxPoints: "20", method: "points" },
  { code: "2.3", name: "Số giao dịch không dùng tiền mặt", maxPoints: "20", method: "relative" },
  { code: "2.4", name: "Tình hình đô thị thông minh", maxPoints: "0", method: "info" },
];

export const SAMPLE_UNITS: Sample<UnitColumn>[] = [
  {
    id: "so-noi-vu",
    code: "S02",
    name: "Sở Nội vụ",
    nameEn: "Department of Home Affairs",
    kind: "department",
    validFrom: "2021-07-01",
  },
  { id: "dvhc-070", code: "070", name: "Thành phố Tuyên Quang", kind: "city" },
  { id: "dvhc-02200", code: "02200", name: "Phường Phan Thiết", kind: "ward", parentId: "dvhc-070" },
];

/** A sample row in the order of the sheet's columns ("" where the sample says nothing). */
export const rowOf = <C extends string>(columns: readonly C[], sample: Sample<C>): string[] =>
  columns.map((column) => sample[column] ?? "");

/** The guide sheet of both templates: what each sheet and each less obvious column means. */
export const GUIDE: string[][] = [
  ["Trang / cột", "Ý nghĩa"],
  [
    "Bộ chỉ số",
    "Mỗi dòng một trường của bộ chỉ số. Mã bộ chỉ số: chữ thường, số, '-'; nhập lại một bộ chỉ số đã có cần mã mới (phiên bản mới).",
  ],
  [
    "Nhóm",
    "Mỗi dòng một nhóm: mã, tên, loại đơn vị (cách nhau dấu phẩy), mức xếp loại (0.75:Rất cao; 0.5:Cao …), mức tiếng Anh (0.75:Very high; …)",
  ],
  ["Chỉ tiêu", "Mỗi dòng một chỉ tiêu hoặc nhóm chỉ tiêu, theo thứ tự; cấp cha suy từ mã (1.2 thuộc 1)"],
  [
    "Ánh xạ",
    "Khi bộ chỉ số thay thế một bộ trước (trường “Bộ chỉ số trước”): mỗi dòng một mã mới và mã cũ tương ứng (cách nhau dấu phẩy); quan hệ: giống | đổi tên | tách | gộp | mới | bỏ (dòng “bỏ” chỉ ghi mã cũ). Mã mới không có dòng nào: giống mã cũ cùng số nếu có, nếu không là mới.",
  ],
  [
    "Chỉ tiêu · Cách chấm",
    "Để trống: nhóm chỉ tiêu (có chỉ tiêu con). Chọn trong danh sách: yesno | level | ratio | steps | count | points | relative | info",
  ],
  [
    "Chỉ tiêu · Các mức",
    "level: mã:tỷ lệ:nhãn; … ví dụ head:1:Người đứng đầu; deputy:0.5:Cấp phó. Tiếng Anh: mã:nhãn; …",
  ],
  ["Chỉ tiêu · Bậc điểm", "steps: từ:điểm; … ví dụ 4:20; 3:15; 2:10; 1:5"],
  [
    "Chỉ tiêu · Tỷ lệ đạt đủ điểm / Khi mẫu số bằng 0",
    "ratio: tỷ lệ đạt đủ điểm (0–1, mặc định 1); khi mẫu số = 0: full | zero | exclude",
  ],
  ["Chỉ tiêu · Điểm mỗi đơn vị", "count: số điểm mỗi đơn vị"],
  [
    "Chỉ tiêu · Bắt buộc kiểm chứng",
    "x nếu bắt buộc có tài liệu kiểm chứng; loại kiểm chứng: file, url; gợi ý: lời nhắc cho đơn vị",
  ],
  [
    "Chỉ tiêu · Nguồn số liệu",
    "system: hệ thống thông tin có thể cung cấp số liệu (chỉ để hiển thị); measured:<mã nguồn>: số liệu đo tự động do nguồn dữ liệu đó gửi, đơn vị không tự kê khai",
  ],
  [
    "Đơn vị",
    "Mỗi dòng một đơn vị: mã định danh, mã, tên, loại, đơn vị cấp trên (mã định danh), hiệu lực từ/đến (YYYY-MM-DD), email, đơn vị tiền thân (mã định danh, cách nhau dấu phẩy)",
  ],
  [
    "Danh sách chọn",
    "Các cột có danh sách chọn (mũi tên ở ô): cách chấm, nhóm, loại đơn vị … Tệp cũ với tên cột tiếng Anh (code, name …) vẫn nhập được.",
  ],
];
