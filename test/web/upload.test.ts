import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { contentTypeOf, fileProblem, postToStorage, UploadError } from "../../web/src/app/unit/upload.ts";
import { MAX_EVIDENCE_BYTES } from "../../web/src/app/values.ts";

/** A file of a given declared size (its content stays small). */
const file = (name: string, size = 10, type = "") => {
  const f = new File(["x".repeat(Math.min(size, 10))], name, { type });
  Object.defineProperty(f, "size", { value: size });
  return f;
};

describe("checks before sending a file", () => {
  test("an accepted type of a fine size has no problem", () => {
    expect(fileProblem(file("bien-ban.pdf"))).toBeNull();
    expect(fileProblem(file("ANH.JPG"))).toBeNull();
    expect(fileProblem(file("bao-cao.docx", MAX_EVIDENCE_BYTES))).toBeNull();
  });

  test("another type is refused with the list of accepted ones", () => {
    const problem = fileProblem(file("virus.exe"));
    expect(problem).toContain("virus.exe: loại tệp không được nhận");
    expect(problem).toContain("PDF, JPG");
    expect(fileProblem(file("no-extension"))).toContain("loại tệp không được nhận");
  });

  test("an empty file and one over the limit are refused", () => {
    expect(fileProblem(file("a.pdf", 0))).toBe("a.pdf: tệp rỗng.");
    expect(fileProblem(file("a.pdf", MAX_EVIDENCE_BYTES + 1))).toBe("a.pdf: tệp quá lớn (tối đa 100 MB).");
  });

  test("the declared type is the API's for the extension, whatever the browser says", () => {
    expect(contentTypeOf(file("a.PDF", 10, "application/octet-stream"))).toBe("application/pdf");
    expect(contentTypeOf(file("b.xlsx"))).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(contentTypeOf(file("c.weird", 10, "text/weird"))).toBe("text/weird");
  });
});

/** A stand-in XMLHttpRequest that records what is sent and lets the test finish the request. */
class FakeXhr {
  static last: FakeXhr | undefined;
  method = "";
  url = "";
  body: FormData | undefined;
  status = 0;
  responseText = "";
  upload: { onprogress?: (event: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
  onload?: () => void;
  onerror?: () => void;
  onabort?: () => void;
  aborted = false;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  finish(status: number, text = "") {
    this.status = status;
    this.responseText = text;
    this.onload?.();
  }
}

describe("posting a file to storage", () => {
  beforeEach(() => vi.stubGlobal("XMLHttpRequest", FakeXhr));
  afterEach(() => vi.unstubAllGlobals());
  const target = { url: "http://storage.local/bucket", fields: { key: "k/1", policy: "p" } };

  test("the policy fields go first, then the declared type and the file; progress ends at 1", async () => {
    const progress: number[] = [];
    const done = postToStorage(target, file("a.pdf"), "application/pdf", (f) => progress.push(f));
    const xhr = FakeXhr.last as FakeXhr;
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe(target.url);
    expect([...(xhr.body?.keys() ?? [])]).toEqual(["key", "policy", "Content-Type", "file"]);
    expect(xhr.body?.get("Content-Type")).toBe("application/pdf");
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
    xhr.upload.onprogress?.({ lengthComputable: false, loaded: 7, total: 0 });
    xhr.finish(204);
    await done;
    expect(progress).toEqual([0.5, 1]);
  });

  test("a Content-Type among the policy fields is not sent twice", async () => {
    const done = postToStorage(
      { url: target.url, fields: { ...target.fields, "Content-Type": "image/png" } },
      file("a.png"),
      "image/png",
      () => undefined,
    );
    const xhr = FakeXhr.last as FakeXhr;
    expect(xhr.body?.getAll("Content-Type")).toEqual(["image/png"]);
    xhr.finish(200);
    await done;
  });

  test("storage's refusal is told by its code; too large has its own text", async () => {
    const refused = postToStorage(target, file("a.pdf"), "application/pdf", () => undefined);
    (FakeXhr.last as FakeXhr).finish(403, "<Error><Code>AccessDenied</Code></Error>");
    await expect(refused).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("AccessDenied"),
    });
    const tooBig = postToStorage(target, file("a.pdf"), "application/pdf", () => undefined);
    (FakeXhr.last as FakeXhr).finish(400, "<Error><Code>EntityTooLarge</Code></Error>");
    await expect(tooBig).rejects.toThrow("Kho lưu trữ từ chối: tệp lớn hơn kích thước đã khai.");
  });

  test("a network failure and a cancel are upload errors of their own", async () => {
    const lost = postToStorage(target, file("a.pdf"), "application/pdf", () => undefined);
    (FakeXhr.last as FakeXhr).onerror?.();
    await expect(lost).rejects.toBeInstanceOf(UploadError);
    await expect(lost).rejects.toMatchObject({ status: 0 });
    const controller = new AbortController();
    const cancelled = postToStorage(
      target,
      file("a.pdf"),
      "application/pdf",
      () => undefined,
      controller.signal,
    );
    controller.abort();
    expect((FakeXhr.last as FakeXhr).aborted).toBe(true);
    await expect(cancelled).rejects.toMatchObject({ status: -1, message: "Đã huỷ tải lên." });
  });
});
