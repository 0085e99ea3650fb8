import { readFileSync } from "node:fs";
import { Template } from "aws-cdk-lib/assertions";
import { inject } from "vitest";
import type { Acknowledgement } from "../../infra/cdk/nag.ts";

/** One synthesized variant of the app, as the global setup hands it to the test files. */
export interface SynthInfo {
  name: string;
  context: Record<string, string>;
  outdir: string;
  templateFile: string;
  /** The us-east-1 stack of the app's own CloudFront web ACL (waf on, no webAclArn given). */
  wafTemplateFile?: string;
  /** The Cognito pre token generation trigger's bundle directory ("full" only). */
  staffMfaBundle: string;
  seconds: number;
  /** The synth's error, when it failed (a cdk-nag finding that nobody acknowledged, say). */
  error?: string;
  /** cdk-nag's report (validation-report.json): violations and the suppressed (acknowledged) ones. */
  report?: NagReport;
  acknowledgements: Acknowledgement[];
  /** handler module → the bundle's directory ("full" only: the bundle mode's, see synth-setup.ts). */
  bundles: Record<string, string>;
}

export interface NagViolation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
  acknowledgedId?: string;
  acknowledgedAt?: string;
  reason?: string;
}

export interface NagReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: NagViolation[];
    suppressedViolations?: NagViolation[];
  }[];
}

export interface InfraSynth {
  /** With a custom domain, SES, a web ACL and alarm e-mail: the production shape, and the bundles. */
  full: SynthInfo;
  /** No domain, no SES, the app's own web ACL (us-east-1 stack), plus one public route; not bundled. */
  bare: SynthInfo;
  /** waf=off; not bundled. */
  nowaf: SynthInfo;
}

declare module "vitest" {
  export interface ProvidedContext {
    chisoInfra: InfraSynth;
  }
}

const templates = new Map<string, Template>();

/** The synthesized variant and its template (parsed once per test file). */
export function synth(variant: keyof InfraSynth): SynthInfo & { template: Template; json: CfnTemplate } {
  const info = inject("chisoInfra")[variant];
  const json = JSON.parse(readFileSync(info.templateFile, "utf8")) as CfnTemplate;
  let template = templates.get(variant);
  if (!template) {
    template = Template.fromJSON(json);
    templates.set(variant, template);
  }
  return { ...info, template, json };
}

/** CloudFormation JSON as the assertions read it: untyped by nature. */
// biome-ignore lint/suspicious/noExplicitAny: a synthesized template is untyped JSON
export type Cfn = any;

export interface CfnResource {
  Type: string;
  Properties: Cfn;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

export const resourcesOf = (json: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(json.Resources).filter(([, r]) => r.Type === type);

/** The test context shared by the variants. */
export const TEST_DOMAIN = "chiso.example.gov.vn";
export const TEST_SES = "example.gov.vn";
export const TEST_REGION = "ap-southeast-1";

/** The us-east-1 web ACL stack's template of a variant. */
export function wafTemplate(variant: keyof InfraSynth): CfnTemplate | undefined {
  const file = inject("chisoInfra")[variant].wafTemplateFile;
  return file ? (JSON.parse(readFileSync(file, "utf8")) as CfnTemplate) : undefined;
}
