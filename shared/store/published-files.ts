import { CloudFrontClient, CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { PublishedFiles } from "../services/context.ts";
import { contentDisposition } from "./content-disposition.ts";
import { readObject, s3Config } from "./evidence-files.ts";

/** Snapshots never change: cached for a year. Pointers move with each publication: a minute. */
const CACHE = { immutable: "public, max-age=31536000, immutable", pointer: "public, max-age=60" };

/**
 * Published files in the site bucket. In the cloud CloudFront serves them, and only the moving
 * pointers are invalidated (DISTRIBUTION_ID); locally the gateway reads the bucket directly.
 */
export class S3PublishedFiles implements PublishedFiles {
  private readonly client: S3Client;
  private readonly cdn: CloudFrontClient | undefined;

  constructor(
    private readonly bucket: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.client = new S3Client(s3Config(env.S3_ENDPOINT, env));
    this.cdn = env.DISTRIBUTION_ID ? new CloudFrontClient({}) : undefined;
  }

  async put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    cache: "immutable" | "pointer",
    downloadName?: string,
  ) {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        CacheControl: CACHE[cache],
        ...(downloadName ? { ContentDisposition: contentDisposition("attachment", downloadName) } : {}),
      }),
    );
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return readObject(this.client, this.bucket, key);
  }

  async invalidate(keys: string[]): Promise<void> {
    if (!this.cdn || keys.length === 0) return;
    await this.cdn.send(
      new CreateInvalidationCommand({
        DistributionId: this.env.DISTRIBUTION_ID,
        InvalidationBatch: {
          CallerReference: `${Date.now()}-${keys.length}`,
          Paths: { Quantity: keys.length, Items: keys.map((k) => `/${k}`) },
        },
      }),
    );
  }
}
