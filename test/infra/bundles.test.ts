import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { synth } from "./synth-info.ts";

/** The budget of the issue: what a function brings itself, minified, under 400 KB (cold starts). */
const BUDGET_KB = 400;
/**
 * Why no API function fits the budget whole: the pinned AWS SDK is bundled (infra/cdk/chiso-function.ts),
 * and since every handler gets its adapters from the one adapters() (functions/http/adapters.ts), every
 * bundle carries every client (≈ 1150 KB measured, DynamoDB's alone ≈ 300 KB). The clients other than
 * DynamoDB's sit there unevaluated until first use, so the import stays cheap (test/bench/cold-start.ts);
 * this ceiling catches a client bundled twice or a new one, and the budget holds for the rest.
 */
const WITH_SDK_KB = 1500;
/** The bytes of the AWS SDK, read from the source map: its packages are these scopes. */
const SDK_SOURCE = /node_modules\/@(aws-sdk|smithy|aws-crypto)\//;
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const full = synth("full");
// The route and job functions, and the Cognito pre token generation trigger.
const sizes = Object.entries({ ...full.bundles, "triggers/staff-mfa": full.staffMfaBundle })
  .map(([handler, dir]) => {
    const bytes = statSync(join(dir, "index.mjs")).size;
    return { handler, dir, kb: bytes / 1024, ownKb: (bytes - sdkBytes(dir)) / 1024 };
  })
  .sort((a, b) => a.handler.localeCompare(b.handler));

describe("function bundles", () => {
  it("are printed, one per function", () => {
    console.log(
      `bundle sizes (minified ESM, the pinned AWS SDK bundled), budget ${BUDGET_KB} KB without the SDK:\n` +
        sizes
          .map(
            (s) =>
              `  ${s.handler.padEnd(26)} ${s.kb.toFixed(1).padStart(7)} KB, ${s.ownKb.toFixed(1).padStart(6)} KB without the SDK`,
          )
          .join("\n"),
    );
    expect(sizes.length).toBe(Object.keys(full.bundles).length + 1);
    expect(sizes.length).toBeGreaterThan(20);
  });

  for (const { handler, kb, ownKb } of sizes) {
    it(`${handler} is under ${BUDGET_KB} KB without the SDK (${ownKb.toFixed(1)} KB), ${WITH_SDK_KB} KB with it`, () => {
      expect(ownKb).toBeLessThan(BUDGET_KB);
      expect(kb).toBeLessThan(WITH_SDK_KB);
    });
  }

  const away = mkdtempSync(join(tmpdir(), "chiso-bundles-"));
  afterAll(() => rmSync(away, { recursive: true, force: true }));

  it("load as ES modules on their own and export a handler (the createRequire banner, no missing import)", () => {
    // Each bundle is copied out of the repository first: with no node_modules in reach, a package left
    // out of the bundle fails the import instead of being found here.
    const files = sizes.map(({ handler, dir }) => {
      const file = join(away, `${handler.replaceAll("/", "-")}.mjs`);
      copyFileSync(join(dir, "index.mjs"), file);
      return file;
    });
    const script = `
      const { pathToFileURL } = await import("node:url");
      const files = JSON.parse(process.argv[1]);
      const failed = [];
      for (const file of files) {
        try {
          const m = await import(pathToFileURL(file).href);
          if (typeof m.handler !== "function") failed.push(file + ": no handler");
        } catch (e) { failed.push(file + ": " + e.message); }
      }
      console.log(JSON.stringify(failed));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(files)], {
      cwd: away,
      encoding: "utf8",
      env: {
        ...process.env,
        AWS_REGION: "ap-southeast-1",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
      timeout: 50_000,
    });
    expect(JSON.parse(out.trim().split("\n").at(-1) ?? "[]")).toEqual([]);
  });
});

/** The numbers of one source map segment (base64 VLQ). */
function segmentFields(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) shift += 5;
    else {
      fields.push(value % 2 ? -(value - 1) / 2 : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return fields;
}

/**
 * The characters of index.mjs that come from the AWS SDK: esbuild maps every token it emits, so each
 * mapped segment runs until the next one on its line (the minified code is ASCII: characters = bytes).
 */
function sdkBytes(dir: string): number {
  const lines = readFileSync(join(dir, "index.mjs"), "utf8").split("\n");
  const map = JSON.parse(readFileSync(join(dir, "index.mjs.map"), "utf8")) as {
    sources: string[];
    mappings: string;
  };
  const fromSdk = map.sources.map((source) => SDK_SOURCE.test(source));
  let source = 0;
  let total = 0;
  map.mappings.split(";").forEach((line, index) => {
    let column = 0;
    const starts = (line ? line.split(",") : []).map((segment) => {
      const [columnDelta = 0, sourceDelta, ...rest] = segmentFields(segment);
      column += columnDelta;
      if (sourceDelta === undefined) return { column, sdk: false };
      source += sourceDelta;
      return { column, sdk: rest.length > 0 && fromSdk[source] === true };
    });
    starts.forEach((start, i) => {
      if (start.sdk) total += (starts[i + 1]?.column ?? lines[index]?.length ?? 0) - start.column;
    });
  });
  return total;
}
