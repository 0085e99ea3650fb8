import { get } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { stack } from "../support/local-stack.ts";

/** One raw GET (no automatic decompression, unlike fetch): status, headers and the bytes as sent. */
function rawGet(path: string, acceptEncoding?: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((done, fail) => {
    const request = get(
      new URL(path, stack().url),
      { headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    request.on("error", fail);
  });
}

const assetOf = (html: string, extension: string) =>
  new RegExp(`/assets/[\\w.-]+\\${extension}`).exec(html)?.[0] ?? "";

describe("the front door: the web app served as CloudFront serves it", () => {
  it("serves the built app at / (not a 'not built' page)", async () => {
    const page = await rawGet("/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.body.toString("utf8")).toContain('<script type="module"');
    expect(page.body.toString("utf8")).not.toContain("not built");
  });

  it("compresses with brotli when the client takes it, gzip otherwise, and says so", async () => {
    const plain = await rawGet("/");
    const script = assetOf(plain.body.toString("utf8"), ".js");
    expect(script).not.toBe("");
    const identity = await rawGet(script);
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.headers.vary).toBe("accept-encoding");

    const br = await rawGet(script, "gzip, deflate, br");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
    expect(br.body.length).toBeLessThan(identity.body.length);

    const gzip = await rawGet(script, "gzip;q=1.0, br;q=0");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);
  });

  it("caches hashed assets for a year and revalidates the page itself", async () => {
    const page = await rawGet("/");
    expect(page.headers["cache-control"]).toBe("no-cache");
    const script = await rawGet(assetOf(page.body.toString("utf8"), ".js"));
    expect(script.headers["cache-control"]).toMatch(/immutable/);
  });

  it("answers a client-side route with the app's page", async () => {
    const route = await rawGet("/xep-hang/some-period", "br");
    expect(route.status).toBe(200);
    expect(brotliDecompressSync(route.body).toString("utf8")).toContain('<script type="module"');
  });
});
