/** Uploads a file by a presigned POST, as a browser does: the policy's fields first, then the file. */
export async function postUpload(
  upload: { url: string; fields: Record<string, string> },
  bytes: Uint8Array,
  contentType: string,
  fileName: string,
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", new Blob([bytes], { type: contentType }), fileName);
  return fetch(upload.url, { method: "POST", body: form });
}
