import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { Route } from "../../functions/routes.ts";
import { ChisoStack } from "./chiso-stack.ts";
import { FEATURE_FLAGS } from "./feature-flags.ts";
import { readSettings, stackName, wafStackName } from "./settings.ts";
import { WafStack } from "./waf.ts";

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
  // The region is always explicit (settings.region): the web ACL of a CloudFront distribution lives in
  // us-east-1, and CDK's cross-region references need both regions known at synth time. The account
  // may stay unknown offline (`npm run synth`): the CLI fills it in at deployment.
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const env = { region: settings.region, ...(account ? { account } : {}) };
  const waf =
    settings.waf && !settings.webAclArn
      ? new WafStack(app, wafStackName(settings.stage), {
          stage: settings.stage,
          apiRateLimit: settings.wafApiRateLimit,
          description: `chiso (${settings.stage}): the CloudFront web ACL (us-east-1)`,
          env: { ...env, region: "us-east-1" },
          crossRegionReferences: true,
        })
      : undefined;
  const cloudFrontWebAclArn = settings.webAclArn ?? waf?.webAcl.attrArn;
  const stack = new ChisoStack(app, stackName(settings.stage), {
    settings,
    ...(options.routes ? { routes: options.routes } : {}),
    ...(cloudFrontWebAclArn ? { cloudFrontWebAclArn } : {}),
    description: `chiso (${settings.stage}): DTI self-assessment and ranking`,
    env,
    crossRegionReferences: waf !== undefined,
  });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, waf, settings };
}
