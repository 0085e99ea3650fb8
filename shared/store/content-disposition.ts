/**
 * Content-Disposition for a file served from storage (RFC 6266): `filename` is an ASCII fallback for
 * old clients — accents dropped (NFD; Vietnamese đ/Đ as d/D), other non-ASCII left out, quotes and
 * backslashes as "_" — and `filename*` (RFC 8187) carries the exact name in UTF-8, with the characters
 * encodeURIComponent leaves ('()*) percent-encoded as well, since RFC 8187 does not allow them.
 */
export function contentDisposition(
  kind: "attachment" | "inline",
  fileName: string,
  fallback = "file",
): string {
  const ascii =
    fileName
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[^\x20-\x7e]/g, "")
      .replace(/["\\]/g, "_") || fallback;
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
