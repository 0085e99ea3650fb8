import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { writePrettyJson } from "../../../shared/cli/pretty-json.ts";

// The score CLI writes the snapshot in pieces; the text must stay byte for byte what the publication
// writes, `${JSON.stringify(snapshot, null, 2)}\n`, whatever the value holds.

function written(value: unknown): { text: string; pieces: number } {
  const pieces: string[] = [];
  writePrettyJson(value, (text) => pieces.push(text));
  return { text: pieces.join(""), pieces: pieces.length };
}

const expected = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const snapshot = JSON.parse(
  readFileSync(new URL("../../fixtures/all-methods-expected.json", import.meta.url), "utf8"),
) as { groups: { units: unknown[] }[] };

describe("writePrettyJson", () => {
  it.each<[string, unknown]>([
    ["the sample snapshot", snapshot],
    ["undefined", undefined],
    ["null", null],
    ["a string", "Sở Nội vụ"],
    ["an empty array", []],
    ["an empty object", {}],
    [
      "undefined, functions and symbols (left out of objects, null in arrays)",
      {
        a: undefined,
        b: () => 1,
        c: [undefined, () => 1, Symbol("s"), Number.NaN, Number.POSITIVE_INFINITY, -0],
        d: Symbol("s"),
      },
    ],
    [
      "toJSON, dates, a toJSON that gives undefined",
      {
        at: new Date(0),
        own: { toJSON: () => ({ x: 1 }) },
        gone: { toJSON: () => undefined },
        list: [{ toJSON: () => undefined }, { b: 1 }],
      },
    ],
    ["deep nesting with empty containers", { a: { b: { c: { d: { e: [[], {}, [[[1]]], { f: [] }] } } } } }],
    ["arrays of arrays deeper than the split", [[[[[[1, [2, []]]]]]]]],
    [
      "keys that need escaping, and integer-like keys (which come first)",
      {
        z: 1,
        "2": "b",
        "1": "a",
        'quote"d': "line\nbreak\u2028",
        ạ: "Việt",
      },
    ],
    ["a null prototype", Object.assign(Object.create(null), { a: [1, 2], b: { c: null } })],
  ])("writes %s as JSON.stringify does", (_name, value) => {
    expect(written(value).text).toBe(expected(value));
  });

  it("writes a national-sized ranking in pieces, the same text", () => {
    const unit = snapshot.groups[0]?.units[0];
    const big = {
      ...snapshot,
      groups: snapshot.groups.map((g, i) => ({
        ...g,
        units: Array.from({ length: 3000 + i }, (_, j) => ({ ...(unit as object), rank: j + 1 })),
      })),
    };
    const { text, pieces } = written(big);
    expect(text).toBe(expected(big));
    expect(pieces).toBeGreaterThan(1);
  });
});
