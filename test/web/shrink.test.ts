// @vitest-environment node
import { describe, expect, test } from "vitest";
import {
  jpegName,
  keepResult,
  SHRINK,
  shrinkForUpload,
  shrinkPlan,
  targetSize,
} from "../../web/src/app/unit/shrink.ts";
import { contentTypeOf, fileProblem } from "../../web/src/app/unit/upload.ts";
import { EVIDENCE_ACCEPT } from "../../web/src/app/values.ts";

const MB = 1024 * 1024;

describe("which files are shrunk in the browser", () => {
  test("a large JPEG or PNG is shrunk; a small one goes as it is", () => {
    expect(shrinkPlan({ name: "IMG_2024.JPG", size: 4 * MB })).toBe("shrink");
    expect(shrinkPlan({ name: "scan.png", size: 2 * MB })).toBe("shrink");
    expect(shrinkPlan({ name: "anh.jpeg", size: SHRINK.minBytes })).toBe("shrink");
    expect(shrinkPlan({ name: "anh.jpg", size: SHRINK.minBytes - 1 })).toBe("skip");
  });

  test("a HEIC/HEIF photo is converted whatever its size; documents are never touched", () => {
    expect(shrinkPlan({ name: "IMG_0001.HEIC", size: 100 })).toBe("convert");
    expect(shrinkPlan({ name: "a.heif", size: 3 * MB })).toBe("convert");
    for (const name of ["bien-ban.pdf", "bao-cao.docx", "so-lieu.xlsx", "scans.zip", "noextension"])
      expect(shrinkPlan({ name, size: 40 * MB })).toBe("skip");
  });
});

describe("the size drawn", () => {
  test("the long edge goes down to 2000 px, the aspect ratio kept (a phone photo, a portrait scan)", () => {
    expect(targetSize(4032, 3024)).toEqual({ width: 2000, height: 1500 });
    expect(targetSize(2480, 3508)).toEqual({ width: 1414, height: 2000 });
  });

  test("a picture already small enough is never enlarged; a sliver keeps one pixel", () => {
    expect(targetSize(1200, 800)).toEqual({ width: 1200, height: 800 });
    expect(targetSize(2000, 2000)).toEqual({ width: 2000, height: 2000 });
    expect(targetSize(40000, 10)).toEqual({ width: 2000, height: 1 });
  });
});

describe("whether the result replaces the original", () => {
  test("a shrunk photo only when clearly smaller (at most 90 %)", () => {
    expect(keepResult("shrink", 4 * MB, 350 * 1024)).toBe(true);
    expect(keepResult("shrink", 1000, 900)).toBe(true);
    expect(keepResult("shrink", 1000, 901)).toBe(false);
    expect(keepResult("shrink", 1000, 1200)).toBe(false);
    expect(keepResult("shrink", 1000, 0)).toBe(false);
  });

  test("a converted HEIC always (a JPEG opens everywhere), even when larger; a skipped file never", () => {
    expect(keepResult("convert", 1000, 1500)).toBe(true);
    expect(keepResult("convert", 1000, 0)).toBe(false);
    expect(keepResult("skip", 1000, 10)).toBe(false);
  });

  test("the converted file is named .jpg", () => {
    expect(jpegName("Ảnh quyết định.HEIC")).toBe("Ảnh quyết định.jpg");
    expect(jpegName("scan.v2.png")).toBe("scan.v2.jpg");
  });
});

describe("HEIC is accepted as it is when the browser cannot decode it", () => {
  test("the file picker and the checks take .heic/.heif, declared image/heic and image/heif", () => {
    expect(EVIDENCE_ACCEPT).toContain(".heic");
    expect(EVIDENCE_ACCEPT).toContain(".heif");
    const heic = new File(["x"], "IMG_0001.HEIC");
    expect(fileProblem(heic)).toBeNull();
    expect(contentTypeOf(heic)).toBe("image/heic");
    expect(contentTypeOf(new File(["x"], "a.heif"))).toBe("image/heif");
  });

  test("a file that cannot be decoded here goes unchanged", async () => {
    const heic = new File([new Uint8Array(64)], "IMG_0001.heic");
    expect(await shrinkForUpload(heic)).toBe(heic);
    const pdf = new File(["%PDF-1.4"], "a.pdf");
    expect(await shrinkForUpload(pdf)).toBe(pdf);
  });
});
