import { describe, expect, it } from "vitest";
import { type Cfn, resourcesOf, synth } from "./synth-info.ts";

/**
 * Resumable uploads (shared/services/multipart.ts) in the cloud: the browser PUTs parts to the
 * evidence bucket from the site (CORS, ETag readable), an unfinished upload is aborted by the bucket
 * after a day (the two routes' rights: test/infra/iam.test.ts).
 */
const full = synth("full");

const evidenceBucket = () =>
  resourcesOf(full.json, "AWS::S3::Bucket").find(
    ([, b]) => b.Properties.LoggingConfiguration?.LogFilePrefix === "s3/evidence/",
  )?.[1] as Cfn;

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
});
