import type { PeriodScore } from "../../shared/engine/score-period.ts";
import type { Evidence } from "../../shared/model/evidence.ts";
import type { Framework } from "../../shared/model/framework.ts";
import type { RankingSnapshot } from "../../shared/model/snapshot.ts";
import {
  type CardFile,
  type DocumentPeriod,
  type DocumentSource,
  documentSource,
  organiserZip,
  type Scorecard,
} from "../../shared/services/documents.ts";
import { bestsOf } from "../../shared/services/period-scoring.ts";
import type { StoredAnswer, StoredSubmission } from "../../shared/services/ports.ts";
import { nationalFramework } from "../bench/scoring.ts";
import { type GeneratedBundle, generatePeriod, nationalUnits } from "./generate-period.ts";

/**
 * A generated national-scale publication for the document pool's tests and the documents bench: the
 * bundle to score, then (documentInputs) what the documents are made from once it is scored.
 */

export interface PublicationOptions {
  periodId: string;
  periodName: string;
  units: number;
  leavesPerGroup: number;
  seed: number;
  submittedShare: number;
  evidenceShare: number;
}

export interface GeneratedPublication {
  framework: Framework;
  bundle: GeneratedBundle & { period: { id: string; name: string }; version: number; publishedAt: string };
}

export function generatedPublication(options: PublicationOptions): GeneratedPublication {
  const framework = nationalFramework(options.leavesPerGroup);
  const generated = generatePeriod({
    framework,
    units: nationalUnits(options.units),
    seed: options.seed,
    submittedShare: options.submittedShare,
    evidenceShare: options.evidenceShare,
  });
  return {
    framework,
    bundle: {
      ...generated,
      period: { id: options.periodId, name: options.periodName },
      version: 1,
      publishedAt: "2026-12-20T09:00:00+07:00",
    },
  };
}

/** Each unit's stored submission (its answers as saved, no appraisal) and the period's bests and decision. */
export function documentInputs(
  publication: GeneratedPublication,
  score: PeriodScore,
  snapshot: RankingSnapshot,
): { stored: Map<string, StoredSubmission>; period: DocumentPeriod } {
  const periodId = publication.bundle.period.id;
  const groupOf = new Map(snapshot.groups.flatMap((g) => g.units.map((u) => [u.unitId, g.id] as const)));
  const stored = new Map(
    Object.entries(publication.bundle.submissions).map(([unitId, s]) => {
      const answers = new Map<string, StoredAnswer>();
      for (const [code, value] of Object.entries(s.answers))
        answers.set(code, { code, value, updatedBy: "test", updatedAt: "2026-01-01T00:00:00+07:00" });
      const submission = {
        head: {
          periodId,
          unitId,
          groupId: groupOf.get(unitId) ?? "",
          state: "locked",
          version: 1,
          submitted: s.submitted,
        },
        answers,
        evidence: [] as Evidence[],
        appraisals: new Map(),
        contests: new Map(),
      };
      return [unitId, submission as unknown as StoredSubmission] as const;
    }),
  );
  const period: DocumentPeriod = {
    bests: { final: bestsOf(score) },
    decision: { issuer: "Ủy ban nhân dân tỉnh Tuyên Quang", number: "1234/QĐ-UBND", date: "2026-12-20" },
  };
  return { stored, period };
}

export interface BuiltDocuments {
  appendix: { pdf: Uint8Array; docx: Uint8Array };
  /** Every unit of the snapshot, in its order: its scorecard as PDF and DOCX. */
  scorecards: Scorecard[];
  zip: Uint8Array;
}

/** Every document in memory at once, rendered in this thread (the reference and the bench's render-only figure). */
export function renderDocuments(
  period: DocumentPeriod,
  snapshot: RankingSnapshot,
  framework: Framework,
  previous: RankingSnapshot | undefined,
  stored: ReadonlyMap<string, StoredSubmission>,
): BuiltDocuments {
  const source = documentSource(period, snapshot, framework, previous, stored, { workers: 0 });
  const pdfs = [...(source.scorecards("pdf") as Iterable<CardFile>)];
  const docx = [...(source.scorecards("docx") as Iterable<CardFile>)];
  const cards = pdfs.map((c, i) => ({ ...c, docx: docx[i] as CardFile })).map(scorecardOf);
  return { appendix: source.appendix, scorecards: cards, zip: organiserZip(cards, source.publishedAt) };
}

/** A unit's two files as one scorecard. */
const scorecardOf = ({ unitId, path, bytes, docx }: CardFile & { docx: CardFile }): Scorecard => ({
  unitId,
  path,
  pdf: bytes,
  docx: docx.bytes,
});

/** Both formats of every scorecard of `source`, in order, however rendered (pool or this thread). */
export async function wholeScorecards(source: DocumentSource): Promise<Scorecard[]> {
  const pdfs: CardFile[] = [];
  for await (const card of source.scorecards("pdf")) pdfs.push(card);
  const cards: Scorecard[] = [];
  let i = 0;
  for await (const docx of source.scorecards("docx"))
    cards.push(scorecardOf({ ...(pdfs[i++] as CardFile), docx }));
  return cards;
}
