import { describe, expect, it } from "vitest";
import { fromOrigin } from "../../../functions/http/origin.ts";

const secret = async () => "s3cr3t-value";

describe("the API only through CloudFront", () => {
  it("lets a request carrying the origin secret in, and strips the header", async () => {
    const headers: Record<string, string | undefined> = { "x-chiso-origin-secret": "s3cr3t-value", a: "b" };
    expect(await fromOrigin(headers, "x-chiso-origin-secret", secret)).toBe(true);
    expect(headers).toEqual({ a: "b" });
  });

  it("refuses a request without it, with another value, or of another length", async () => {
    for (const value of [undefined, "", "s3cr3t-valuX", "s3cr3t", "s3cr3t-value-and-more"])
      expect(await fromOrigin({ "x-chiso-origin-secret": value }, "x-chiso-origin-secret", secret)).toBe(
        false,
      );
  });

  it("refuses everything when the secret read back is empty", async () => {
    expect(await fromOrigin({ "x-chiso-origin-secret": "" }, "x-chiso-origin-secret", async () => "")).toBe(
      false,
    );
  });

  it("checks nothing where no secret is configured (the local gateway is the only way in)", async () => {
    expect(await fromOrigin({}, "x-chiso-origin-secret", undefined)).toBe(true);
  });
});
