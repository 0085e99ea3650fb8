/**
 * Preloaded into the s3rver child (`node --require s3rver-atomic.cjs …`): makes an object's write
 * atomic, as S3's is. s3rver 3.7.1 writes a new version over the old file in place and its size and
 * MD5 in other files afterwards, so a read during a write gets a short body or a reset ("aborted"):
 * two publications rewriting the open-data index at once saw exactly that. Here a write goes to a
 * temporary file first, and the object, its MD5 and its metadata are renamed into place under a
 * per-key lock that reads also take until their file is open (an open file keeps its content).
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const fsp = require("node:fs/promises");
const path = require("node:path");
const { pipeline } = require("node:stream/promises");
const { Readable, Transform } = require("node:stream");

const FilesystemStore = require("s3rver/lib/stores/filesystem");

/** Per-key chains of critical sections (s3rver is one process). */
const locks = new Map();
function withLock(key, section) {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(section, section);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  tail.then(() => {
    if (locks.get(key) === tail) locks.delete(key);
  });
  return run;
}

const proto = FilesystemStore.prototype;
const { getMetadata, getObject, putMetadata, deleteObject } = proto;
const lockKey = (bucket, key) => `${bucket}\n${key}`;

proto.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, "object");
  await fsp.mkdir(path.dirname(objectPath), { recursive: true });
  const temporary = `${objectPath}.${crypto.randomBytes(6).toString("hex")}.writing`;
  const md5 = crypto.createHash("md5");
  let size = 0;
  try {
    const content = Buffer.isBuffer(object.content) ? [object.content] : object.content;
    await pipeline(
      Readable.from(content),
      new Transform({
        transform(chunk, _encoding, callback) {
          md5.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      fs.createWriteStream(temporary),
    );
    const digest = md5.digest("hex");
    await withLock(lockKey(object.bucket, object.key), async () => {
      await fsp.rename(temporary, objectPath);
      await putMetadata.call(this, object.bucket, object.key, object.metadata, digest);
    });
    return { size, md5: digest };
  } finally {
    await fsp.rm(temporary, { force: true });
  }
};

proto.getObject = function (bucket, key, options) {
  // Inside the section the original reads the metadata without taking the lock a second time.
  const unlocked = Object.create(this, { getMetadata: { value: getMetadata } });
  return withLock(lockKey(bucket, key), () => getObject.call(unlocked, bucket, key, options));
};

proto.getMetadata = function (bucket, key) {
  return withLock(lockKey(bucket, key), () => getMetadata.call(this, bucket, key));
};

proto.deleteObject = function (bucket, key) {
  return withLock(lockKey(bucket, key), () => deleteObject.call(this, bucket, key));
};
