/** The demo's periods, oldest first, and the names the seed and the README use. */
export const DEMO_FRAMEWORK_ID = "tq-sample-2022";
/** The index set of the 2025 map: a new version mapped to the 2022 one (same lineage). */
export const DEMO_FRAMEWORK_2025_ID = "tq-sample-2025";
export const DEMO_PERIODS = {
  secondHalf2021: "2021-h2",
  firstHalf: "2022-h1",
  year2025: "2025-y",
  year2026: "2026-y",
} as const;
/** The day the 2025 arrangement of units took effect: the 2022 ranking is restated on the units of then. */
export const REFORM_DAY = "2025-07-01";

/** A published period of the demo: its dates (Vietnam time), its answers' seed and level. */
export interface HalfYear {
  id: string;
  name: string;
  /** The index set (the 2022 one when absent). */
  frameworkId?: string;
  /** Created from this earlier period: its units carried through the reforms since. */
  from?: string;
  /** Request ids' tag. */
  tag: string;
  seed: number;
  /** The real ranges scaled by this: the earlier half-year a little lower, so most units improve. */
  level: number;
  /** The share of units that do not submit. */
  skipRate: number;
  dates: {
    created: string;
    opensAt: string;
    closesAt: string;
    explanationClosesAt: string;
    answered: string;
    appraised: string;
    explanation: string;
    contested: string;
    decided: string;
    final: string;
    published: string;
  };
}

/** Oldest first: each is published before the next, which then carries rank changes and `change`. */
export const HALF_YEARS: readonly HalfYear[] = [
  {
    id: DEMO_PERIODS.secondHalf2021,
    name: "6 tháng cuối năm 2021",
    tag: "2021-h2",
    seed: 2021,
    level: 0.85,
    skipRate: 0.07,
    dates: {
      created: "2021-11-24T08:00:00+07:00",
      opensAt: "2021-11-25T08:00:00",
      closesAt: "2021-12-15T17:00:00",
      explanationClosesAt: "2021-12-30T17:00:00",
      answered: "2021-12-10T09:00:00+07:00",
      appraised: "2021-12-20T10:00:00+07:00",
      explanation: "2021-12-22T08:00:00+07:00",
      contested: "2021-12-23T09:00:00+07:00",
      decided: "2021-12-28T15:00:00+07:00",
      final: "2022-01-04T08:00:00+07:00",
      published: "2022-01-07T09:00:00+07:00",
    },
  },
  {
    id: DEMO_PERIODS.firstHalf,
    name: "6 tháng đầu năm 2022",
    tag: "h1",
    seed: 2022,
    level: 1,
    skipRate: 0.04,
    dates: {
      created: "2022-06-24T08:00:00+07:00",
      opensAt: "2022-06-25T08:00:00",
      closesAt: "2022-07-15T17:00:00",
      explanationClosesAt: "2022-08-05T17:00:00",
      answered: "2022-07-10T09:00:00+07:00",
      appraised: "2022-07-25T10:00:00+07:00",
      explanation: "2022-07-27T08:00:00+07:00",
      contested: "2022-07-28T09:00:00+07:00",
      decided: "2022-08-01T15:00:00+07:00",
      final: "2022-08-06T08:00:00+07:00",
      published: "2022-08-10T09:00:00+07:00",
    },
  },
];

/** The first period on the 2025 map, with the 2025 index set: its rank change looks back across both. */
export const YEAR_2025: HalfYear = {
  id: DEMO_PERIODS.year2025,
  name: "Năm 2025",
  frameworkId: DEMO_FRAMEWORK_2025_ID,
  from: DEMO_PERIODS.firstHalf,
  tag: "2025-y",
  seed: 2025,
  level: 1.05,
  skipRate: 0.03,
  dates: {
    created: "2025-12-01T08:00:00+07:00",
    opensAt: "2025-12-02T08:00:00",
    closesAt: "2025-12-31T17:00:00",
    explanationClosesAt: "2026-01-20T17:00:00",
    answered: "2025-12-20T09:00:00+07:00",
    appraised: "2026-01-08T10:00:00+07:00",
    explanation: "2026-01-10T08:00:00+07:00",
    contested: "2026-01-12T09:00:00+07:00",
    decided: "2026-01-16T15:00:00+07:00",
    final: "2026-01-21T08:00:00+07:00",
    published: "2026-01-26T09:00:00+07:00",
  },
};
