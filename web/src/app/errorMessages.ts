import { lang } from "../i18n/index.ts";

/**
 * The API's errors in the user's language. The API answers {code, message, details[{path, message}]}
 * in English (docs/API.md); the web shows the text of the code here, and the server's message only for
 * a code it does not know. The codes are those of shared/errors.ts and the services (conflict(…),
 * unprocessable(…), new Refusal(…)) and of the HTTP edge (functions/http/api.ts).
 */
type Texts = Record<string, [vi: string, en: string]>;

const CODES: Texts = {
  network: ["Mất kết nối mạng, vui lòng thử lại", "No network connection, please try again"],
  unauthenticated: [
    "Phiên đăng nhập đã hết, vui lòng đăng nhập lại",
    "Your session has ended, please sign in again",
  ],
  forbidden: ["Bạn không có quyền thực hiện thao tác này", "You are not allowed to do this"],
  "not-found": ["Không tìm thấy dữ liệu yêu cầu", "What was asked for was not found"],
  "no-route": ["Không có chức năng này", "There is no such function"],
  internal: ["Lỗi hệ thống, vui lòng thử lại sau", "A system error occurred, please try again later"],
  "not-through-site": ["Yêu cầu phải gửi từ trang của hệ thống", "Requests must come through the site"],
  "too-large": ["Dữ liệu gửi lên quá lớn", "What was sent is too large"],
  "malformed-json": ["Dữ liệu gửi lên không đọc được", "What was sent could not be read"],
  "invalid-body": [
    "Dữ liệu chưa hợp lệ, xem chi tiết bên dưới",
    "The data is not valid; see the details below",
  ],
  "body-required": ["Thiếu dữ liệu gửi lên", "Nothing was sent"],
  unprocessable: ["Dữ liệu chưa hợp lệ", "The data is not valid"],
  "contract-violation": ["Máy chủ trả lời không đúng quy ước", "The server's answer broke the contract"],
  "bad-path": ["Đường dẫn không hợp lệ", "The address is not valid"],
  "bad-query": ["Tham số tìm kiếm không hợp lệ", "The search parameters are not valid"],
  "bad-limit": ["Số dòng mỗi trang không hợp lệ", "The page size is not valid"],
  "bad-cursor": ["Trang tiếp theo không hợp lệ, hãy tải lại", "The next page is not valid; reload"],
  "bad-filter": ["Bộ lọc không hợp lệ", "The filter is not valid"],
  "bad-state": ["Trạng thái không hợp lệ", "The state is not valid"],
  "bad-if-match": [
    "Thiếu phiên bản dữ liệu, hãy tải lại trang",
    "The data version is missing; reload the page",
  ],
  "stale-version": [
    "Dữ liệu đã được người khác thay đổi, hãy tải lại",
    "Someone else changed this meanwhile; reload",
  ],
  "state-changed": [
    "Trạng thái bản tự đánh giá vừa thay đổi, hãy tải lại",
    "The submission changed state; reload",
  ],
  "period-changed": [
    "Kỳ đánh giá vừa thay đổi, hãy tải lại và thử lại",
    "The period changed meanwhile; reload and retry",
  ],
  busy: [
    "Đang có thao tác khác trên dữ liệu này, vui lòng thử lại",
    "Another change is in progress; try again",
  ],
  "job-running": [
    "Một tác vụ của kỳ đang chạy, hãy chờ xong",
    "A job of this period is running; wait for it",
  ],
  "framework-exists": [
    "Đã có bộ chỉ số với mã này; hãy nhập phiên bản mới với mã mới",
    "An index set with this id exists; import a new version under a new id",
  ],
  "invalid-framework": [
    "Bộ chỉ số chưa hợp lệ, xem chi tiết bên dưới",
    "The index set is not valid; see below",
  ],
  "period-exists": ["Đã có kỳ đánh giá với mã này", "A period with this id exists"],
  "unknown-framework": ["Không có bộ chỉ số này", "There is no such index set"],
  "unknown-period": ["Không có kỳ đánh giá này", "There is no such period"],
  "from-not-earlier": [
    "Kỳ trước phải kết thúc trước kỳ mới",
    "The previous period must close before the new one",
  ],
  "invalid-reform": ["Phương án sắp xếp đơn vị có lỗi", "The reorganisation is not valid"],
  "empty-reform": [
    "Phương án sắp xếp không tạo hay chấm dứt đơn vị nào",
    "The reorganisation creates or ends no unit",
  ],
  "bad-secret": [
    "Khoá của nguồn dữ liệu không đúng hoặc đã bị thu hồi",
    "The data source's secret is wrong or revoked",
  ],
  "source-exists": ["Đã có nguồn dữ liệu với mã này", "A data source with this id exists"],
  "period-not-measurable": [
    "Kỳ đánh giá không nhận số liệu đo ở trạng thái này",
    "The period takes no measured values in this state",
  ],
  "invalid-rows": [
    "Tệp có dòng không nhập được; chưa nhập dòng nào",
    "Some rows of the file cannot be imported; none was",
  ],
  "not-published": [
    "Kỳ này chưa công bố xếp hạng nào để tính lại",
    "This period has no published ranking to restate",
  ],
  "no-units-on-day": [
    "Không có đơn vị nào tồn tại vào ngày này được hình thành từ các đơn vị đã xếp hạng",
    "No unit valid on that day comes from the ranked units",
  ],
  "restatement-refused": [
    "Không tính lại được xếp hạng theo đơn vị mới, xem chi tiết bên dưới",
    "The ranking cannot be restated on the new units; see the details below",
  ],
  "not-draft": [
    "Chỉ chuyển câu trả lời từ kỳ trước khi hồ sơ còn là bản nháp",
    "Answers are carried over only into a draft",
  ],
  "unit-conflict": [
    "Một yêu cầu khác vừa ghi đơn vị này với nội dung khác; tải lại danh sách đơn vị rồi thử lại",
    "Another request has just written this unit with other content; reload the units and try again",
  ],
  "invalid-participants": [
    "Danh sách đơn vị tham gia chưa hợp lệ",
    "The list of participating units is not valid",
  ],
  "deadline-order": ["Thứ tự các hạn chót chưa hợp lý", "The deadlines are out of order"],
  "deadline-in-past": ["Hạn phải ở tương lai", "The deadline must be in the future"],
  "deadline-not-later": [
    "Hạn riêng phải sau hạn chung của kỳ và sau thời điểm hiện tại",
    "A unit's deadline must be after the period's and in the future",
  ],
  "deadline-passed": [
    "Hạn nộp đã qua: hãy dời hạn trước khi mở kỳ",
    "The deadline has passed: move it before opening",
  ],
  "no-explanation-round": [
    "Hãy đặt hạn giải trình ở tương lai trước khi mở vòng giải trình",
    "Set a future explanation deadline before opening the explanation round",
  ],
  "transition-not-allowed": ["Kỳ không thể chuyển sang bước này", "The period cannot make this move"],
  "period-not-open": ["Kỳ đánh giá không ở trạng thái mở", "The period is not open"],
  "period-closed": ["Kỳ đánh giá đã đóng", "The period has closed"],
  "not-closed": ["Kỳ đánh giá chưa đóng", "The period has not closed yet"],
  "not-a-draft": ["Bản tự đánh giá đã nộp, không sửa được", "The submission is not a draft"],
  "not-submitted": ["Bản tự đánh giá chưa được nộp", "The submission has not been submitted"],
  "not-reopened": [
    "Chỉ sửa được các chỉ tiêu được mở bổ sung",
    "Only the indicators reopened for supplement can change",
  ],
  "invalid-answer": ["Câu trả lời chưa hợp lệ, xem chi tiết bên dưới", "An answer is not valid; see below"],
  "invalid-value": ["Giá trị thẩm định chưa hợp lệ", "The appraised value is not valid"],
  "invalid-indicators": ["Có chỉ tiêu không thuộc đơn vị này", "Some indicators are not this unit's"],
  "unknown-evidence": ["Không có tài liệu kiểm chứng này", "There is no such evidence"],
  "appraisal-closed": ["Chỉ thực hiện được trong bước thẩm định", "This is done only during appraisal"],
  "supplement-used": [
    "Đơn vị đã được yêu cầu bổ sung một lần",
    "This unit has already had its one supplement request",
  ],
  "not-explanation-round": [
    "Chỉ thực hiện được trong vòng giải trình",
    "This is done only in the explanation round",
  ],
  "already-contested": ["Chỉ tiêu này đã được khiếu nại", "This indicator is already contested"],
  "no-open-contest": [
    "Không có khiếu nại chưa quyết định cho chỉ tiêu này",
    "There is no undecided contest of it",
  ],
  "file-too-large": ["Tệp quá lớn", "The file is too large"],
  "type-not-allowed": ["Loại tệp không được chấp nhận", "This type of file is not accepted"],
  "extension-mismatch": [
    "Đuôi tệp không khớp với nội dung",
    "The file's extension does not match its content",
  ],
  "too-much-evidence": ["Quá nhiều tài liệu kiểm chứng", "Too much evidence"],
  "upload-missing": ["Chưa tải tệp lên xong, hãy thử lại", "The file has not been uploaded; try again"],
  "upload-rejected": ["Tệp bị từ chối và đã được xoá", "The file was refused and removed"],
  "not-confirmed": ["Tệp chưa được xác nhận tải lên", "The upload has not been confirmed"],
  "already-confirmed": [
    "Tệp đã được xác nhận, không tải thêm được",
    "This file is confirmed already; nothing more is uploaded to it",
  ],
  "not-a-file": ["Tài liệu này không phải là tệp", "Only file evidence is uploaded"],
  "invalid-parts": ["Phần tệp tải lên không hợp lệ", "A part of the upload is not valid"],
  "parts-missing": [
    "Chưa tải lên đủ các phần của tệp, hãy thử lại",
    "Some parts of the file are not uploaded yet; try again",
  ],
  "upload-unknown": [
    "Lượt tải lên không còn hiệu lực, hãy tải tệp lên lại",
    "That upload no longer exists; upload the file again",
  ],
  "evidence-locked": [
    "Tài liệu của bản tự đánh giá không sửa được trong vòng giải trình; hãy thêm tài liệu mới",
    "Self-assessment evidence cannot change in the explanation round; add new evidence",
  ],
  "duplicate-unit": ["Trùng mã hoặc mã định danh đơn vị", "A unit id or code is repeated"],
  "unknown-unit": ["Không có đơn vị này", "There is no such unit"],
  "user-exists": ["Đã có tài khoản với tên đăng nhập này", "An account with this username exists"],
  // The Cognito pool's policy (infra/cdk/constructs/auth.ts): at least 8 characters of four kinds.
  "weak-password": [
    "Mật khẩu chưa đủ mạnh (ít nhất 8 ký tự, có chữ hoa, chữ thường, số và ký hiệu)",
    "The password is too weak (at least 8 characters with upper and lower case, digits and symbols)",
  ],
  "own-account": [
    "Bạn không thể khoá hoặc bỏ vai trò quản trị của chính mình",
    "You cannot disable your own account or remove your own admin role",
  ],
};

/** When a code is unknown and the server said nothing: the kind of problem, by HTTP status. */
const STATUSES: Record<number, [string, string]> = {
  400: ["Yêu cầu không hợp lệ", "The request is not valid"],
  401: CODES.unauthenticated as [string, string],
  403: CODES.forbidden as [string, string],
  404: CODES["not-found"] as [string, string],
  409: ["Trạng thái đã thay đổi, không thể thực hiện", "The state has changed; this cannot be done"],
  412: CODES["stale-version"] as [string, string],
  413: ["Tệp quá lớn", "The file is too large"],
  415: ["Loại tệp không được chấp nhận", "This type of file is not accepted"],
  422: ["Dữ liệu chưa hợp lệ", "The data is not valid"],
};

const pick = ([vi, en]: [string, string]) => (lang() === "en" ? en : vi);

/** Whether the web has its own text for this error code. */
export const knowsCode = (code: string): boolean => code in CODES;

/**
 * The text of an API error: the code's own; for a code the web does not know, the server's message
 * (never both: one language at a time), or the kind of its status when it has none.
 */
export function apiErrorText(status: number, code: string, serverMessage: string): string {
  const known = CODES[code];
  if (known) return pick(known);
  return serverMessage || pick(STATUSES[status] ?? (STATUSES[400] as [string, string]));
}

/** The common kinds of a field's problem (zod's messages and the services' own), as patterns. */
const DETAILS: [RegExp, (m: RegExpMatchArray) => [string, string]][] = [
  [/^Invalid input: expected \w+, received undefined$/, () => ["Bắt buộc nhập", "Required"]],
  [
    /^Invalid input: expected (\w+)/,
    (m) => [`Sai kiểu dữ liệu (cần ${m[1]})`, `Wrong type (expected ${m[1]})`],
  ],
  [
    /^Too small: expected string to have >=?(\d+) characters?$/,
    (m) => [`Quá ngắn: ít nhất ${m[1]} ký tự`, `Too short: at least ${m[1]} characters`],
  ],
  [
    /^Too big: expected string to have <=?(\d+) characters?$/,
    (m) => [`Quá dài: tối đa ${m[1]} ký tự`, `Too long: at most ${m[1]} characters`],
  ],
  [
    /^Too small: expected array to have >=?(\d+) items?$/,
    (m) => [`Cần ít nhất ${m[1]} mục`, `At least ${m[1]} items are needed`],
  ],
  [
    /^Too big: expected array to have <=?(\d+) items?$/,
    (m) => [`Tối đa ${m[1]} mục`, `At most ${m[1]} items`],
  ],
  [/^Too small: expected number to be >(=?)(-?[\d.]+)$/, (m) => [`Phải ≥ ${m[2]}`, `Must be ≥ ${m[2]}`]],
  [/^Too big: expected number to be <(=?)(-?[\d.]+)$/, (m) => [`Phải ≤ ${m[2]}`, `Must be ≤ ${m[2]}`]],
  [/^Invalid email address$/i, () => ["Địa chỉ email không hợp lệ", "Not a valid email address"]],
  [
    /^Invalid option: expected one of (.+)$/,
    (m) => [
      `Giá trị không hợp lệ, chọn một trong: ${m[1]?.replace(/"/g, "").replace(/\|/g, ", ")}`,
      `Not a valid choice; one of: ${m[1]?.replace(/"/g, "").replace(/\|/g, ", ")}`,
    ],
  ],
  [/^Invalid string: must match pattern/, () => ["Sai định dạng", "Wrong format"]],
  [/^Invalid (ISO )?date/i, () => ["Ngày không hợp lệ", "Not a valid date"]],
  [/^unknown field$/, () => ["Trường không được chấp nhận", "Unknown field"]],
  [/^Invalid input$/, () => ["Giá trị không hợp lệ", "Not a valid value"]],
  [/^in the past$/, () => ["Thời điểm đã qua", "In the past"]],
];

/** A field problem's text in the user's language (the server's own text when its kind is unknown). */
export function detailText(message: string): string {
  for (const [pattern, texts] of DETAILS) {
    const match = pattern.exec(message);
    if (match) return pick(texts(match));
  }
  return message;
}
