import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { needsOf } from "../../infra/cdk/access.ts";
import { type AdapterPart, partsOf } from "../../infra/cdk/chiso-function.ts";
import { synth } from "./synth-info.ts";

/** The bundle budget: what a function brings itself, minified, under 400 KB (cold starts). */
const BUDGET_KB = 400;
/**
 * The pinned AWS SDK is bundled (infra/cdk/chiso-function.ts), but each bundle carries only the clients
 * of the adapters its needs name (infra/cdk/access.ts): 505–912 KB measured on 2026-11-28, the largest
 * the evidence functions (S3 and its presigners); 1,332–1,407 KB before, with every client. The
 * ceilings are what was measured plus ≈ 10 %: a client bundled twice, or one that slipped back into
 * every bundle, goes over them.
 */
const WITH_SDK_KB = 1000;
/**
 * The period job also writes the official documents: it carries the Tinos fonts (≈ 83 KB as base64) and
 * the PDF/DOCX writers, ≈ 115 KB of its own (its SDK part is unchanged, ≈ 708 KB). Its ceiling is that
 * plus ≈ 10 % like the others; it answers no click, so its cold start is nobody's wait.
 *
 * The restatement republishes, so it carries the same writers and, like the period job, the scorecards'
 * worker pool (≈ 3 KB; shared/services/document-pool.ts): 1,000.5 KB measured on 2026-11-28, the same
 * ceiling as the period job's.
 */
const WITH_SDK_KB_OF: Record<string, number> = { "jobs/period-job": 1110, "periods/restate": 1110 };
/** A function with no adapter beyond DynamoDB's (the SDK core, DynamoDB, Secrets Manager): 505–531 KB. */
const PLAIN_KB = 580;
/** The bytes of the AWS SDK, read from the source map: its packages are these scopes. */
const SDK_SOURCE = /node_modules\/@(aws-sdk|smithy|aws-crypto)\//;
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Each client an adapter brings, known in a bundle two ways: its package among the source map's sources,
 * and its service's shape name, which the minified client keeps as a string (its commands' target).
 */
const CLIENTS: { name: string; package: string; service: RegExp; of: AdapterPart[] }[] = [
  { name: "S3", package: "@aws-sdk/client-s3/", service: /\bAmazonS3\b/, of: ["evidenceFiles", "published"] },
  {
    name: "CloudFront",
    package: "@aws-sdk/client-cloudfront/",
    service: /\bCloudfront2020_05_31\b/,
    of: ["published"],
  },
  {
    name: "Cognito",
    package: "@aws-sdk/client-cognito-identity-provider/",
    service: /\bAWSCognitoIdentityProviderService\b/,
    of: ["users"],
  },
  {
    name: "Scheduler",
    package: "@aws-sdk/client-scheduler/",
    service: /\bAWSChronosService\b/,
    of: ["scheduler"],
  },
  { name: "Lambda", package: "@aws-sdk/client-lambda/", service: /\bAWSGirApiService\b/, of: ["jobs"] },
  { name: "SESv2", package: "@aws-sdk/client-sesv2/", service: /\bSimpleEmailService_v2\b/, of: ["mailer"] },
];

/** A function that makes its own client instead of using the adapters: the trigger reads a user's MFA. */
const OWN_CLIENTS: Record<string, string[]> = { "triggers/staff-mfa": ["Cognito"] };

const full = synth("full");
// The route and job functions, and the Cognito pre token generation trigger (no adapter at all).
const sizes = Object.entries({ ...full.bundles, "triggers/staff-mfa": full.staffMfaBundle })
  .map(([handler, dir]) => {
    const bytes = statSync(join(dir, "index.mjs")).size;
    const parts = partsOf(handler.startsWith("triggers/") ? {} : needsOf(handler));
    return { handler, dir, parts, kb: bytes / 1024, ownKb: (bytes - sdkBytes(dir)) / 1024 };
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

  for (const { handler, kb, ownKb, parts } of sizes) {
    const plain = !Object.values(parts).some(Boolean);
    const ceiling = plain ? PLAIN_KB : (WITH_SDK_KB_OF[handler] ?? WITH_SDK_KB);
    it(`${handler} is under ${BUDGET_KB} KB without the SDK (${ownKb.toFixed(1)} KB), ${ceiling} KB with it (${kb.toFixed(1)} KB)`, () => {
      expect(ownKb).toBeLessThan(BUDGET_KB);
      expect(kb).toBeLessThan(ceiling);
    });
  }

  it("carry the clients of the adapters their needs name and no other, and never the API contract", () => {
    const found: Record<string, string[]> = {};
    const wanted: Record<string, string[]> = {};
    for (const { handler, dir, parts } of sizes) {
      const code = readFileSync(join(dir, "index.mjs"), "utf8");
      const { sources } = JSON.parse(readFileSync(join(dir, "index.mjs.map"), "utf8")) as {
        sources: string[];
      };
      // Either sign counts, so a client cannot hide from one of them.
      found[handler] = CLIENTS.filter(
        (c) => c.service.test(code) || sources.some((s) => s.includes(`node_modules/${c.package}`)),
      ).map((c) => c.name);
      if (sources.some((s) => s.endsWith("shared/api/contract.ts"))) found[handler].push("contract");
      wanted[handler] = CLIENTS.filter((c) => c.of.some((part) => parts[part]))
        .map((c) => c.name)
        .concat(OWN_CLIENTS[handler] ?? []);
    }
    expect(found).toEqual(wanted);
    // Every sign is seen somewhere: a client renamed by an SDK update would otherwise pass as absent.
    for (const client of CLIENTS) {
      const holders = sizes.filter(({ parts }) => client.of.some((part) => parts[part]));
      expect(holders.length, client.name).toBeGreaterThan(0);
      for (const { dir } of holders) {
        const code = readFileSync(join(dir, "index.mjs"), "utf8");
        const map = readFileSync(join(dir, "index.mjs.map"), "utf8");
        expect(client.service.test(code) && map.includes(`node_modules/${client.package}`), client.name).toBe(
          true,
        );
      }
    }
  });

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
