import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chooseEncoding } from "../../../infra/local/static-files.ts";
import { webBuildReason } from "../../../infra/local/web-build.ts";

describe("npm start builds the web app when it must", () => {
  let root: string;
  const touch = async (path: string, seconds: number) => {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), "x");
    await utimes(join(root, path), seconds, seconds);
  };
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "chiso-web-build-"));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("when web/dist is missing", async () => {
    await touch("web/src/main.tsx", 1000);
    expect(await webBuildReason(root)).toBe("web/dist is missing");
  });

  it("when a source (of the web or of the shared modules it imports) is newer than the build", async () => {
    await touch("web/dist/index.html", 2000);
    await touch("web/src/app/deep/screen.tsx", 1000);
    expect(await webBuildReason(root)).toBeUndefined();
    await touch("shared/model/period-states.ts", 3000);
    expect(await webBuildReason(root)).toMatch(/newer/);
  });
});

describe("content encoding as CloudFront chooses it", () => {
  it.each([
    ["gzip, deflate, br", "br"],
    ["gzip", "gzip"],
    ["br;q=0, gzip;q=0.8", "gzip"],
    ["identity", undefined],
    [undefined, undefined],
    ["*", "br"],
    ["GZIP", "gzip"],
  ])("Accept-Encoding %s → %s", (accept, expected) => {
    expect(chooseEncoding(accept)).toBe(expected);
  });
});
