import { lang } from "../../i18n/index.ts";
import { detailText } from "../errorMessages.ts";

/**
 * The import's row problems (shared/services/measurement-import.ts words them in English) in the
 * user's language; `rowOf` turns a "rows.{i}" the API names into the file's row. Anything not listed
 * goes through the app's common field texts.
 */
type Texts = (m: RegExpExecArray, rowOf: (index: number) => number | undefined) => [vi: string, en: string];

const VALUE: [RegExp, Texts][] = [
  [/^expected a value$/, () => ["thiếu giá trị", "a value is needed"]],
  [/^expected true or false$/, () => ["cần “có” hoặc “không”", "expected yes or no"]],
  [/^expected a whole number ≥ 0$/, () => ["cần số nguyên ≥ 0", "expected a whole number ≥ 0"]],
  [/^expected a number ≥ 0$/, () => ["cần số ≥ 0", "expected a number ≥ 0"]],
  [
    /^expected a number from 0 to (.+)$/,
    (m) => [`cần số từ 0 đến ${m[1]}`, `expected a number from 0 to ${m[1]}`],
  ],
  [/^expected one of (.+)$/, (m) => [`cần một trong ${m[1]}`, `expected one of ${m[1]}`]],
  [
    /^numerator \((\d+)\) must not exceed denominator \((\d+)\)/,
    (m) => [
      `tử số (${m[1]}) không được lớn hơn mẫu số (${m[2]})`,
      `numerator (${m[1]}) exceeds denominator (${m[2]})`,
    ],
  ],
  [
    /numerator\/denominator/,
    () => ["cần tỉ lệ dạng tử số/mẫu số, ví dụ 8/10", "expected a ratio such as 8/10"],
  ],
];

const ROW: [RegExp, Texts][] = [
  [
    /^there is no unit with code "(.+)"$/,
    (m) => [`không có đơn vị nào mã “${m[1]}”`, `no unit has the code “${m[1]}”`],
  ],
  [
    /^unit "(.+)" does not take part in period "(.+)"$/,
    (m) => [`đơn vị “${m[1]}” không tham gia kỳ “${m[2]}”`, `unit “${m[1]}” is not in period “${m[2]}”`],
  ],
  [
    /^the code "(.+)" names several units of the period: (.+)$/,
    (m) => [
      `mã “${m[1]}” trùng với nhiều đơn vị của kỳ: ${m[2]}`,
      `the code “${m[1]}” names several units: ${m[2]}`,
    ],
  ],
  [
    /^"(.+)" is not an indicator of the group of unit "(.+)"$/,
    (m) => [
      `“${m[1]}” không phải chỉ tiêu của nhóm của đơn vị “${m[2]}”`,
      `“${m[1]}” is not an indicator of unit “${m[2]}”'s group`,
    ],
  ],
  [
    /^(.+) is answered by the unit, not measured$/,
    (m) => [
      `chỉ tiêu ${m[1]} do đơn vị tự đánh giá, không phải số liệu đo`,
      `${m[1]} is answered by the unit, not measured`,
    ],
  ],
  [
    /^(.+) of unit "(.+)" is given twice \(first at rows\.(\d+)\)$/,
    (m, rowOf) => {
      const row = rowOf(Number(m[3])) ?? Number(m[3]) + 1;
      return [
        `chỉ tiêu ${m[1]} của đơn vị “${m[2]}” lặp lại dòng ${row}`,
        `${m[1]} of “${m[2]}” repeats row ${row}`,
      ];
    },
  ],
  [
    /^"(.+)" is not a date/,
    (m) => [`“${m[1]}” không phải là ngày (dd/mm/yyyy)`, `“${m[1]}” is not a date (dd/mm/yyyy)`],
  ],
  [
    /^(.+) is in the future/,
    (m) => [
      `ngày ${m[1]} chưa tới: chỉ nhập số liệu đã đo`,
      `${m[1]} is in the future: import measured values only`,
    ],
  ],
];

const pick = ([vi, en]: [string, string]) => (lang() === "en" ? en : vi);

function match(list: [RegExp, Texts][], text: string, rowOf: (index: number) => number | undefined) {
  for (const [pattern, texts] of list) {
    const m = pattern.exec(text);
    if (m) return pick(texts(m, rowOf));
  }
  return undefined;
}

/** One row problem of the import's refusal, in the user's language. */
export function rowProblemText(message: string, rowOf: (index: number) => number | undefined): string {
  const known = match(ROW, message, rowOf);
  if (known) return known;
  // A value's problem is "{code}: {what the method expects}".
  const value = /^([^:\s]+): (.+)$/.exec(message);
  const expected = value ? match(VALUE, value[2] as string, rowOf) : undefined;
  return expected ? `${value?.[1]}: ${expected}` : detailText(message);
}

/** The refusal's headline: how many rows, and that nothing was imported. */
export const refusedText = (rows: number) =>
  pick([
    `${rows} dòng không nhập được, chưa nhập dòng nào; sửa các lỗi dưới đây rồi nhập lại cả tệp.`,
    `${rows} rows cannot be imported, so none was; fix the problems below and import the whole file again.`,
  ]);
