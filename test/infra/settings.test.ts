import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { generatePassword, meetsPolicy, poolFromOutputs } from "../../infra/cdk/bootstrap-admin.ts";
import { readSettings } from "../../infra/cdk/settings.ts";

const read = (context: Record<string, string>) => readSettings((key) => context[key]);

describe("deployment settings (CDK context)", () => {
  it("defaults to a dev stage without domain, SES or web ACL", () => {
    const s = read({});
    expect(s).toMatchObject({ stage: "dev", reminderDays: "3,1", logRetention: RetentionDays.THREE_MONTHS });
    expect(s.domain).toBeUndefined();
    expect(s.sesIdentity).toBeUndefined();
    expect(s.reminderFrom).toBeUndefined();
  });

  it("turns the WAF on by default, with 1,000 API and 300 sign-in requests per 5 minutes per IP", () => {
    expect(read({})).toMatchObject({ waf: true, wafApiRateLimit: 1000, wafSignInRateLimit: 300 });
    expect(read({ waf: "off" }).waf).toBe(false);
    expect(read({ wafApiRateLimit: "3000" }).wafApiRateLimit).toBe(3000);
  });

  it("takes the region from -c region, else the CLI's default region, else Singapore", () => {
    expect(readSettings(() => undefined, {}).region).toBe("ap-southeast-1");
    expect(readSettings(() => undefined, { CDK_DEFAULT_REGION: "ap-east-1" }).region).toBe("ap-east-1");
    expect(
      readSettings((k) => (k === "region" ? "ap-northeast-1" : undefined), {
        CDK_DEFAULT_REGION: "ap-east-1",
      }).region,
    ).toBe("ap-northeast-1");
  });

  it("names the API's domain api.<domain> when only its certificate is given", () => {
    const s = read({
      region: "ap-southeast-1",
      domain: "chiso.example.gov.vn",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/a",
      apiCertificateArn: "arn:aws:acm:ap-southeast-1:123456789012:certificate/b",
    });
    expect(s.apiDomain).toBe("api.chiso.example.gov.vn");
  });

  it("derives the reminders' From address from the SES identity", () => {
    expect(read({ sesIdentity: "tuyenquang.gov.vn" }).reminderFrom).toBe("no-reply@tuyenquang.gov.vn");
    expect(read({ sesIdentity: "chiso@tuyenquang.gov.vn" }).reminderFrom).toBe("chiso@tuyenquang.gov.vn");
    expect(
      read({ sesIdentity: "tuyenquang.gov.vn", reminderFrom: "dti@tuyenquang.gov.vn" }).reminderFrom,
    ).toBe("dti@tuyenquang.gov.vn");
  });

  it.each([
    [{ stage: "Prod" }, /stage/],
    [{ domain: "chiso.example.gov.vn" }, /certificateArn/],
    [
      {
        domain: "chiso.example.gov.vn",
        certificateArn: "arn:aws:acm:ap-southeast-1:123456789012:certificate/x",
      },
      /us-east-1/,
    ],
    [{ sesIdentity: "not an identity" }, /sesIdentity/],
    [{ reminderFrom: "a@example.gov.vn" }, /needs sesIdentity/],
    [{ logRetentionDays: "42" }, /logRetentionDays/],
    [{ reminderDays: "3, 1" }, /reminderDays/],
    [{ maxEvidenceBytes: "-1" }, /maxEvidenceBytes/],
    [{ webAclArn: "arn:aws:wafv2:ap-southeast-1:123456789012:regional/webacl/x/y" }, /CLOUDFRONT/],
    [{ waf: "no" }, /waf/],
    [{ waf: "off", webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y" }, /contradict/],
    [{ wafApiRateLimit: "5" }, /wafApiRateLimit/],
    [{ region: "singapore" }, /region/],
    [{ apiDomain: "api.example.gov.vn" }, /apiCertificateArn/],
    [{ apiCertificateArn: "arn:aws:acm:ap-southeast-1:123456789012:certificate/x" }, /apiDomain/],
    [
      {
        region: "ap-southeast-1",
        apiDomain: "api.example.gov.vn",
        apiCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
      },
      /must be in ap-southeast-1/,
    ],
  ])("refuses %o", (context, message) => {
    expect(() => read(context as Record<string, string>)).toThrow(message);
  });
});

describe("bootstrap-admin", () => {
  it("generates passwords the pool accepts", () => {
    for (let i = 0; i < 200; i++) expect(meetsPolicy(generatePassword())).toBe(true);
    expect(meetsPolicy("short1!")).toBe(false);
    expect(meetsPolicy("nouppercase1!")).toBe(false);
  });

  it("reads the pool of a stage from the deploy outputs", () => {
    const dir = mkdtempSync(join(tmpdir(), "chiso-outputs-"));
    try {
      const file = join(dir, "outputs.json");
      writeFileSync(
        file,
        JSON.stringify({ "Chiso-prod": { UserPoolId: "ap-southeast-1_abc", Region: "ap-southeast-1" } }),
      );
      expect(poolFromOutputs(file, "prod")).toEqual({
        userPoolId: "ap-southeast-1_abc",
        region: "ap-southeast-1",
      });
      expect(() => poolFromOutputs(file, "dev")).toThrow(/Chiso-dev/);
      expect(() => poolFromOutputs(join(dir, "missing.json"), "prod")).toThrow(/npm run deploy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
