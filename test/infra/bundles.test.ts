import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../infra/cdk/settings.ts";
import { synth } from "./synth-info.ts";

/** The budget of the issue: every function's minified bundle under 400 KB (cold starts). */
const BUDGET_KB = 400;

const full = synth("full");
// The route and job functions, and the Cognito pre token generation trigger.
const sizes = Object.entries({ ...full.bundles, "triggers/staff-mfa": full.staffMfaBundle })
  .map(([handler, dir]) => ({ handler, dir, kb: statSync(join(dir, "index.mjs")).size / 1024 }))
  .sort((a, b) => a.handler.localeCompare(b.handler));

describe("function bundles", () => {
  it("are printed, one per function", () => {
    console.log(
      `bundle sizes (minified ESM, @aws-sdk/* from the runtime), budget ${BUDGET_KB} KB:\n` +
        sizes.map((s) => `  ${s.handler.padEnd(26)} ${s.kb.toFixed(1).padStart(7)} KB`).join("\n"),
    );
    expect(sizes.length).toBe(Object.keys(full.bundles).length + 1);
    expect(sizes.length).toBeGreaterThan(20);
  });

  for (const { handler, kb } of sizes) {
    it(`${handler} is under ${BUDGET_KB} KB (${kb.toFixed(1)} KB)`, () => expect(kb).toBeLessThan(BUDGET_KB));
  }

  it("load as ES modules and export a handler (the createRequire banner, no missing import)", () => {
    // A child Node: the bundles import @aws-sdk/* (provided by the Lambda runtime) from node_modules here.
    const script = `
      const { pathToFileURL } = await import("node:url");
      const dirs = JSON.parse(process.argv[1]);
      const failed = [];
      for (const dir of dirs) {
        try {
          const m = await import(pathToFileURL(dir + "/index.mjs").href);
          if (typeof m.handler !== "function") failed.push(dir + ": no handler");
        } catch (e) { failed.push(dir + ": " + e.message); }
      }
      console.log(JSON.stringify(failed));`;
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", script, JSON.stringify(sizes.map((s) => s.dir))],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: {
          ...process.env,
          AWS_REGION: "ap-southeast-1",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
        timeout: 50_000,
      },
    );
    expect(JSON.parse(out.trim().split("\n").at(-1) ?? "[]")).toEqual([]);
  });
});
