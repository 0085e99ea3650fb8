/**
 * Preloaded into the s3rver child (`node --require s3rver-multipart.cjs …`): the multipart calls
 * s3rver 3.7.1 lacks, as S3 answers them, for resumable evidence uploads (shared/services/multipart.ts):
 * ListParts (GET ?uploadId) and AbortMultipartUpload (DELETE ?uploadId). And, as S3 does, an upload
 * id is only good with its own key: s3rver would put a part, or complete an upload, of any id under
 * whatever key it was started for; here another key gets NoSuchUpload.
 */
"use strict";

const fsp = require("node:fs/promises");
const path = require("node:path");
const router = require("s3rver/lib/routes");
const S3Error = require("s3rver/lib/models/error");

const noSuchUpload = () =>
  new S3Error(
    "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  );

/** The upload's folder when `uploadId` was started for this bucket and key, else NoSuchUpload. */
async function uploadDir(ctx, bucket, key, uploadId) {
  if (!/^[0-9a-f]{32}$/.test(uploadId)) throw noSuchUpload();
  const dir = path.join(ctx.store.getResourcePath(bucket, undefined, "uploads"), uploadId);
  const started = await fsp.readFile(path.join(dir, "key"), "utf8").catch(() => undefined);
  if (started !== key) throw noSuchUpload();
  return dir;
}

async function listParts(ctx, bucket, key, uploadId) {
  const dir = await uploadDir(ctx, bucket, key, uploadId);
  const numbers = (await fsp.readdir(dir))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  const parts = await Promise.all(
    numbers.map(async (number) => {
      const file = path.join(dir, String(number));
      const [stat, md5] = await Promise.all([fsp.stat(file), fsp.readFile(`${file}.md5`, "utf8")]);
      return {
        PartNumber: number,
        LastModified: stat.mtime.toISOString(),
        ETag: JSON.stringify(md5),
        Size: stat.size,
      };
    }),
  );
  ctx.body = {
    ListPartsResult: {
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumberMarker: 0,
      MaxParts: 10000,
      IsTruncated: false,
      ...(parts.length > 0 ? { Part: parts } : {}),
    },
  };
}

const routes = router.routes.bind(router);
router.routes = function multipartRoutes() {
  const dispatch = routes();
  return async function multipart(ctx, next) {
    const uploadId = ctx.query.uploadId;
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (typeof uploadId !== "string" || !match) return dispatch(ctx, next);
    const bucket = match[1];
    const key = match[2].split("/").map(decodeURIComponent).join("/");
    if (ctx.method === "GET") return listParts(ctx, bucket, key, uploadId);
    const dir = await uploadDir(ctx, bucket, key, uploadId);
    if (ctx.method === "DELETE") {
      await fsp.rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    return dispatch(ctx, next);
  };
};
