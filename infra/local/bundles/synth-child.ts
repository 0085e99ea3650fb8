/**
 * The bundle mode's synth, in its own process (synth.ts starts it: `node --import tsx synth-child.ts
 * <outdir> <context JSON>`): the CDK app with every function bundled by esbuild as for a deployment,
 * and bundles.json beside the template, naming each chiso function's asset folder and limits, and the
 * Cognito trigger's folder.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { buildApp } from "../../cdk/build.ts";
import { type CfnTemplate, handlerOf } from "../template.ts";
import type { Manifest } from "./synth.ts";

const [outdir, context] = process.argv.slice(2);
if (!outdir || !context) throw new Error("usage: synth-child.ts <outdir> <context JSON>");

// CDK announces each of the ~30 bundlings on stderr.
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  String(chunk).startsWith("Bundling asset ") ? true : write(chunk, ...rest)) as typeof process.stderr.write;
// cdk-nag off: it checks the template, which the infra project checks; here only the code matters.
const { app, stack } = buildApp({ outdir, nag: false, context: JSON.parse(context) });
app.synth();
process.stderr.write = write;

const templateFile = `${stack.stackName}.template.json`;
const template = JSON.parse(await readFile(join(outdir, templateFile), "utf8")) as CfnTemplate;
const functions: Manifest["functions"] = Object.entries(template.Resources).flatMap(
  ([logicalId, resource]) => {
    const handler = handlerOf(resource);
    if (!handler) return [];
    const props = resource.Properties ?? {};
    const key = (props.Code as { S3Key?: unknown } | undefined)?.S3Key;
    if (typeof key !== "string") throw new Error(`${logicalId}: its code has no literal S3 key`);
    // The asset's folder is named after the hash that is also its zip's key.
    const asset = `asset.${key.replace(/\.zip$/, "")}`;
    if (!existsSync(join(outdir, asset, "index.mjs"))) throw new Error(`${logicalId}: no bundle in ${asset}`);
    // CloudFormation's defaults when the template leaves them out: 128 MB, 3 s.
    return [
      {
        logicalId,
        handler,
        asset,
        memoryMb: Number(props.MemorySize ?? 128),
        timeoutSeconds: Number(props.Timeout ?? 3),
      },
    ];
  },
);
// The Cognito trigger is no chiso route or job (the local stack does not run it), but its bundle is
// checked with theirs (test/infra/bundles.test.ts).
const triggerKey = stack.resolve(
  ((stack.staffMfa.function.node.defaultChild as CfnFunction).code as { s3Key?: string }).s3Key,
) as string;
const manifest: Manifest = {
  templateFile,
  functions,
  triggers: { "triggers/staff-mfa": `asset.${triggerKey.replace(/\.zip$/, "")}` },
};
await writeFile(join(outdir, "bundles.json"), `${JSON.stringify(manifest, null, 2)}\n`);
