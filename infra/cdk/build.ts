import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { Route } from "../../functions/routes.ts";
import { ChisoStack } from "./chiso-stack.ts";
import { FEATURE_FLAGS } from "./feature-flags.ts";
import { readSettings, stackName } from "./settings.ts";

export interface BuildOptions {
  /** Context on top of the feature flags (tests pass the settings here; the CLI passes -c values). */
  context?: Record<string, unknown>;
  outdir?: string;
  /** cdk-nag AwsSolutions on every synth (default): an unacknowledged finding fails it. */
  nag?: boolean;
  /** Another route table (tests); functions/routes.ts by default. */
  routes?: readonly Route[];
}

/** The app: one stack per stage, checked by cdk-nag AwsSolutions. */
export function buildApp(options: BuildOptions = {}) {
  const app = new App({
    context: { ...FEATURE_FLAGS, ...options.context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const stack = new ChisoStack(app, stackName(settings.stage), {
    settings,
    ...(options.routes ? { routes: options.routes } : {}),
    description: `chiso (${settings.stage}): DTI self-assessment and ranking`,
    ...(account && region ? { env: { account, region } } : {}),
  });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, settings };
}
