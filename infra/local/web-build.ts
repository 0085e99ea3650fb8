import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** What the web build reads: its own sources, the shared modules it imports, the API document. */
const INPUTS = [
  "web/index.html",
  "web/vite.config.ts",
  "web/src",
  "web/scripts",
  "web/public",
  "shared",
  "docs/openapi.json",
  "package-lock.json",
];

/** The newest modification time of the files under `paths` (0 when none exists). */
async function newest(root: string, paths: readonly string[]): Promise<number> {
  let latest = 0;
  for (const path of paths) {
    const full = join(root, path);
    const info = await stat(full).catch(() => undefined);
    if (!info) continue;
    if (info.isFile()) latest = Math.max(latest, info.mtimeMs);
    else if (info.isDirectory()) {
      const names = await readdir(full);
      latest = Math.max(latest, await newest(full, names));
    }
  }
  return latest;
}

/** Why the web app must be built first, or undefined when web/dist is current. */
export async function webBuildReason(root: string): Promise<string | undefined> {
  const built = await stat(join(root, "web/dist/index.html")).catch(() => undefined);
  if (!built) return "web/dist is missing";
  if ((await newest(root, INPUTS)) > built.mtimeMs) return "its sources are newer than web/dist";
  return undefined;
}

/**
 * Builds the web app (as `npm run build:web` does) when web/dist is missing or older than its
 * sources, so `npm ci && npm start` on a fresh clone serves the app, and an edited source is never
 * served stale.
 */
export async function ensureWebBuilt(root: string, log: (line: string) => void): Promise<void> {
  const reason = await webBuildReason(root);
  if (!reason) return;
  log(`Building the web app (${reason})…`);
  const began = Date.now();
  const { build } = await import("vite");
  await build({ configFile: join(root, "web/vite.config.ts"), logLevel: "warn" });
  log(`Web app built in ${((Date.now() - began) / 1000).toFixed(1)} s.`);
}
