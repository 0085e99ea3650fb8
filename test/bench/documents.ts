import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startS3 } from "../../infra/local/s3.ts";
import { scorePeriod } from "../../shared/engine/score-period.ts";
import { toSnapshot } from "../../shared/engine/snapshot.ts";
import type { Ports } from "../../shared/services/context.ts";
import { defaultWorkers, type PoolStats } from "../../shared/services/document-pool.ts";
import { documentSource, PUT_CONCURRENCY, writeDocuments } from "../../shared/services/documents.ts";
import type { JobProgress } from "../../shared/services/jobs.ts";
import { rankingRows, toCsv, toXlsx } from "../../shared/services/open-data.ts";
import { S3PublishedFiles } from "../../shared/store/published-files.ts";
import {
  type BuiltDocuments,
  documentInputs,
  generatedPublication,
  renderDocuments,
} from "../support/generated-publication.ts";
import { int, mib, ms } from "./report.ts";

/**
 * The official documents of a national-scale publication (4,000 units, 100 leaves a group):
 * (a) the ranking files as published today (snapshot, JSON, CSV, XLSX);
 * (b) the appendix, 4,000 scorecards (PDF and DOCX) and the organiser's ZIP, in memory (rendering alone);
 * (c) the same documents made and written to a local S3 (s3rver, a child process) as the publication
 *     does it: each scorecard written while the next ones are rendered (by the main thread and the
 *     worker pool, shared/services/document-pool.ts), PUT_CONCURRENCY in flight.
 * Goal: the scorecards of (c) public (every unit's PDF and its pointer written) within 60 s on the
 * machine that runs it; the DOCX and the organiser's ZIP follow, and (c) prints when they are done.
 */

/** BENCH_DOCUMENT_UNITS runs a smaller publication (a quick look at the per-unit cost). */
const UNITS = Number(process.env.BENCH_DOCUMENT_UNITS) || 4000;
const LEAVES_PER_GROUP = 100;
const SEED = 2023;
const GOAL_MS = 60_000;
/** BENCH_DOCUMENT_WORKERS: the pool's workers in (c) (0: the main thread alone; unset: the default). */
const WORKERS =
  process.env.BENCH_DOCUMENT_WORKERS === undefined || process.env.BENCH_DOCUMENT_WORKERS === ""
    ? defaultWorkers()
    : Number(process.env.BENCH_DOCUMENT_WORKERS);

const noProgress = { add: async () => undefined } as unknown as JobProgress;

export async function run(): Promise<void> {
  console.log("documents — the appendix, 4,000 scorecards (PDF, DOCX) and the ZIP of one publication");
  const periodId = "bench-documents";
  const publication = generatedPublication({
    periodId,
    periodName: "Kỳ đánh giá thử tải toàn quốc 2023",
    units: UNITS,
    leavesPerGroup: LEAVES_PER_GROUP,
    seed: SEED,
    submittedShare: 0.95,
    evidenceShare: 0.9,
  });
  const { framework, bundle } = publication;

  // (a) The ranking files, as publication makes them today.
  const a0 = performance.now();
  const score = scorePeriod(bundle);
  const snapshot = toSnapshot(score, bundle);
  const json = `${JSON.stringify(snapshot, null, 2)}\n`;
  const rows = rankingRows(snapshot);
  const csv = toCsv(rows);
  const xlsx = toXlsx(rows);
  const aMs = performance.now() - a0;

  // (b) The documents in memory, from each unit's stored submission.
  const { stored, period } = documentInputs(publication, score, snapshot);
  const b0 = performance.now();
  const cpu0 = process.cpuUsage();
  let built: BuiltDocuments | undefined = renderDocuments(period, snapshot, framework, undefined, stored);
  const bMs = performance.now() - b0;
  const used = process.cpuUsage(cpu0);
  const bCpuMs = (used.user + used.system) / 1000;
  const pdfBytes = built.scorecards.reduce((n, c) => n + c.pdf.byteLength, 0);
  const docxBytes = built.scorecards.reduce((n, c) => n + c.docx.byteLength, 0);
  const zipBytes = built.zip.byteLength;
  // Let (b)'s documents go before (c), so (c)'s peak memory is its own.
  built = undefined;

  // (c) Made again and written to s3rver as the publication's job does it, rendering and writing at once.
  const dir = await mkdtemp(join(tmpdir(), "chiso-bench-documents-"));
  const s3 = await startS3({ directory: join(dir, "s3"), buckets: ["site"], corsOrigins: [] });
  let cMs = 0;
  let cardsPublicMs = 0;
  let c0 = 0;
  let cCpuMs = 0;
  let peakRss = 0;
  const stats: PoolStats = { byWorkers: 0, fellBack: false };
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REGION: "us-east-1",
    };
    delete env.DISTRIBUTION_ID;
    for (const [k, v] of Object.entries(env)) if (k.startsWith("AWS_") && v) process.env[k] = v;
    const s3Files = new S3PublishedFiles("site", env);
    // When the last scorecard (a unit's PDF, its pointer written after its file) became public.
    const published = Object.assign(Object.create(s3Files) as S3PublishedFiles, {
      put: async (...args: Parameters<S3PublishedFiles["put"]>) => {
        await s3Files.put(...args);
        if (args[0].includes("/units/")) cardsPublicMs = performance.now() - c0;
      },
    });
    const ports = { published } as unknown as Ports;
    c0 = performance.now();
    const cpu = process.cpuUsage();
    const rss = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    try {
      await writeDocuments(
        ports,
        periodId,
        1,
        documentSource(period, snapshot, framework, undefined, stored, { workers: WORKERS, stats }),
        noProgress,
      );
    } finally {
      clearInterval(rss);
    }
    cMs = performance.now() - c0;
    const cUsed = process.cpuUsage(cpu);
    cCpuMs = (cUsed.user + cUsed.system) / 1000;
  } finally {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const per = (total: number) => `${(total / UNITS).toFixed(2)} ms/unit`;
  console.log(
    `  input   ${int(UNITS)} units, ${framework.groups.length} groups, ${LEAVES_PER_GROUP} leaves each (load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")})`,
  );
  console.log(
    `  (a) ranking files (score, snapshot, JSON ${mib(Buffer.byteLength(json))}, CSV ${mib(Buffer.byteLength(csv))}, XLSX ${mib(xlsx.byteLength)})  ${ms(aMs)}`,
  );
  console.log(
    `  (b) appendix + ${int(UNITS)} scorecards (PDF ${mib(pdfBytes)}, DOCX ${mib(docxBytes)}) + ZIP ${mib(zipBytes)}  ${ms(bMs)} (${per(bMs)}, CPU ${ms(bCpuMs)})`,
  );
  console.log(
    `  (c) rendered and written (${int(2 * (UNITS + 3))} writes to a local S3, ${PUT_CONCURRENCY} in flight)  ${ms(cMs)} (${per(cMs)}, this process's CPU ${ms(cCpuMs)}, peak RSS ${mib(peakRss)})`,
  );
  console.log(
    `      pool: ${WORKERS} worker(s) beside the main thread; ${int(stats.byWorkers)} of ${int(UNITS)} scorecards rendered by them${stats.fellBack ? " (the pool FAILED: fell back to the main thread)" : ""}; CPU above is every thread's`,
  );
  console.log(
    `      the ${int(UNITS)} scorecards (PDF) public after ${ms(cardsPublicMs)}; then their DOCX and the organiser's ZIP, done at ${ms(cMs)}`,
  );
  console.log(
    `  goal    the scorecards public (c) within ${ms(GOAL_MS)}: ${cardsPublicMs <= GOAL_MS ? "met" : "NOT met"} (${ms(cardsPublicMs)}; load average now ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")})`,
  );
}
