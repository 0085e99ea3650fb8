import { GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";
import {
  type PresignedTarget,
  StorageRefusal,
  verifyPresignedGet,
  verifyPresignedPart,
} from "../../../infra/local/s3-gate.ts";

/**
 * The local gateway's check of presigned URLs (infra/local/s3-gate.ts), against URLs signed by the
 * AWS SDK's own presigner as the evidence store signs them: a GET and an UploadPart PUT pass; a PUT
 * that is not a part, a part number out of S3's range, a GET's signature replayed as a PUT and an
 * expired URL are refused.
 */
const HOST = "127.0.0.1:4599";
const credentials = { accessKeyId: "local-key", secretAccessKey: "local-secret", region: "ap-southeast-1" };
const target: PresignedTarget = { pathPrefix: "/s3", bucket: "evidence-bucket", host: HOST, credentials };
const KEY = "evidence/2026/so-noi-vu/Quyết định số 1.pdf";

const signer = new S3Client({
  endpoint: `http://${HOST}/s3`,
  forcePathStyle: true,
  region: credentials.region,
  credentials,
  // As the evidence store's part signer: no checksum of an empty body in the URL.
  requestChecksumCalculation: "WHEN_REQUIRED",
});

/** The path and query of a URL the SDK presigned, as the request line carries them. */
const requestLine = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

const signGet = async (expiresIn = 300) =>
  requestLine(
    await getSignedUrl(
      signer,
      new GetObjectCommand({
        Bucket: target.bucket,
        Key: KEY,
        ResponseContentType: "application/pdf",
        ResponseContentDisposition: "inline",
      }),
      { expiresIn },
    ),
  );

const signPart = async (partNumber: number) =>
  requestLine(
    await getSignedUrl(
      signer,
      new UploadPartCommand({
        Bucket: target.bucket,
        Key: KEY,
        UploadId: "upload-1",
        PartNumber: partNumber,
      }),
      { expiresIn: 900 },
    ),
  );

/** The refusal `verify` throws: a StorageRefusal AccessDenied with its message. */
function refusal(verify: () => unknown): string {
  try {
    verify();
  } catch (error) {
    expect(error).toBeInstanceOf(StorageRefusal);
    expect((error as StorageRefusal).code).toBe("AccessDenied");
    return (error as Error).message;
  }
  throw new Error("the URL was accepted");
}

describe("the local gateway's presigned URL check", () => {
  it("passes a GET signed by the SDK, with its key decoded and its response overrides", async () => {
    expect(verifyPresignedGet(await signGet(), target)).toEqual({
      key: KEY,
      contentType: "application/pdf",
      contentDisposition: "inline",
    });
  });

  it("passes an UploadPart PUT signed by the SDK, with its upload and part", async () => {
    expect(verifyPresignedPart(await signPart(2), target)).toEqual({
      key: KEY,
      uploadId: "upload-1",
      partNumber: 2,
    });
    expect(verifyPresignedPart(await signPart(10_000), target).partNumber).toBe(10_000);
  });

  it("refuses a PUT that is not a part of a multipart upload (no uploadId)", async () => {
    const put = requestLine(
      await getSignedUrl(signer, new PutObjectCommand({ Bucket: target.bucket, Key: KEY }), {
        expiresIn: 300,
      }),
    );
    expect(refusal(() => verifyPresignedPart(put, target))).toBe(
      "only a presigned part of a multipart upload may be put",
    );
  });

  it.each([0, 10_001])("refuses part number %i (S3 numbers parts 1 to 10000)", async (partNumber) => {
    const url = await signPart(partNumber);
    expect(url).toContain(`partNumber=${partNumber}`);
    expect(refusal(() => verifyPresignedPart(url, target))).toBe(
      "only a presigned part of a multipart upload may be put",
    );
  });

  it("refuses a GET's signature replayed as a PUT", async () => {
    const get = await signGet();
    expect(refusal(() => verifyPresignedPart(get, target))).toBe("the URL's signature does not match");
  });

  it("refuses an expired URL, and one signed for another host", async () => {
    const url = await signGet(60);
    const later = new Date(Date.now() + 61_000);
    expect(refusal(() => verifyPresignedGet(url, target, later))).toBe("the URL has expired");
    expect(refusal(() => verifyPresignedGet(url, { ...target, host: "evil.example:4599" }))).toBe(
      "the URL's signature does not match",
    );
  });
});
