import { TemplateResolver } from "../template.ts";
import { BundleInvoker, type LocalFunction } from "./invoker.ts";
import { lambdaEnvironment } from "./lambda-env.ts";
import { pruneBundles, type SynthesizedApp, synthBundles } from "./synth.ts";

export { synthBundles };

/** Options of the bundle mode (StackOptions.bundles). */
export interface BundleModeOptions {
  /** Appends each environment variable a function reads to this JSONL file (the rights test reads it). */
  envReadsFile?: string;
  /** Instances per function at most (default 8). */
  maxInstances?: number;
}

/**
 * The bundle mode of the local stack: the functions as the CDK app ships them (synth.ts), each run by
 * a BundleInvoker with the environment its template gives it, resolved to this machine's names, plus
 * what Lambda and the local endpoints add (lambda-env.ts, LAMBDA_ADDITIONS).
 */
export async function bundleInvoker(
  app: SynthesizedApp,
  local: {
    region: string;
    userPoolId: string;
    /** The stack's environment: credentials and endpoints come from it. */
    stackEnv: Record<string, string>;
    logDir: string;
  },
  options: BundleModeOptions = {},
): Promise<BundleInvoker> {
  const resolver = new TemplateResolver(app.template, {
    region: local.region,
    userPoolId: local.userPoolId,
  });
  const functions: LocalFunction[] = app.functions.map((fn) => ({
    handler: fn.handler,
    file: fn.file,
    assetDir: fn.assetDir,
    memoryMb: fn.memoryMb,
    timeoutSeconds: fn.timeoutSeconds,
    env: lambdaEnvironment(fn, resolver.environment(fn.logicalId), local.stackEnv, local.region),
  }));
  // Old synths (of sources since changed) are dropped: each is tens of MB.
  await pruneBundles(app.dir).catch(() => undefined);
  return new BundleInvoker({
    functions,
    region: local.region,
    logDir: local.logDir,
    ...(options.maxInstances ? { maxInstances: options.maxInstances } : {}),
    ...(options.envReadsFile ? { envReadsFile: options.envReadsFile } : {}),
  });
}
