import { describe, expect, it } from "vitest";
import { CONTENT_TYPES } from "../../infra/local/static-files.ts";
import { PUBLISHED_TYPES } from "../../shared/services/publish.ts";
import { type Cfn, resourcesOf, synth } from "./synth-info.ts";

/**
 * A phone on a weak link gets every text file compressed: each CloudFront behaviour compresses, the
 * cache policies of the site and of /public/* accept gzip and brotli, and the Content-Types the app
 * and publication send are ones CloudFront compresses (AWS, "Serve compressed files": file types).
 */
const full = synth("full");
const bare = synth("bare");

/** From CloudFront's list of the types it compresses, the ones this app sends. */
const CLOUDFRONT_COMPRESSES = new Set([
  "application/javascript",
  "application/json",
  "image/svg+xml",
  "text/css",
  "text/csv",
  "text/html",
  "text/javascript",
]);
/** AWS's managed CachingOptimized policy (gzip and brotli enabled). */
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

const mediaType = (contentType: string) => contentType.split(";")[0]?.trim() ?? "";

describe("compression at the edge", () => {
  for (const variant of [full, bare]) {
    const config = resourcesOf(variant.json, "AWS::CloudFront::Distribution")[0]?.[1].Properties
      .DistributionConfig as Cfn;
    const behaviours = [config.DefaultCacheBehavior, ...(config.CacheBehaviors as Cfn[])] as Cfn[];
    const site = config.DefaultCacheBehavior;
    const published = (config.CacheBehaviors as Cfn[]).find((b) => b.PathPattern === "/public/*");

    it(`${variant.name}: every behaviour compresses`, () => {
      expect(behaviours.length).toBeGreaterThanOrEqual(3);
      for (const b of behaviours) expect(b.Compress, b.PathPattern ?? "default").toBe(true);
    });

    it(`${variant.name}: the site and /public/* are cached by policies that accept gzip and brotli`, () => {
      expect(site.CachePolicyId).toBe(CACHING_OPTIMIZED);
      const policy = variant.json.Resources[published?.CachePolicyId.Ref]?.Properties.CachePolicyConfig;
      expect(policy.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
      });
    });
  }

  it("publishes JSON and CSV with Content-Types CloudFront compresses (XLSX, DOCX, ZIP and PDF are compressed already)", () => {
    expect(CLOUDFRONT_COMPRESSES.has(mediaType(PUBLISHED_TYPES.json))).toBe(true);
    expect(CLOUDFRONT_COMPRESSES.has(mediaType(PUBLISHED_TYPES.csv))).toBe(true);
    for (const ext of ["xlsx", "docx", "zip", "pdf"] as const)
      expect(CLOUDFRONT_COMPRESSES.has(mediaType(PUBLISHED_TYPES[ext])), ext).toBe(false);
  });

  it("serves the app's text files (as the local gateway types them) with compressible types", () => {
    for (const ext of [".html", ".js", ".css", ".json", ".svg"])
      expect(CLOUDFRONT_COMPRESSES.has(mediaType(CONTENT_TYPES[ext] ?? "")), ext).toBe(true);
  });
});
