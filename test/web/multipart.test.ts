import { afterEach, describe, expect, test } from "vitest";
import {
  clearResume,
  idsOfUploadKey,
  loadResume,
  MULTIPART_FROM,
  partRange,
  partsToSend,
  type ResumeState,
  resumeKey,
  saveResume,
} from "../../web/src/app/unit/multipart.ts";
import { addOrResume } from "../../web/src/app/unit/upload.ts";

const MiB = 1024 * 1024;

/** A file of a given declared size (its content stays small). */
const file = (name: string, size: number, lastModified = 1_700_000_000_000) => {
  const f = new File(["%PDF"], name, { lastModified });
  Object.defineProperty(f, "size", { value: size });
  return f;
};

const state = (over: Partial<ResumeState> = {}): ResumeState => ({
  periodId: "dti-2025",
  unitId: "so-tttt",
  evidenceId: "e-1",
  uploadId: "u-1",
  codes: ["1.1"],
  done: [1],
  startedAt: new Date().toISOString(),
  ...over,
});

afterEach(() => localStorage.clear());

describe("planning the parts", () => {
  test("a part is its slice of the file, the last one shorter", () => {
    const size = 20 * MiB + 5;
    expect(partRange(1, 8 * MiB, size)).toEqual([0, 8 * MiB]);
    expect(partRange(3, 8 * MiB, size)).toEqual([16 * MiB, size]);
  });

  test("a new upload sends every part; a resumed one only what storage lacks", () => {
    const size = 20 * MiB;
    expect(partsToSend(size, 8 * MiB, 3, [])).toEqual([1, 2, 3]);
    expect(
      partsToSend(size, 8 * MiB, 3, [
        { partNumber: 1, size: 8 * MiB },
        { partNumber: 3, size: 4 * MiB },
      ]),
    ).toEqual([2]);
  });

  test("a part storage holds cut short (a dropped PUT) is sent again", () => {
    expect(partsToSend(20 * MiB, 8 * MiB, 3, [{ partNumber: 1, size: MiB }])).toEqual([1, 2, 3]);
  });

  test("the ids come from the upload key add's form names", () => {
    expect(idsOfUploadKey("evidence/uploads/dti-2025/so-tttt/e-1")).toEqual({
      periodId: "dti-2025",
      unitId: "so-tttt",
      evidenceId: "e-1",
    });
    expect(idsOfUploadKey("evidence/files/dti-2025/so-tttt/e-1/abc")).toBeUndefined();
    expect(idsOfUploadKey(undefined)).toBeUndefined();
  });
});

describe("the resume state", () => {
  test("is kept by the file's name, size and date", () => {
    const a = file("Báo cáo.pdf", 20 * MiB);
    expect(resumeKey(a)).toBe(resumeKey(file("Báo cáo.pdf", 20 * MiB)));
    expect(resumeKey(a)).not.toBe(resumeKey(file("Báo cáo.pdf", 20 * MiB + 1)));
    expect(resumeKey(a)).not.toBe(resumeKey(file("Báo cáo.pdf", 20 * MiB, 1)));
    saveResume(localStorage, resumeKey(a), state());
    expect(loadResume(localStorage, resumeKey(a))).toEqual(state({ startedAt: expect.any(String) }));
    clearResume(localStorage, resumeKey(a));
    expect(loadResume(localStorage, resumeKey(a))).toBeUndefined();
  });

  test("is dropped when older than storage keeps an unfinished upload, or unreadable", () => {
    const old = new Date(Date.now() - 21 * 3_600_000).toISOString();
    saveResume(localStorage, "chiso.upload:x", state({ startedAt: old }));
    expect(loadResume(localStorage, "chiso.upload:x")).toBeUndefined();
    expect(localStorage.getItem("chiso.upload:x")).toBeNull();
    localStorage.setItem("chiso.upload:y", "{not json");
    expect(loadResume(localStorage, "chiso.upload:y")).toBeUndefined();
  });

  test("a reload finds the item again for the same file, unit and leaves, without asking the API", async () => {
    const big = file("Báo cáo.pdf", MULTIPART_FROM + 1);
    // Reloaded right after add, before the upload started: no upload id yet, the item all the same.
    saveResume(localStorage, resumeKey(big), state({ uploadId: "" }));
    const resumed = await addOrResume("dti-2025", "so-tttt", ["1.1"], big);
    expect(resumed.evidence.id).toBe("e-1");
    expect(resumed.upload.fields.key).toBe("evidence/uploads/dti-2025/so-tttt/e-1");
  });
});
