import { describe, expect, test } from "vitest";
import type { Ports } from "../../../shared/services/context.ts";
import {
  type CardFile,
  type CardFormat,
  type DocumentSource,
  organiserZip,
  PUT_CONCURRENCY,
  type Scorecard,
  writeDocuments,
} from "../../../shared/services/documents.ts";
import type { JobProgress } from "../../../shared/services/jobs.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const progress = { add: async () => undefined } as unknown as JobProgress;

/** Published files that log each write's start and end and may fail one key; slow, so writes overlap. */
function storage(failOn?: string) {
  const log: string[] = [];
  const bodies = new Map<string, Uint8Array>();
  let inFlight = 0;
  let most = 0;
  const published = {
    async put(key: string, body: Uint8Array, _type: string, cache: string) {
      inFlight++;
      most = Math.max(most, inFlight);
      log.push(`start ${cache} ${key}`);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (key === failOn) throw new Error(`cannot write ${key}`);
      log.push(`end ${cache} ${key}`);
      bodies.set(key, body);
    },
  };
  return { ports: { published } as unknown as Ports, log, bodies, most: () => most };
}

const card = (i: number): Scorecard => ({
  unitId: `u${i}`,
  path: `Nhóm/U${i}`,
  pdf: bytes(`pdf ${i}`),
  docx: bytes(`docx ${i}`),
});

/** `n` scorecards, rendered only when read; `made` counts the files read so far, by format. */
function source(n: number) {
  const made = { count: 0, docx: 0 };
  function* cards(format: CardFormat): Generator<CardFile> {
    for (let i = 0; i < n; i++) {
      if (format === "pdf") made.count++;
      else made.docx++;
      const { unitId, path, pdf, docx } = card(i);
      yield { unitId, path, bytes: format === "pdf" ? pdf : docx };
    }
  }
  const docs: DocumentSource = {
    appendix: { pdf: bytes("appendix pdf"), docx: bytes("appendix docx") },
    scorecards: cards,
    publishedAt: "2026-12-20T09:00:00+07:00",
  };
  return { docs, made };
}

describe("writing the documents while they are made", () => {
  test("every file and pointer written once, each pointer after its own file; at most PUT_CONCURRENCY at once", async () => {
    const { ports, log, bodies, most } = storage();
    const n = 3 * PUT_CONCURRENCY;
    const { docs } = source(n);
    const pointers = await writeDocuments(ports, "p", 2, docs, progress);
    const written = log.filter((l) => l.startsWith("end "));
    expect(written).toHaveLength(2 * (n + 3));
    for (let i = 0; i < n; i++) {
      const file = log.indexOf(`end immutable public/rankings/p/v2/units/u${i}.pdf`);
      const pointer = log.indexOf(`start pointer public/rankings/p/units/u${i}.pdf`);
      expect(file).toBeGreaterThanOrEqual(0);
      expect(pointer).toBeGreaterThan(file);
    }
    expect(log.indexOf("start pointer public/rankings/p/phieu-ket-qua.zip")).toBeGreaterThan(
      log.indexOf("end immutable public/rankings/p/v2/phieu-ket-qua.zip"),
    );
    expect(most()).toBeLessThanOrEqual(PUT_CONCURRENCY);
    expect(most()).toBeGreaterThan(1);
    expect(pointers).toContain("public/rankings/p/units/*");
    // The ZIP took both formats of every scorecard, in order: the same bytes as made at once.
    const zip = organiserZip(
      Array.from({ length: n }, (_, i) => card(i)),
      docs.publishedAt,
    );
    expect(
      Buffer.compare(bodies.get("public/rankings/p/v2/phieu-ket-qua.zip") ?? new Uint8Array(), zip),
    ).toBe(0);
    expect(bodies.get("public/rankings/p/units/u0.pdf")).toEqual(bytes("pdf 0"));
  });

  test("scorecards are written while later ones are still to be made", async () => {
    const { ports, log } = storage();
    const { docs, made } = source(4 * PUT_CONCURRENCY);
    const seen: number[] = [];
    const published = ports.published;
    const watching = {
      published: {
        put: (...args: Parameters<typeof published.put>) => {
          if (args[0].includes("/v1/units/")) seen.push(made.count);
          return published.put(...args);
        },
      },
    } as unknown as Ports;
    await writeDocuments(watching, "p", 1, docs, progress);
    // The first scorecard went out before the last one was rendered.
    expect(seen[0]).toBeLessThan(4 * PUT_CONCURRENCY);
    expect(log.length).toBeGreaterThan(0);
  });

  test("a failed write fails the whole; no rendering goes on long after it, no ZIP is written", async () => {
    const { ports, log } = storage("public/rankings/p/v1/units/u3.pdf");
    const n = 20 * PUT_CONCURRENCY;
    const { docs, made } = source(n);
    await expect(writeDocuments(ports, "p", 1, docs, progress)).rejects.toThrow(/u3\.pdf/);
    expect(made.count).toBeLessThan(n);
    expect(made.docx).toBe(0);
    expect(log.some((l) => l.includes("phieu-ket-qua.zip"))).toBe(false);
    expect(log.some((l) => l.includes("pointer public/rankings/p/units/u3.pdf"))).toBe(false);
  });
});
