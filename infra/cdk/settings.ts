import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RetentionDays } from "aws-cdk-lib/aws-logs";

/** The repository root: infra/cdk/ is two levels down. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The deployment's parameters, read from CDK context (`-c key=value` on the command line, or a
 * `context` entry). Everything a province chooses lives here; everything else is fixed by the code.
 */
export interface Settings {
  /** Names the stack (`Chiso-<stage>`) and tags every resource: e.g. "dev", "prod", "tuyenquang". */
  stage: string;
  /** The site's own host name (e.g. "chiso.tuyenquang.gov.vn"); without it, the *.cloudfront.net name. */
  domain?: string;
  /** An ACM certificate in us-east-1 that covers `domain` (CloudFront only takes certificates there). */
  certificateArn?: string;
  /** A verified SES identity (a domain or an address) reminders are sent from. */
  sesIdentity?: string;
  /** The reminders' From address: `reminderFrom`, else the identity if it is an address, else no-reply@domain. */
  reminderFrom?: string;
  /**
   * An existing WAF web ACL (scope CLOUDFRONT, made in us-east-1) to put in front of the distribution,
   * instead of the one the app makes in its own us-east-1 stack (`Chiso-<stage>-waf`).
   */
  webAclArn?: string;
  /**
   * The app's own web ACL (managed rule groups + per-IP rate rules), in a small us-east-1 stack: on by
   * default; `waf=off` removes it (and the sign-in ACL), saving ≈ $13/month, at the price of no per-IP limit.
   */
  waf: boolean;
  /** The per-IP limit of the web ACL on /api/*: requests per 5 minutes (WAF's window). */
  wafApiRateLimit: number;
  /** The per-IP limit on Cognito's sign-in API (a regional web ACL on the user pool), per 5 minutes. */
  wafSignInRateLimit: number;
  /**
   * The API's own host name (e.g. "api.chiso.tuyenquang.gov.vn", default api.<domain>) when
   * apiCertificateArn is given: CloudFront's origin, and the execute-api endpoint is then disabled.
   */
  apiDomain?: string;
  /** An ACM certificate in the stack's own region (regional endpoint) covering apiDomain. */
  apiCertificateArn?: string;
  /** The stack's region: `region`, else CDK_DEFAULT_REGION (the CLI's profile), else ap-southeast-1. */
  region: string;
  /** Alarm notifications go to this address (an SNS e-mail subscription to confirm once). */
  alarmEmail?: string;
  logRetention: RetentionDays;
  /** REMINDER_DAYS: days before a deadline a reminder goes out ("3,1"). */
  reminderDays: string;
  /** MAX_EVIDENCE_BYTES, when the deployment wants another limit than the app's default. */
  maxEvidenceBytes?: number;
  /** The built web app (web/dist); when it does not exist, a placeholder page is deployed instead. */
  webDist: string;
  /** Whether webDist exists: the placeholder is deployed otherwise. */
  hasWebBuild: boolean;
}

export const CONTEXT_KEYS = [
  "stage",
  "domain",
  "certificateArn",
  "sesIdentity",
  "reminderFrom",
  "alarmEmail",
  "webAclArn",
  "waf",
  "wafApiRateLimit",
  "wafSignInRateLimit",
  "apiDomain",
  "apiCertificateArn",
  "region",
  "logRetentionDays",
  "reminderDays",
  "maxEvidenceBytes",
  "webDist",
] as const;

const RETENTIONS = new Map<number, RetentionDays>(
  Object.values(RetentionDays)
    .filter((v): v is RetentionDays => typeof v === "number" && v !== RetentionDays.INFINITE)
    .map((v) => [v, v]),
);

/** Reads and checks the settings; a bad value stops the synth with a message that says which and why. */
export function readSettings(
  context: (key: string) => unknown,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const text = (key: (typeof CONTEXT_KEYS)[number]): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === "") return undefined;
    return String(value).trim();
  };
  const stage = text("stage") ?? "dev";
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage))
    throw new Error(`stage "${stage}": lower-case letters, digits and -, starting with a letter, ≤ 20`);

  const domain = text("domain")?.toLowerCase();
  const certificateArn = text("certificateArn");
  if (domain && !/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domain))
    throw new Error(`domain "${domain}" is not a host name`);
  if (domain && !certificateArn)
    throw new Error("domain needs certificateArn: an ACM certificate in us-east-1 covering it");
  if (certificateArn && !domain) throw new Error("certificateArn goes with domain");
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn))
    throw new Error(`certificateArn "${certificateArn}" is not an ACM certificate ARN in us-east-1`);

  const sesIdentity = text("sesIdentity");
  if (sesIdentity && !/^([^@\s]+@)?([a-z0-9-]+\.)+[a-z]{2,}$/i.test(sesIdentity))
    throw new Error(`sesIdentity "${sesIdentity}" is neither an e-mail address nor a domain`);
  const reminderFrom =
    text("reminderFrom") ??
    (sesIdentity ? (sesIdentity.includes("@") ? sesIdentity : `no-reply@${sesIdentity}`) : undefined);
  if (reminderFrom && !sesIdentity) throw new Error("reminderFrom needs sesIdentity");

  const alarmEmail = text("alarmEmail");
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(alarmEmail))
    throw new Error(`alarmEmail "${alarmEmail}" is not an e-mail address`);

  const webAclArn = text("webAclArn");
  if (webAclArn && !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(webAclArn))
    throw new Error(`webAclArn "${webAclArn}" is not a CLOUDFRONT-scope WAFv2 web ACL ARN (us-east-1)`);

  const wafRaw = text("waf") ?? "on";
  if (!/^(on|off)$/.test(wafRaw)) throw new Error(`waf "${wafRaw}": "on" (default) or "off"`);
  const waf = wafRaw === "on";
  if (!waf && webAclArn) throw new Error("waf=off and webAclArn contradict each other: give one");
  const limit = (key: "wafApiRateLimit" | "wafSignInRateLimit", fallback: number) => {
    const raw = text(key);
    const value = raw === undefined ? fallback : Number(raw);
    // WAF's rate-based statements take 10 … 2,000,000,000 requests per evaluation window.
    if (!(Number.isInteger(value) && value >= 10 && value <= 2_000_000_000))
      throw new Error(`${key} "${raw}": a whole number of requests per 5 minutes, at least 10`);
    return value;
  };
  const wafApiRateLimit = limit("wafApiRateLimit", 1000);
  const wafSignInRateLimit = limit("wafSignInRateLimit", 300);

  const region = text("region") || env.CDK_DEFAULT_REGION || "ap-southeast-1";
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`region "${region}" is not an AWS region`);
  const apiCertificateArn = text("apiCertificateArn");
  const apiDomain =
    text("apiDomain")?.toLowerCase() ?? (apiCertificateArn && domain ? `api.${domain}` : undefined);
  if (apiDomain && !/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(apiDomain))
    throw new Error(`apiDomain "${apiDomain}" is not a host name`);
  if (apiDomain && !apiCertificateArn)
    throw new Error(
      "apiDomain needs apiCertificateArn: an ACM certificate in the stack's region covering it",
    );
  if (apiCertificateArn && !apiDomain) throw new Error("apiCertificateArn needs apiDomain (or domain)");
  if (apiCertificateArn) {
    const m = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[\w-]+$/.exec(apiCertificateArn);
    if (!m) throw new Error(`apiCertificateArn "${apiCertificateArn}" is not an ACM certificate ARN`);
    if (m[1] !== region)
      throw new Error(
        `apiCertificateArn is in ${m[1]}: the API's custom domain is regional, its certificate must be in ${region}`,
      );
  }

  const days = Number(text("logRetentionDays") ?? RetentionDays.THREE_MONTHS);
  const logRetention = RETENTIONS.get(days);
  if (logRetention === undefined)
    throw new Error(`logRetentionDays ${days}: one of ${[...RETENTIONS.keys()].join(", ")}`);

  const reminderDays = text("reminderDays") ?? "3,1";
  if (!/^\d+(,\d+)*$/.test(reminderDays)) throw new Error(`reminderDays "${reminderDays}": e.g. "3,1"`);

  const maxRaw = text("maxEvidenceBytes");
  const maxEvidenceBytes = maxRaw === undefined ? undefined : Number(maxRaw);
  if (maxEvidenceBytes !== undefined && !(Number.isInteger(maxEvidenceBytes) && maxEvidenceBytes > 0))
    throw new Error(`maxEvidenceBytes "${maxRaw}" is not a positive whole number`);

  const webRaw = text("webDist") ?? "web/dist";
  const webDist = isAbsolute(webRaw) ? webRaw : join(ROOT, webRaw);

  return {
    stage,
    ...(domain ? { domain } : {}),
    ...(certificateArn ? { certificateArn } : {}),
    ...(sesIdentity ? { sesIdentity } : {}),
    ...(reminderFrom ? { reminderFrom } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(webAclArn ? { webAclArn } : {}),
    waf,
    wafApiRateLimit,
    wafSignInRateLimit,
    ...(apiDomain ? { apiDomain } : {}),
    ...(apiCertificateArn ? { apiCertificateArn } : {}),
    region,
    logRetention,
    reminderDays,
    ...(maxEvidenceBytes !== undefined ? { maxEvidenceBytes } : {}),
    webDist,
    hasWebBuild: existsSync(join(webDist, "index.html")),
  };
}

/** The CloudFormation stack of a stage. */
export const stackName = (stage: string) => `Chiso-${stage}`;

/** The stage's web ACL stack, always in us-east-1 (CloudFront's web ACLs live there). */
export const wafStackName = (stage: string) => `Chiso-${stage}-waf`;
