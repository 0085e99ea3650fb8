import { afterEach, describe, expect, it, vi } from "vitest";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { POOL_MIN_UNITS } from "../../../shared/services/document-pool.ts";
import {
  type CardFile,
  documentSource,
  organiserZip,
  type Scorecard,
} from "../../../shared/services/documents.ts";
import {
  documentInputs,
  generatedPublication,
  renderDocuments,
  wholeScorecards,
} from "../../support/generated-publication.ts";

// Scorecards rendered by the worker pool are the single thread's, byte for byte and in the same order.

const UNITS = 40;

function publication() {
  const generated = generatedPublication({
    periodId: "pool",
    periodName: "Kỳ thử nhóm luồng",
    units: UNITS,
    leavesPerGroup: 100,
    seed: 7,
    submittedShare: 0.9,
    evidenceShare: 0.5,
  });
  const score = scorePeriod(generated.bundle);
  const snapshot = toSnapshot(score, generated.bundle);
  return { framework: generated.framework, snapshot, ...documentInputs(generated, score, snapshot) };
}

function expectSame(pooled: Scorecard[], single: Scorecard[]): void {
  expect(pooled.map((c) => [c.unitId, c.path])).toEqual(single.map((c) => [c.unitId, c.path]));
  pooled.forEach((card, i) => {
    const reference = single[i] as Scorecard;
    expect(Buffer.compare(card.pdf, reference.pdf), `${card.unitId}.pdf`).toBe(0);
    expect(Buffer.compare(card.docx, reference.docx), `${card.unitId}.docx`).toBe(0);
  });
}

describe("the document pool", () => {
  const { framework, snapshot, stored, period } = publication();
  const single = renderDocuments(period, snapshot, framework, undefined, stored);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("renders every scorecard as the main thread does, in order, and the same ZIP", async () => {
    expect(UNITS).toBeGreaterThanOrEqual(POOL_MIN_UNITS);
    const warn = vi.spyOn(console, "warn");
    const stats = { byWorkers: 0, fellBack: false };
    const source = documentSource(period, snapshot, framework, undefined, stored, { workers: 2, stats });
    expect(Symbol.asyncIterator in source.scorecards("pdf")).toBe(true);
    // Two pools in turn: the PDFs, then the DOCX.
    const pooled = await wholeScorecards(source);
    expectSame(pooled, single.scorecards);
    expect(Buffer.compare(source.appendix.pdf, single.appendix.pdf)).toBe(0);
    expect(Buffer.compare(organiserZip(pooled, source.publishedAt), single.zip)).toBe(0);
    expect(warn).not.toHaveBeenCalled();
    // The workers took part (they start while this thread renders the first units).
    expect(stats).toMatchObject({ fellBack: false });
    expect(stats.byWorkers).toBeGreaterThan(0);
  }, 60_000);

  it("falls back to the main thread when a worker cannot start, and says so", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    // A function cannot be cloned to a worker: the pool fails at its start.
    const unclonable = { ...period, decision: { ...period.decision, hook: () => 1 } } as typeof period;
    const stats = { byWorkers: 0, fellBack: false };
    const source = documentSource(unclonable, snapshot, framework, undefined, stored, { workers: 1, stats });
    expectSame(await wholeScorecards(source), single.scorecards);
    expect(stats).toEqual({ byWorkers: 0, fellBack: true });
    // Once for each format's pool.
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]?.[0])).toContain("document pool unavailable");
  }, 60_000);

  it("renders a small publication or workers: 0 in this thread only", () => {
    const source = documentSource(period, snapshot, framework, undefined, stored, { workers: 0 });
    expect(Symbol.iterator in source.scorecards("pdf")).toBe(true);
    expect(Symbol.asyncIterator in source.scorecards("docx")).toBe(false);
    // Below POOL_MIN_UNITS the default (workers available) starts no pool either.
    const small = { ...snapshot, groups: snapshot.groups.map((g) => ({ ...g, units: g.units.slice(0, 1) })) };
    expect(small.groups.length).toBeLessThan(POOL_MIN_UNITS);
    const smallSource = documentSource(period, small, framework, undefined, stored, { workers: 2 });
    expect(Symbol.asyncIterator in smallSource.scorecards("pdf")).toBe(false);
    expect([...(smallSource.scorecards("pdf") as Iterable<CardFile>)]).toHaveLength(small.groups.length);
  });
});
