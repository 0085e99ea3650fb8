import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListPartsCommand,
  NoSuchKey,
  NoSuchUpload,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { EvidenceFiles, StoredPart } from "../services/context.ts";
import { contentDisposition } from "./content-disposition.ts";

/** An upload form is short-lived: re-posting it only ever replaces the upload, never a confirmed file. */
export const UPLOAD_URL_SECONDS = 5 * 60;
/** A part's URL outlives one slow part (8 MB at 200 kbit/s is ~5.5 min); it is asked for again after. */
export const PART_URL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_SECONDS = 5 * 60;

/**
 * Evidence files in S3. Endpoint settings for a local S3 (s3rver) come from the environment:
 * S3_ENDPOINT and S3_PUBLIC_ENDPOINT (the address a browser reaches, for presigned URLs).
 */
export class S3EvidenceFiles implements EvidenceFiles {
  private readonly client: S3Client;
  private readonly signer: S3Client;
  private readonly partSigner: S3Client;

  constructor(
    private readonly bucket: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.client = new S3Client(s3Config(env.S3_ENDPOINT, env));
    this.signer = env.S3_PUBLIC_ENDPOINT ? new S3Client(s3Config(env.S3_PUBLIC_ENDPOINT, env)) : this.client;
    // A part URL must not carry a checksum of an empty body (the SDK's default since 3.729), or
    // S3 refuses every real part: checksums only when an operation requires one.
    this.partSigner = new S3Client({
      ...s3Config(env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT, env),
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
  }

  async startMultipart(key: string, contentType: string): Promise<string> {
    const started = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!started.UploadId) throw new Error("S3 started a multipart upload without an UploadId");
    return started.UploadId;
  }

  presignPart(key: string, uploadId: string, partNumber: number): Promise<string> {
    const command = new UploadPartCommand({
      Bucket: this.bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
    });
    return getSignedUrl(this.partSigner, command, { expiresIn: PART_URL_SECONDS });
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[] | undefined> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListPartsCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
        );
        for (const part of page.Parts ?? [])
          parts.push({ partNumber: part.PartNumber ?? 0, etag: part.ETag ?? "", size: part.Size ?? 0 });
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (error) {
      if (isNoSuchUpload(error)) return undefined;
      throw error;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
    }
  }

  async presignUpload(key: string, contentType: string, size: number) {
    const { url, fields } = await createPresignedPost(this.signer, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [
        ["eq", "$key", key],
        ["eq", "$Content-Type", contentType],
        ["content-length-range", size, size],
      ],
      Fields: { "Content-Type": contentType },
      Expires: UPLOAD_URL_SECONDS,
    });
    return { url, fields };
  }

  read(key: string): Promise<Uint8Array | undefined> {
    return readObject(this.client, this.bucket, key);
  }

  async keep(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }),
    );
  }

  async copy(from: string, to: string): Promise<boolean> {
    // CopySource is "bucket/key", URL-encoded; the type and metadata come with the object.
    const source = `${this.bucket}/${from.split("/").map(encodeURIComponent).join("/")}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source }));
      return true;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") return false;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  presignDownload(key: string, fileName: string, contentType: string, inline = false): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: contentType,
      ResponseContentDisposition: contentDisposition(inline ? "inline" : "attachment", fileName, "evidence"),
    });
    return getSignedUrl(this.signer, command, { expiresIn: DOWNLOAD_URL_SECONDS });
  }
}

/**
 * An object's bytes, or undefined when there is no such key. The SDK retries a failed request but not
 * a body cut off while it streams (a socket reset mid-transfer: "aborted"), so the whole read is tried
 * again, twice at most; an answer of S3 itself (it has an HTTP status) is not.
 */
export async function readObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<Uint8Array | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return result.Body ? await result.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
      const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (answered !== undefined || attempt >= 3) throw error;
    }
  }
}

const isNoSuchUpload = (error: unknown) =>
  error instanceof NoSuchUpload || (error as { name?: string }).name === "NoSuchUpload";

/** Client settings; a local endpoint needs path-style addressing and no streamed checksums (s3rver). */
export function s3Config(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  if (!endpoint) return {};
  return {
    endpoint,
    region: env.AWS_REGION ?? "us-east-1",
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
}
