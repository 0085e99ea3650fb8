import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { Route } from "../../functions/routes.ts";
import { ROUTES } from "../../functions/routes.ts";
import { buildApp } from "../../infra/cdk/build.ts";
import { ROOT } from "../../infra/cdk/settings.ts";
import { type SynthesizedApp, synthBundles } from "../../infra/local/bundles/synth.ts";
import { type NagReport, type SynthInfo, TEST_DOMAIN, TEST_REGION, TEST_SES } from "./synth-info.ts";

/** One public route on top of the table: the route table has none today, the stack must handle one. */
export const EXTRA_PUBLIC_ROUTE: Route = {
  method: "GET",
  path: "/api/public-test",
  handler: "frameworks/list",
  access: "public",
};

/**
 * The infra project's global setup: the app is synthesized ONCE per variant here and the test files
 * read the results from disk. No variant bundles its functions (esbuild on ~45 functions, about two
 * minutes of a loaded CI): the bundles checked are the bundle mode's (synthBundles, the cache the
 * bundles and e2e projects run, made once per source tree). A bundle does not depend on the stage or
 * its settings, only on the function's needs (bundlingFor), so the local stage's bundles are the
 * deployment's, byte for byte. They sit inside the repository, node_modules in reach.
 */
export default async function setup(project: TestProject) {
  process.env.CDK_DISABLE_VERSION_CHECK = "1";
  process.env.CDK_DISABLE_NOTICES = "1";
  process.env.CDK_DISABLE_CLI_TELEMETRY = "true";
  const base = join(ROOT, ".cache", `infra-synth-${process.pid}`);
  mkdirSync(base, { recursive: true });

  const full = run(
    "full",
    join(base, "full"),
    {
      stage: "test",
      region: TEST_REGION,
      domain: TEST_DOMAIN,
      apiCertificateArn: `arn:aws:acm:${TEST_REGION}:123456789012:certificate/66666666-7777-8888-9999-000000000000`,
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
      webAclArn:
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/chiso/11111111-2222-3333-4444-555555555555",
      sesIdentity: TEST_SES,
      alarmEmail: "ops@example.gov.vn",
      maxEvidenceBytes: "20000000",
    },
    { bundle: false, bundles: await synthBundles() },
  );
  const bare = run(
    "bare",
    join(base, "bare"),
    { stage: "bare", region: TEST_REGION },
    { bundle: false, routes: [...ROUTES, EXTRA_PUBLIC_ROUTE] },
  );
  const nowaf = run(
    "nowaf",
    join(base, "nowaf"),
    { stage: "nowaf", region: TEST_REGION, waf: "off" },
    { bundle: false },
  );
  project.provide("chisoInfra", { full, bare, nowaf });
  console.log(
    `infra: synthesized "full" in ${full.seconds.toFixed(1)} s, "bare" in ${bare.seconds.toFixed(1)} s, ` +
      `"nowaf" in ${nowaf.seconds.toFixed(1)} s`,
  );
  return () => {
    if (!process.env.KEEP_INFRA_SYNTH) rmSync(base, { recursive: true, force: true });
  };
}

function run(
  name: string,
  outdir: string,
  context: Record<string, string>,
  options: { bundle?: boolean; routes?: readonly Route[]; bundles?: SynthesizedApp } = {},
): SynthInfo {
  const began = Date.now();
  // CDK announces each of the ~30 bundlings on stderr: keep the test output to what the tests say.
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    String(chunk).startsWith("Bundling asset ")
      ? true
      : write(chunk, ...rest)) as typeof process.stderr.write;
  let error: string | undefined;
  let built: ReturnType<typeof buildApp>;
  try {
    built = buildApp({
      outdir,
      context: { ...context, ...(options.bundle === false ? { "aws:cdk:bundling-stacks": [] } : {}) },
      ...(options.routes ? { routes: options.routes } : {}),
    });
    try {
      built.app.synth();
    } catch (e) {
      // A cdk-nag finding nobody acknowledged fails the synth after the template is written: the nag
      // test reports it, the other tests still read the template.
      error = (e as Error).message;
    }
  } finally {
    process.stderr.write = write;
  }
  const { stack, waf } = built;
  const reportFile = join(outdir, "validation-report.json");
  const report = existsSync(reportFile)
    ? (JSON.parse(readFileSync(reportFile, "utf8")) as NagReport)
    : undefined;
  // The bundle mode's folders of this variant's functions (all of them: the same app).
  const bundles: Record<string, string> = {};
  const folders = new Map(options.bundles?.functions.map((f) => [f.handler, f.assetDir]));
  if (options.bundles)
    for (const handler of stack.functions.keys()) {
      const folder = folders.get(handler);
      if (!folder) throw new Error(`${handler}: the bundle mode's synth has no bundle of it`);
      bundles[handler] = folder;
    }
  return {
    name,
    context,
    outdir,
    templateFile: join(outdir, `${stack.stackName}.template.json`),
    ...(waf ? { wafTemplateFile: join(outdir, `${waf.stackName}.template.json`) } : {}),
    seconds: (Date.now() - began) / 1000,
    ...(error ? { error } : {}),
    ...(report ? { report } : {}),
    acknowledgements: stack.acknowledgements,
    staffMfaBundle: options.bundles?.triggers["triggers/staff-mfa"] ?? "",
    bundles,
  };
}
