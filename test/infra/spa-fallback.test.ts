import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { SPA_FALLBACK } from "../../infra/cdk/constructs/site.ts";

/** The CloudFront function's code, run as CloudFront runs it: a `handler(event)` returning the request. */
const rewrite = (uri: string): string => {
  const handler = runInNewContext(`${SPA_FALLBACK}; handler`) as (event: unknown) => { uri: string };
  return handler({ request: { uri } }).uri;
};

describe("the site's path rewrite (CloudFront function)", () => {
  it.each([
    ["/", "/index.html"],
    ["/xep-hang/2022-h1", "/index.html"],
    ["/assets/index-abc.js", "/assets/index-abc.js"],
    ["/config.json", "/config.json"],
    ["/developers", "/developers/index.html"],
    ["/developers/", "/developers/index.html"],
    ["/developers/openapi.json", "/developers/openapi.json"],
    ["/developers/reference.css", "/developers/reference.css"],
    ["/developersx", "/index.html"],
  ])("%s → %s", (uri, expected) => {
    expect(rewrite(uri)).toBe(expected);
  });
});
