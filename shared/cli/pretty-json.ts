/**
 * `JSON.stringify(value, null, 2) + "\n"`, byte for byte, handed to `write` in pieces of about
 * CHUNK characters instead of one string: a national ranking is 70 MB of indented text, which as one
 * string (two bytes a character once a Vietnamese name is in it) and then one UTF-8 copy costs more
 * than writing it as it is made. The outer levels are written here; every value from DEPTH down is
 * written by JSON.stringify itself (at its depth, so with the same indentation), the items of an
 * array at DEPTH − 1 in batches of BATCH.
 */
const GAP = "  ";
const DEPTH = 4;
const BATCH = 256;
const CHUNK = 1 << 20;

const indent = (depth: number): string => GAP.repeat(depth);

/** `[[…[value]…]]`, `depth` deep, and the text around the value in its JSON.stringify. */
function nested(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = [out];
  return out;
}
const prefixLength = (depth: number): number => {
  let n = 0;
  for (let k = 0; k < depth; k++) n += 2 * k + 2;
  return n + 2 * depth;
};
const suffixLength = (depth: number): number => {
  let n = 0;
  for (let k = 0; k < depth; k++) n += 2 * k + 2;
  return n;
};

/** JSON.stringify's text for a value at `depth` (undefined where it would leave the value out). */
function native(value: unknown, depth: number): string | undefined {
  if (depth === 0) return JSON.stringify(value, null, 2);
  const text = JSON.stringify(nested(value, depth), null, 2);
  const start = prefixLength(depth);
  const inner = text.slice(start, text.length - suffixLength(depth));
  // A value JSON.stringify leaves out of an object (undefined, a function) is null inside an array.
  return inner === "null" && value !== null ? JSON.stringify(value) : inner;
}

const isPlainContainer = (value: unknown): value is Record<string, unknown> | unknown[] => {
  if (typeof value !== "object" || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

export function writePrettyJson(value: unknown, write: (text: string) => void): void {
  let pending: string[] = [];
  let size = 0;
  const out = (text: string): void => {
    pending.push(text);
    size += text.length;
    if (size >= CHUNK) flush();
  };
  const flush = (): void => {
    if (size > 0) write(pending.join(""));
    pending = [];
    size = 0;
  };

  /**
   * Writes `before` and the value at `depth`; nothing, and false, where JSON.stringify leaves the value
   * out (undefined, a function, a toJSON giving undefined): an object then drops the key.
   */
  const emit = (v: unknown, depth: number, before: string): boolean => {
    if (depth >= DEPTH || !isPlainContainer(v)) {
      const text = native(v, depth);
      if (text === undefined) return false;
      out(before + text);
      return true;
    }
    out(before);
    const inner = indent(depth + 1);
    if (Array.isArray(v)) {
      if (v.length === 0) {
        out("[]");
        return true;
      }
      out("[\n");
      if (depth >= DEPTH - 1) {
        // The items in batches: each batch an array at this depth, written without its brackets.
        for (let i = 0; i < v.length; i += BATCH) {
          const text = native(v.slice(i, i + BATCH), depth) as string;
          out(`${i > 0 ? ",\n" : ""}${text.slice(2, text.length - 2 - 2 * depth)}`);
        }
      } else {
        v.forEach((item, i) => {
          const separator = i === 0 ? inner : `,\n${inner}`;
          if (!emit(item, depth + 1, separator)) out(`${separator}null`);
        });
      }
      out(`\n${indent(depth)}]`);
      return true;
    }
    let first = true;
    for (const key of Object.keys(v)) {
      if (emit(v[key], depth + 1, `${first ? "{\n" : ",\n"}${inner}${JSON.stringify(key)}: `)) first = false;
    }
    out(first ? "{}" : `\n${indent(depth)}}`);
    return true;
  };

  // JSON.stringify of a value it leaves out is undefined, which the template literal printed.
  if (!emit(value, 0, "")) out("undefined");
  out("\n");
  flush();
}
