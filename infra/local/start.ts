/**
 * `npm start`: the whole system on one machine with the demo, data kept in .data/ across restarts.
 * Ctrl-C stops everything it started.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEMO_PASSWORD } from "./demo/seed.ts";
import { StackLockedError } from "./lock.ts";
import { onShutdown } from "./processes.ts";
import { ROOT, startLocalStack } from "./stack.ts";
import { ensureWebBuilt } from "./web-build.ts";

const port = Number(process.env.PORT ?? 3000);
const adminPassword = process.env.ADMIN_PASSWORD ?? "Admin@12345";
const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : join(ROOT, ".data");
// `npm start -- --bundles`: the functions run as the CDK app ships them (infra/local/bundles/).
const bundles = process.argv.includes("--bundles") || process.env.BUNDLES === "1";
const began = Date.now();
await ensureWebBuilt(ROOT, (line) => console.log(line));
const stack = await startLocalStack({
  dataDir,
  port,
  ...(process.env.HOST ? { host: process.env.HOST } : {}),
  persist: true,
  adminPassword,
  demo: process.env.DEMO !== "0",
  bundles,
  log: (line) => console.log(line),
}).catch((error) => {
  if (!(error instanceof StackLockedError)) throw error;
  console.error(error.message);
  process.exit(1);
});
onShutdown(() => stack.stop());
stopWhenLauncherDies();
console.log(`
chiso is running at ${stack.url}  (started in ${((Date.now() - began) / 1000).toFixed(1)} s)
  API        ${stack.url}/api/…        config ${stack.url}/config.json
  sign-in    ${stack.config.auth.endpoint}/ (Cognito InitiateAuth only), user pool ${stack.config.auth.userPoolId}
  admin      admin / ${adminPassword}
  demo       reviewer / ${DEMO_PASSWORD}; every unit: editor.<code> and approver.<code> / ${DEMO_PASSWORD}
             e.g. approver.s2502 (Sở Nội vụ), editor.02509 (Phường Mỹ Lâm), editor.070 (2022: Thành phố Tuyên Quang)
  data       ${dataDir} (delete it to start afresh)
  functions  ${bundles ? "the shipped esbuild bundles, each in its own Node.js 22 processes (bundle mode)" : "the handler modules, in this process (`npm start -- --bundles`: the shipped bundles)"}
For evaluation and development on this machine only: not a production server.
Ctrl-C stops everything.`);

/**
 * `npm start` runs this file under npm and tsx's launcher (npm → tsx → node). When one of them is
 * killed (even with SIGKILL) this process is orphaned but would go on, with its emulators; it
 * stops instead, as on Ctrl-C. Watched: the parent, and on Linux every ancestor that is npm or tsx.
 */
function stopWhenLauncherDies(): void {
  const parent = process.ppid;
  const launchers = launcherAncestors(parent);
  const timer = setInterval(() => {
    const gone = process.ppid !== parent || launchers.some((ancestor) => !isSameProcess(ancestor));
    if (!gone) return;
    clearInterval(timer);
    console.error("chiso: the process that started it has gone; stopping.");
    process.kill(process.pid, "SIGTERM");
  }, 500);
  timer.unref();
}

interface Ancestor {
  pid: number;
  startTime: string;
}

/** The chain of npm / tsx / `sh -c` launchers above `pid` (Linux /proc), nearest first. */
function launcherAncestors(pid: number): Ancestor[] {
  const found: Ancestor[] = [];
  for (let current = pid; current > 1 && found.length < 5; ) {
    const stat = procStat(current);
    const command = readProc(current, "cmdline")?.split("\0").join(" ") ?? "";
    if (!stat || !/(^|[\s/])(npm|npm-cli\.js|tsx|tsx\/dist\/cli\.mjs)(\s|$)|^(\/bin\/)?sh -c /.test(command))
      break;
    found.push({ pid: current, startTime: stat.startTime });
    current = stat.ppid;
  }
  return found;
}

function isSameProcess(ancestor: Ancestor): boolean {
  return procStat(ancestor.pid)?.startTime === ancestor.startTime;
}

function procStat(pid: number): { ppid: number; startTime: string } | undefined {
  const stat = readProc(pid, "stat");
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(fields[1]), startTime: fields[19] ?? "" };
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}
