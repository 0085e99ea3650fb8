/**
 * Key layout of the data table (docs/DATA-MODEL.md, "The data table"):
 *
 * | item            | pk                     | sk            | lpk / lsk (GSI byList)                   |
 * |-----------------|------------------------|---------------|------------------------------------------|
 * | framework       | FW#{id}                | FW            | FRAMEWORKS / {id}                        |
 * | unit            | UNITS                  | U#{id}        | –                                        |
 * | period          | P#{id}                 | P             | PERIODS / {state}#{closesAt}#{id}        |
 * | its participants| P#{id}                 | MEMBERS       | –                                        |
 * | submission head | S#{periodId}#{unitId}  | #             | PS#{periodId} / {groupId}#{unitId}       |
 * | answer          | S#{periodId}#{unitId}  | A#{code}      | –                                        |
 * | evidence        | S#{periodId}#{unitId}  | E#{id}        | –                                        |
 * | appraisal       | S#{periodId}#{unitId}  | R#{code}      | –                                        |
 * | contest         | S#{periodId}#{unitId}  | C#{code}      | –                                        |
 * | measured value  | S#{periodId}#{unitId}  | M#{code}      | –                                        |
 * | data source     | SOURCES                | SRC#{id}      | –                                        |
 * | reminder sent   | P#{id}                 | REMIND#{d}#{unitId} | –                                  |
 * | kept read       | P#{id}                 | BUNDLE#{kind}#{at}#{part} | –                            |
 *
 * A unit's whole submission is one partition (one Query); a period's submissions are read unit by unit
 * in parallel, never by Scan; units are one partition (12,000 small items).
 */
/** An item of a unit's submission partition: prefix + its own id (a leaf code, an evidence id). */
function inSubmission(prefix: string) {
  return (periodId: string, unitId: string, id: string) => ({
    pk: `S#${periodId}#${unitId}`,
    sk: `${prefix}${id}`,
  });
}

export const keys = {
  framework: (id: string) => ({ pk: `FW#${id}`, sk: "FW" }),
  frameworkList: "FRAMEWORKS",
  units: "UNITS",
  unit: (id: string) => ({ pk: "UNITS", sk: `U#${id}` }),
  period: (id: string) => ({ pk: `P#${id}`, sk: "P" }),
  periodMembers: (id: string) => ({ pk: `P#${id}`, sk: "MEMBERS" }),
  periodList: "PERIODS",
  periodListSort: (state: string, closesAt: string, id: string) => `${state}#${closesAt}#${id}`,
  submissionPartition: (periodId: string, unitId: string) => `S#${periodId}#${unitId}`,
  submissionHead: (periodId: string, unitId: string) => ({ pk: `S#${periodId}#${unitId}`, sk: "#" }),
  submissionList: (periodId: string) => `PS#${periodId}`,
  /** Written only by SubmissionRepository.write, which moves the head's version with it (final scoring relies on it). */
  answer: inSubmission("A#"),
  evidence: inSubmission("E#"),
  appraisal: inSubmission("R#"),
  contest: inSubmission("C#"),
  /** A measured leaf's value pushed by its data source: beside the answers, outside the head's version. */
  measurement: inSubmission("M#"),
  sources: "SOURCES",
  source: (id: string) => ({ pk: "SOURCES", sk: `SRC#${id}` }),
  /**
   * What a step kept for a later one (what the close read, final scoring's bundle), gzipped JSON in
   * parts: `BUNDLE#{kind}#{at}#{part}` (the name from when only bundles were kept).
   */
  keptPrefix: (kind: string, at: string) => `BUNDLE#${kind}#${at}#`,
  /** Every sort key of a submission partition after its answers (A#…): evidence, appraisals, contests, measured values. */
  afterAnswers: "A$",
  reminder: (periodId: string, days: number, unitId: string) => ({
    pk: `P#${periodId}`,
    sk: `REMIND#${days}#${unitId}`,
  }),
};

export const SK_PREFIX = {
  answer: "A#",
  evidence: "E#",
  appraisal: "R#",
  contest: "C#",
  measurement: "M#",
} as const;
