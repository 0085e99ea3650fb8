import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type CardFile, type CardFormat, type ScorecardInput, scorecardRenderer } from "./documents.ts";

/**
 * Scorecards rendered by worker threads beside this one (Node-only: kept out of shared/documents and the
 * web). Each worker receives the publication's data once (ScorecardInput), then positions in chunks, and
 * returns the rendered bytes (their ArrayBuffers transferred, not copied). This thread renders too (the
 * next unit nobody has taken) and keeps writing; the scorecards come out in the snapshot's order whoever
 * rendered them, so every file and the ZIP's entry order stay the same. The worker's code is this module
 * itself: under tsx (the local stack, tests) a worker registers tsx's loader first; in the esbuild bundle
 * (Lambda) it is the bundle's own file, which starts serving here when it finds its workerData.
 */

/** Below this many units a worker's start (≈ 0.3 s bundled, ≈ 1 s under tsx) costs more than it saves. */
export const POOL_MIN_UNITS = 32;
/** Positions a worker is sent at a time; two chunks in flight each, so a worker never waits for work. */
const CHUNK = 8;
const IN_FLIGHT = 2;
/** How far this thread may render ahead of the unit written next (memory: ≈ 75 KiB a scorecard). */
const AHEAD = 64;
/** A worker silent this long while it owes chunks is taken for dead (its chunks are rendered here). */
const STALL_MS = 60_000;
const MARKER = "chisoDocumentPool";

/** The default pool: the available cores − 1, at least 1 (the period job, 3,538 MB = 2 vCPUs: 1). */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** What a pooled rendering did (the bench and tests read it; filled in as it goes). */
export interface PoolStats {
  /** Scorecards rendered by the workers; the rest were rendered by the main thread. */
  byWorkers: number;
  /** The pool failed and the main thread rendered what it owed. */
  fellBack: boolean;
}

interface Chunk {
  id: number;
  start: number;
  end: number;
}
type Reply = { id: number; cards: CardFile[] } | { id: number; error: string };

/** A Uint8Array that owns its whole ArrayBuffer (a pooled Buffer's slice is copied: never detach a pool). */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : new Uint8Array(bytes);
}

/** The worker's side: render each chunk it is sent and post the bytes back, transferred. */
function serve({ input, format }: { input: ScorecardInput; format: CardFormat }): void {
  const port = parentPort;
  if (!port) return;
  const renderer = scorecardRenderer(input, format);
  port.on("message", (chunk: Chunk) => {
    try {
      const cards: CardFile[] = [];
      for (let i = chunk.start; i < chunk.end; i++) {
        const card = renderer.render(i);
        cards.push({ ...card, bytes: own(card.bytes) });
      }
      const transfer = [...new Set(cards.map((c) => c.bytes.buffer))];
      port.postMessage({ id: chunk.id, cards } satisfies Reply, transfer as ArrayBuffer[]);
    } catch (error) {
      port.postMessage({ id: chunk.id, error: String((error as Error)?.stack ?? error) } satisfies Reply);
    }
  });
}

type Work = { input: ScorecardInput; format: CardFormat };

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[MARKER])
  serve((workerData as Record<string, Work>)[MARKER] as Work);

/** A worker of this module: the bundle's file as it is, or this .ts file behind tsx's loader. */
function startWorker(work: Work): Worker {
  const self = import.meta.url;
  const data = { [MARKER]: work };
  if (!self.endsWith(".ts")) return new Worker(new URL(self), { workerData: data });
  // A .ts file needs tsx's loader in the worker too (vitest's and tsx's own hooks stay in their thread).
  // tsx's ESM entry (its "import" export): a require-resolve finds the CommonJS one, whose own import
  // of the ESM half fails when loaded by import() from an eval'd worker.
  const cjs = createRequire(self).resolve(["tsx", "esm", "api"].join("/"));
  const tsx = pathToFileURL(cjs.replace(/\.cjs$/, ".mjs")).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

/** Once a publication: the pool failed and this thread renders the rest (the publication goes on). */
function fallBack(reason: unknown): void {
  console.warn(
    JSON.stringify({
      level: "WARN",
      message: "document pool unavailable: scorecards rendered in the main thread",
      reason: String((reason as Error)?.message ?? reason),
    }),
  );
}

/** A turn of the event loop: lets the writes in flight send and finish between two renders. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Every unit's scorecard in one format, in the snapshot's order, rendered by `workers` worker threads
 * and this one. Any failure of the pool (a worker that cannot start, crashes, throws or stalls) ends
 * the pool: what it owed is rendered here, and it is logged once.
 */
export async function* pooledScorecards(
  input: ScorecardInput,
  format: CardFormat,
  workers: number,
  stats: PoolStats = { byWorkers: 0, fellBack: false },
): AsyncGenerator<CardFile> {
  const renderer = scorecardRenderer(input, format);
  const count = renderer.count;
  const ready: (CardFile | undefined)[] = new Array(count);
  /** The worker (index) that owes each position; -1: this thread's (or nobody's yet, beyond `next`). */
  const owner = new Int32Array(count).fill(-1);
  const owed = new Map<number, { chunk: Chunk; worker: number }>();
  const pool: { worker: Worker; inFlight: number }[] = [];
  let next = 0;
  /** Positions taken (by a worker or this thread) and not yet yielded: bounds what is held. */
  let buffered = 0;
  let chunkIds = 0;
  let lastReply = Date.now();
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  let dead = false;
  const die = (reason: unknown) => {
    if (dead) return;
    dead = true;
    stats.fellBack = true;
    fallBack(reason);
    for (const { chunk } of owed.values()) owner.fill(-1, chunk.start, chunk.end);
    owed.clear();
    for (const p of pool) void p.worker.terminate().catch(() => undefined);
    signal();
  };

  try {
    for (let w = 0; w < workers && !dead; w++) {
      const index = w;
      const worker = startWorker({ input, format });
      worker.unref();
      pool.push({ worker, inFlight: 0 });
      worker.on("message", (reply: Reply) => {
        const job = owed.get(reply.id);
        if (!job || dead) return;
        if ("error" in reply) return die(new Error(reply.error));
        owed.delete(reply.id);
        lastReply = Date.now();
        (pool[index] as { inFlight: number }).inFlight--;
        stats.byWorkers += reply.cards.length;
        reply.cards.forEach((card, k) => {
          ready[job.chunk.start + k] = card;
        });
        signal();
      });
      worker.on("error", die);
      worker.on("exit", (code) => die(new Error(`a document worker exited (${code})`)));
    }
  } catch (error) {
    die(error);
  }

  /** Sends each live worker chunks up to IN_FLIGHT, from the first position nobody has taken. */
  const feed = () => {
    if (dead) return;
    for (const [index, p] of pool.entries())
      while (p.inFlight < IN_FLIGHT && next < count && buffered < AHEAD) {
        const chunk = { id: chunkIds++, start: next, end: Math.min(count, next + CHUNK) };
        owner.fill(index, chunk.start, chunk.end);
        owed.set(chunk.id, { chunk, worker: index });
        p.inFlight++;
        buffered += chunk.end - chunk.start;
        next = chunk.end;
        p.worker.postMessage(chunk);
      }
  };

  try {
    for (let i = 0; i < count; i++) {
      while (!ready[i]) {
        feed();
        if (owner[i] === -1) {
          // Nobody owes it (not taken yet, or its worker died): render it here.
          if (i >= next) {
            next = i + 1;
            buffered++;
          }
          ready[i] = renderer.render(i);
        } else if (next < count && buffered < AHEAD) {
          // Its worker is at it: render the first untaken unit meanwhile.
          const j = next++;
          buffered++;
          ready[j] = renderer.render(j);
          await turn();
        } else {
          const waited = new Promise<void>((resolve) => {
            wake = resolve;
          });
          const timer = setTimeout(signal, 1_000);
          await waited;
          clearTimeout(timer);
          if (!ready[i] && owed.size > 0 && Date.now() - lastReply > STALL_MS)
            die(new Error(`no document from the pool for ${STALL_MS / 1000} s`));
        }
      }
      const card = ready[i] as CardFile;
      ready[i] = undefined;
      buffered--;
      yield card;
    }
  } finally {
    dead = true;
    await Promise.all(pool.map((p) => p.worker.terminate().catch(() => undefined)));
  }
}
