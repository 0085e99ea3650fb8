import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { answersHttp, freePort, LOCAL_HOST } from "./ports.ts";
import { LIFELINE, type RunningEmulator, startProcess, waitUntilReady } from "./processes.ts";

export interface S3Options {
  port?: number;
  /** Where s3rver keeps buckets and objects (one sub-folder per bucket). */
  directory: string;
  /** Created if missing (idempotent); the CORS configuration is rewritten at every start. */
  buckets: string[];
  /** Origins allowed to call the buckets from a browser (the site, the Vite dev server). */
  corsOrigins: string[];
  /** Where `s3rver.log` and the applied CORS files go; by default next to `directory`. */
  logDir?: string;
  startTimeoutMs?: number;
}

/**
 * The S3Client settings s3rver needs: path-style URLs; checksums only when required (otherwise
 * streamed bodies are stored with their aws-chunked framing); and s3rver's one built-in key pair,
 * S3RVER / S3RVER (it refuses any other access key id, though it does not check v4 signatures).
 */
export function localS3ClientConfig(endpoint: string) {
  return {
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED" as const,
    responseChecksumValidation: "WHEN_REQUIRED" as const,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
}

/** What a browser upload by presigned POST needs; the headers are free so the SDK's can pass. */
export function corsConfigurationXml(origins: string[]): string {
  const lines = [
    ...origins.map((origin) => `<AllowedOrigin>${escapeXml(origin)}</AllowedOrigin>`),
    ...["GET", "PUT", "POST", "HEAD"].map((method) => `<AllowedMethod>${method}</AllowedMethod>`),
    "<AllowedHeader>*</AllowedHeader>",
    "<ExposeHeader>ETag</ExposeHeader>",
    "<MaxAgeSeconds>3000</MaxAgeSeconds>",
  ];
  return `<CORSConfiguration><CORSRule>${lines.join("")}</CORSRule></CORSConfiguration>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Makes s3rver's object writes atomic, as S3's are (s3rver-atomic.cjs). */
const ATOMIC_WRITES = fileURLToPath(new URL("./s3rver-atomic.cjs", import.meta.url));
/** ListParts, AbortMultipartUpload and S3's upload-id-to-key check (s3rver-multipart.cjs). */
const MULTIPART = fileURLToPath(new URL("./s3rver-multipart.cjs", import.meta.url));

/**
 * Starts s3rver 3.7.1 as a child process rather than in-process: its ListObjectsV2 continuation
 * tokens use the DES cipher, which Node 20 only offers with `--openssl-legacy-provider`. That flag
 * must be given when Node starts and weakens OpenSSL for the whole process, so it is confined to
 * the child instead of being imposed on `npm start` and every test worker. The child also keeps
 * s3rver's file I/O and MD5 hashing off the gateway's event loop.
 *
 * s3rver accepts unsigned requests and ignores a presigned POST's policy, so it listens on
 * 127.0.0.1 only and is never handed to a browser: the stack's presigned forms and URLs point at
 * the gateway's /s3/, which verifies them (s3-gate.ts) before it reads or writes here.
 */
export async function startS3(options: S3Options): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  const directory = resolve(options.directory);
  await mkdir(directory, { recursive: true });
  const logDir = options.logDir ?? dirname(directory);
  // The CLI takes bucket configurations as files; kept beside the log, they show what was applied.
  const configDir = join(logDir, "s3rver-config");
  await mkdir(configDir, { recursive: true });
  const bucketArgs: string[] = [];
  for (const bucket of options.buckets) {
    bucketArgs.push("--configure-bucket", bucket);
    if (options.corsOrigins.length > 0) {
      const file = join(configDir, `${bucket}.cors.xml`);
      await writeFile(file, corsConfigurationXml(options.corsOrigins));
      bucketArgs.push(file);
    }
  }
  const bin = join(
    dirname(createRequire(import.meta.url).resolve("s3rver/package.json")),
    "bin",
    "s3rver.js",
  );
  const proc = startProcess({
    name: "s3rver",
    command: process.execPath,
    args: [
      "--require",
      LIFELINE,
      "--require",
      ATOMIC_WRITES,
      "--require",
      MULTIPART,
      bin,
      "--directory",
      directory,
      "--address",
      LOCAL_HOST,
      "--port",
      String(port),
      ...bucketArgs,
    ],
    env: { NODE_OPTIONS: "--openssl-legacy-provider" },
    logDir,
  });
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  // The buckets exist before it listens, so the first answer means ready.
  await waitUntilReady(proc, () => answersHttp(`${endpoint}/`), {
    timeoutMs: options.startTimeoutMs ?? 15_000,
  });
  return { endpoint, port, stop: () => proc.stop() };
}
