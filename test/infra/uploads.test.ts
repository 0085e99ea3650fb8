import { describe, expect, it } from "vitest";
import { type Cfn, resourcesOf, synth } from "./synth-info.ts";

/**
 * Resumable uploads (shared/services/multipart.ts) in the cloud: the browser PUTs parts to the
 * evidence bucket from the site (CORS, ETag readable), an unfinished upload is aborted by the bucket
 * after a day, and the two routes' functions may do exactly the multipart calls they make.
 */
const full = synth("full");

const evidenceBucket = () =>
  resourcesOf(full.json, "AWS::S3::Bucket").find(
    ([, b]) => b.Properties.LoggingConfiguration?.LogFilePrefix === "s3/evidence/",
  )?.[1] as Cfn;

/** The statements of the policy of the function of `handler`. */
function statementsOf(handler: string): Cfn[] {
  const fn = resourcesOf(full.json, "AWS::Lambda::Function").find(
    ([, r]) => r.Properties.Description === `chiso ${handler}`,
  );
  if (!fn) throw new Error(`no function for ${handler}`);
  const role = fn[1].Properties.Role["Fn::GetAtt"][0] as string;
  return resourcesOf(full.json, "AWS::IAM::Policy")
    .filter(([, p]) => (p.Properties.Roles as Cfn[]).some((r) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Cfn[]);
}

const s3Actions = (handler: string) =>
  statementsOf(handler)
    .flatMap((s) => [s.Action].flat() as string[])
    .filter((a) => a.startsWith("s3:"))
    .sort();

describe("resumable uploads", () => {
  it("lets the site PUT parts to the evidence bucket and read their ETag", () => {
    const [rule] = evidenceBucket().Properties.CorsConfiguration.CorsRules as Cfn[];
    expect(rule?.AllowedMethods).toEqual(expect.arrayContaining(["PUT", "POST", "GET"]));
    expect(rule?.ExposedHeaders).toEqual(["ETag"]);
  });

  it("aborts an unfinished multipart upload after a day", () => {
    const rules = evidenceBucket().Properties.LifecycleConfiguration.Rules as Cfn[];
    expect(rules).toContainEqual(
      expect.objectContaining({
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: "Enabled",
      }),
    );
  });

  it("gives parts and complete the multipart rights they use, and no delete or read of files", () => {
    expect(s3Actions("evidence/parts")).toEqual(["s3:ListMultipartUploadParts", "s3:PutObject"]);
    expect(s3Actions("evidence/complete")).toEqual([
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
    ]);
  });
});
