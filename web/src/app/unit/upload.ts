import { t } from "../../i18n/index.ts";
import { EVIDENCE_TYPES, MAX_EVIDENCE_BYTES } from "../values.ts";

/** What is wrong with a file before anything is sent: its type or its size (null when fine). */
export function fileProblem(file: File): string | null {
  const extension = file.name.toLowerCase().split(".").pop() ?? "";
  if (!EVIDENCE_TYPES[extension])
    return t("upload.badType", {
      name: file.name,
      types: Object.keys(EVIDENCE_TYPES).join(", ").toUpperCase(),
    });
  if (file.size === 0) return t("upload.empty", { name: file.name });
  if (file.size > MAX_EVIDENCE_BYTES)
    return t("upload.tooBig", { name: file.name, max: Math.floor(MAX_EVIDENCE_BYTES / 1024 / 1024) });
  return null;
}

/** The declared type: the one the API accepts for the file's extension (browsers often give none). */
export const contentTypeOf = (file: File) =>
  EVIDENCE_TYPES[file.name.toLowerCase().split(".").pop() ?? ""] ?? file.type;

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Posts the file to storage by the presigned POST (policy fields first, then the file), reporting
 * progress from 0 to 1. XMLHttpRequest, because fetch has no upload progress.
 */
export function postToStorage(
  upload: { url: string; fields: Record<string, string> },
  file: File,
  contentType: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    if (!("Content-Type" in upload.fields) && !("content-type" in upload.fields))
      form.append("Content-Type", contentType);
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText)?.[1];
        const tooLarge = code === "EntityTooLarge";
        reject(
          new UploadError(
            xhr.status,
            tooLarge
              ? t("upload.storageTooBig")
              : t("upload.storageRefused", { status: xhr.status, code: code ?? "" }),
          ),
        );
      }
    };
    xhr.onerror = () => reject(new UploadError(0, t("upload.network")));
    xhr.onabort = () => reject(new UploadError(-1, t("upload.cancelled")));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}
