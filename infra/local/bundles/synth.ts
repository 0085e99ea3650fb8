import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CfnTemplate } from "../template.ts";

const ROOT = join(import.meta.dirname, "../../..");
const SYNTH_CHILD = fileURLToPath(new URL("./synth-child.ts", import.meta.url));

/** Where the synthesized app of the bundle mode is kept, one folder per content hash of its inputs. */
export const BUNDLES_CACHE = join(ROOT, ".cache/bundles");

/** What the bundles are built from: a change to any of these files is a new synth. */
const INPUTS = [
  "functions",
  "shared",
  "infra/cdk",
  "infra/local/bundles/synth-child.ts",
  "package-lock.json",
  "tsconfig.json",
];

/** The settings of the local synth; part of the hash. */
const CONTEXT = {
  stage: "local",
  region: "us-east-1",
  // The reminder job gets its SES From (REMINDER_FROM) only with an identity, as in the cloud.
  sesIdentity: "chiso.local",
  // The web ACL is a second stack (us-east-1) with no function in it: nothing to run locally.
  waf: "off",
  // As `cdk synth` and `cdk deploy` do: each resource's construct path in its metadata, by which the
  // template resolver (infra/local/template.ts) names it locally.
  "aws:cdk:enable-path-metadata": true,
};

/** One function of the synthesized app, as the bundle mode runs it. */
export interface BundledFunction {
  logicalId: string;
  /** The handler module under functions/: "periods/transition". */
  handler: string;
  /** The asset folder (the Lambda task root) and its entry file index.mjs. */
  assetDir: string;
  file: string;
  memoryMb: number;
  timeoutSeconds: number;
}

export interface SynthesizedApp {
  dir: string;
  template: CfnTemplate;
  functions: BundledFunction[];
  /** The bundle folders of the functions that are not routes or jobs: the Cognito trigger's. */
  triggers: Record<string, string>;
  /** Whether this start synthesized the app (false: the cache had it). */
  synthesized: boolean;
  seconds: number;
}

/** What synth-child.ts writes beside the template (bundles.json). */
export interface Manifest {
  templateFile: string;
  /** Each function with its asset folder's name (the folder is renamed with the synth). */
  functions: (Omit<BundledFunction, "assetDir" | "file"> & { asset: string })[];
  /** "triggers/staff-mfa" → its asset folder's name. */
  triggers: Record<string, string>;
}

/**
 * The CDK app synthesized for the local stage, with every function bundled by esbuild exactly as for a
 * deployment (cdk-nag off: it checks the template, not the code). The result is kept under
 * .cache/bundles/<hash of the inputs>/ so that the next start with the same sources reuses it; a synth
 * is written to a temporary folder and renamed, so two starts never share a half-written one.
 */
export async function synthBundles(log: (line: string) => void = () => undefined): Promise<SynthesizedApp> {
  const began = Date.now();
  const hash = await inputsHash();
  const dir = join(BUNDLES_CACHE, hash);
  let synthesized = false;
  if (!existsSync(join(dir, "bundles.json"))) {
    await mkdir(BUNDLES_CACHE, { recursive: true });
    const release = await takeLock(`${dir}.lock`, log);
    try {
      // Another process may have made it while this one waited.
      if (!existsSync(join(dir, "bundles.json"))) {
        log(`bundles: synthesizing the CDK app with esbuild into ${relative(ROOT, dir)} (about a minute)`);
        const temp = `${dir}.tmp-${process.pid}`;
        await rm(temp, { recursive: true, force: true });
        try {
          await synthInto(temp);
          await rm(dir, { recursive: true, force: true });
          await rename(temp, dir);
        } catch (error) {
          await rm(temp, { recursive: true, force: true });
          throw error;
        }
        synthesized = true;
      }
    } finally {
      await release();
    }
  }
  const manifest = JSON.parse(await readFile(join(dir, "bundles.json"), "utf8")) as Manifest;
  const template = JSON.parse(await readFile(join(dir, manifest.templateFile), "utf8")) as CfnTemplate;
  const functions = manifest.functions.map(({ asset, ...rest }) => ({
    ...rest,
    assetDir: join(dir, asset),
    file: join(dir, asset, "index.mjs"),
  }));
  const triggers = Object.fromEntries(
    Object.entries(manifest.triggers).map(([handler, asset]) => [handler, join(dir, asset)]),
  );
  return { dir, template, functions, triggers, synthesized, seconds: (Date.now() - began) / 1000 };
}

/**
 * Synthesizes into `outdir` in a child process (synth-child.ts): esbuild runs synchronously inside
 * CDK, and would stall this process's event loop (the emulators' start, a test runner) for a minute.
 */
function synthInto(outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SYNTH_CHILD, outdir, JSON.stringify(CONTEXT)], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        CDK_DISABLE_VERSION_CHECK: "1",
        CDK_DISABLE_NOTICES: "1",
        CDK_DISABLE_CLI_TELEMETRY: "true",
      },
    });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`the bundle mode's synth failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * One synth of the same sources at a time: the lock is a file made exclusively, holding its owner's
 * pid; one whose owner has gone is taken over. Another process waits (a test project and `npm start`).
 */
async function takeLock(path: string, log: (line: string) => void): Promise<() => Promise<void>> {
  let told = false;
  for (;;) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx" });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number(await readFile(path, "utf8").catch(() => "0"));
    if (owner && !isAlive(owner)) {
      await rm(path, { force: true });
      continue;
    }
    if (!told) log(`bundles: waiting for the synth that process ${owner} is running`);
    told = true;
    await new Promise((done) => setTimeout(done, 500));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A content hash of the inputs (paths and bytes), and of this file's settings. */
async function inputsHash(): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify(CONTEXT));
  const files: string[] = [];
  for (const input of INPUTS) files.push(...(await listFiles(join(ROOT, input))));
  for (const file of files.sort()) {
    hash.update(relative(ROOT, file)).update("\0");
    hash.update(await readFile(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

async function listFiles(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOTDIR") return undefined;
    throw error;
  });
  if (!entries) return [path];
  const nested = await Promise.all(
    entries
      .filter((entry) => entry.name !== "node_modules" && !entry.name.startsWith("."))
      .map((entry) => listFiles(join(path, entry.name))),
  );
  return nested.flat();
}

/** Leaves only the newest `keep` synths in the cache (each is ~30 bundles, a few MB). */
export async function pruneBundles(keepDir: string, keep = 2): Promise<void> {
  if (!existsSync(BUNDLES_CACHE)) return;
  const dirs = await readdir(BUNDLES_CACHE);
  const dated = await Promise.all(
    dirs
      .filter((name) => !name.includes(".tmp-") && !name.endsWith(".lock"))
      .map(async (name) => ({
        path: join(BUNDLES_CACHE, name),
        time: (await stat(join(BUNDLES_CACHE, name))).mtimeMs,
      })),
  );
  const old = dated
    .filter((entry) => entry.path !== keepDir)
    .sort((a, b) => b.time - a.time)
    .slice(keep - 1);
  await Promise.all(old.map((entry) => rm(entry.path, { recursive: true, force: true })));
}
