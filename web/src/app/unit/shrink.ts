/**
 * Photos shrunk in the browser before upload: a 4 MB phone photo on a weak link took 80 s. The long
 * edge goes down to 2000 px (an A4 scan at 2000 px is ~240 dpi: its text stays readable) and the
 * result is a JPEG at quality 0.85. HEIC/HEIF photos are converted to JPEG when the browser can decode
 * them (Safari can, Chromium cannot), otherwise they go as they are (the server accepts HEIC).
 * The decisions are plain functions (tested in test/web/shrink.test.ts); the drawing needs a browser.
 */
export const SHRINK = {
  /** The longest side of a shrunk image, in pixels. */
  longEdge: 2000,
  /** JPEG quality of the result. */
  quality: 0.85,
  /** A smaller JPEG/PNG is sent as it is: the decoding would cost more than the bytes saved. */
  minBytes: 400 * 1024,
  /** A result is kept only when it is at most this fraction of the original (else the original goes). */
  keepBelow: 0.9,
} as const;

export interface FileFacts {
  name: string;
  size: number;
}

export type ShrinkPlan = "skip" | "shrink" | "convert";

const extensionOf = (name: string) => name.toLowerCase().split(".").pop() ?? "";
const HEIF = new Set(["heic", "heif"]);
const RASTER = new Set(["jpg", "jpeg", "png"]);

/** What to try with a file: convert a HEIC, shrink a large JPEG/PNG, leave anything else. */
export function shrinkPlan(file: FileFacts): ShrinkPlan {
  const extension = extensionOf(file.name);
  if (HEIF.has(extension)) return "convert";
  if (RASTER.has(extension) && file.size >= SHRINK.minBytes) return "shrink";
  return "skip";
}

/** The drawn size: the long edge at most `longEdge`, the aspect ratio kept, never enlarged. */
export function targetSize(
  width: number,
  height: number,
  longEdge: number = SHRINK.longEdge,
): { width: number; height: number } {
  const scale = Math.min(1, longEdge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Whether the re-encoded file replaces the original: a converted HEIC always (the browser decoded
 * it, and a JPEG opens everywhere); a shrunk photo only when clearly smaller.
 */
export function keepResult(plan: ShrinkPlan, originalBytes: number, resultBytes: number): boolean {
  if (plan === "convert") return resultBytes > 0;
  if (plan === "shrink") return resultBytes > 0 && resultBytes <= originalBytes * SHRINK.keepBelow;
  return false;
}

/** "Ảnh chụp.HEIC" → "Ảnh chụp.jpg". */
export const jpegName = (name: string) => `${name.replace(/\.[^.]+$/, "")}.jpg`;

/** Draws the image at its target size on a white ground (a PNG's transparency) and encodes a JPEG. */
async function reencode(file: Blob): Promise<Blob | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const { width, height } = targetSize(bitmap.width, bitmap.height);
    const canvas =
      typeof OffscreenCanvas === "function"
        ? new OffscreenCanvas(width, height)
        : Object.assign(document.createElement("canvas"), { width, height });
    const context = canvas.getContext("2d") as
      | CanvasRenderingContext2D
      | OffscreenCanvasRenderingContext2D
      | null;
    if (!context) return null;
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, height);
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, width, height);
    if (canvas instanceof HTMLCanvasElement)
      return await new Promise<Blob | null>((resolve) =>
        canvas.toBlob(resolve, "image/jpeg", SHRINK.quality),
      );
    return await canvas.convertToBlob({ type: "image/jpeg", quality: SHRINK.quality });
  } finally {
    bitmap.close();
  }
}

/**
 * The file to upload: a smaller JPEG when that helps, else the file itself (a browser that cannot
 * decode it, a result that is not smaller, any failure).
 */
export async function shrinkForUpload(file: File): Promise<File> {
  const plan = shrinkPlan(file);
  if (plan === "skip" || typeof createImageBitmap !== "function") return file;
  try {
    const result = await reencode(file);
    if (!result || !keepResult(plan, file.size, result.size)) return file;
    return new File([result], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified });
  } catch {
    return file; // not decodable here (HEIC in Chromium, a broken image): the original goes
  }
}
