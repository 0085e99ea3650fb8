import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Actor } from "../../../shared/access/roles.ts";
import { type CompiledFramework, compileFramework } from "../../../shared/engine/compile.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { appraise, contest, decideContest } from "../../../shared/services/appraisal.ts";
import { closePeriod, SCHEDULER } from "../../../shared/services/close.ts";
import type { Ports, RequestContext } from "../../../shared/services/context.ts";
import { addEvidence, confirmEvidence } from "../../../shared/services/evidence.ts";
import { importFramework } from "../../../shared/services/frameworks.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import { MAX_ANSWERS_PER_SAVE, saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { mapLimit } from "../../../shared/store/batches.ts";
import type { CognitoUser } from "../cognito.ts";
import { withInlineJobs } from "../jobs.ts";
import { calibratedAnswers, REAL_RANGES } from "./answers.ts";
import { tinyPdf } from "./pdf.ts";
import { mulberry32 } from "./random.ts";
import { postUpload } from "./upload.ts";

const DATA = resolve(import.meta.dirname, "../../../shared/data");
export const DEMO_PASSWORD = "Demo@12345";
export const DEMO_FRAMEWORK_ID = "tq-sample-2022";
export const DEMO_PERIODS = { secondHalf2021: "2021-h2", firstHalf: "2022-h1", year: "2022-y" } as const;

/** Demo sign-ins: a reviewer, and an editor and an approver for every unit (README lists them). */
export function demoUsers(units: readonly Unit[]): CognitoUser[] {
  return [
    { username: "reviewer", password: DEMO_PASSWORD, groups: ["reviewer"] },
    ...units.flatMap((unit) => [
      {
        username: `editor.${unit.code.toLowerCase()}`,
        password: DEMO_PASSWORD,
        groups: ["unit-editor"],
        unitId: unit.id,
      },
      {
        username: `approver.${unit.code.toLowerCase()}`,
        password: DEMO_PASSWORD,
        groups: ["unit-approver"],
        unitId: unit.id,
      },
    ]),
  ];
}

export async function demoUnits(): Promise<Unit[]> {
  const file = JSON.parse(await readFile(resolve(DATA, "tuyen-quang-units-2022.json"), "utf8"));
  return file.units.map((unit: Unit) => ({ ...unit, validFrom: file.validFrom, validTo: file.validTo }));
}

const admin: Actor = { username: "admin", roles: ["admin"] };
const at = (actor: Actor, iso: string, requestId: string): RequestContext => ({
  actor,
  now: new Date(iso),
  requestId,
});

/** A published half-year of the demo: its dates (Vietnam time), its answers' seed and level. */
interface HalfYear {
  id: string;
  name: string;
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
const HALF_YEARS: readonly HalfYear[] = [
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

/**
 * Seeds the demo once (a stack that has the demo framework is left alone): the sample index set, the
 * 164 units of Tuyên Quang, two published half-years — "6 tháng cuối năm 2021" then "6 tháng đầu năm
 * 2022", answered and submitted by most units (answers calibrated to the real ranges, the earlier one
 * a little lower), so the later one shows rank changes — and "Năm 2022" open now with a few drafts
 * begun. Everything goes through the same ports as the API, with audit records.
 */
export async function seedDemo(real: Ports, log: (line: string) => void): Promise<boolean> {
  if (await real.frameworks.get(DEMO_FRAMEWORK_ID)) return false;
  // The demo's history runs each job inside the move that started it, at that move's time.
  const ports = withInlineJobs(real);
  const framework = JSON.parse(await readFile(resolve(DATA, "sample-framework-tq-2022.json"), "utf8"));
  await importFramework(ports, at(admin, new Date().toISOString(), "demo-framework"), framework);
  const units = await demoUnits();
  await upsertUnits(ports, at(admin, new Date().toISOString(), "demo-units"), { units });

  const compiled = compileFramework(await ports.frameworks.get(DEMO_FRAMEWORK_ID).then((f) => f as never));
  for (const half of HALF_YEARS) await publishedHalfYear(ports, half, units, compiled, log);

  const now = Date.now();
  const day = 86_400_000;
  await createPeriod(ports, at(admin, new Date(now).toISOString(), "demo-year"), {
    id: DEMO_PERIODS.year,
    name: "Năm 2022",
    frameworkId: DEMO_FRAMEWORK_ID,
    // The 2022 units by name: they ceased in 2025, before this demo period's (present-day) deadline.
    unitIds: units.map((unit) => unit.id),
    opensAt: new Date(now - day).toISOString(),
    closesAt: new Date(now + 30 * day).toISOString(),
    explanationClosesAt: new Date(now + 45 * day).toISOString(),
  });
  await transitionPeriod(ports, at(admin, new Date(now).toISOString(), "demo-year-open"), DEMO_PERIODS.year, {
    to: "open",
  });
  log('demo: "Năm 2022" is open for 30 days');
  return true;
}

/** One half-year, as it happened: created, opened, answered by every unit, appraised and published. */
async function publishedHalfYear(
  ports: Ports,
  half: HalfYear,
  units: readonly Unit[],
  compiled: CompiledFramework,
  log: (line: string) => void,
): Promise<void> {
  const { dates } = half;
  await createPeriod(ports, at(admin, dates.created, `demo-${half.tag}`), {
    id: half.id,
    name: half.name,
    frameworkId: DEMO_FRAMEWORK_ID,
    opensAt: dates.opensAt,
    closesAt: dates.closesAt,
    explanationClosesAt: dates.explanationClosesAt,
  });
  await transitionPeriod(ports, at(admin, `${dates.opensAt}+07:00`, `demo-${half.tag}-open`), half.id, {
    to: "open",
  });
  const random = mulberry32(half.seed);
  const plans = units.map((unit) => {
    const group = compiled.groupOfKind.get(unit.kind);
    if (!group) throw new Error(`no group for ${unit.kind}`);
    const [low, high] = REAL_RANGES[group.group.id] as [number, number];
    const range: [number, number] = [low * half.level, high * half.level];
    const { answers, evidence } = calibratedAnswers(compiled.framework, group, range, random);
    // A file backs the leaves that take files; a link to the unit's page backs the link-only ones.
    const linkOnly = new Set(
      group.leaves.filter(({ leaf }) => !leaf.evidence.kinds.includes("file")).map(({ leaf }) => leaf.code),
    );
    return {
      unit,
      answers,
      files: evidence.filter((code) => !linkOnly.has(code)),
      links: evidence.filter((code) => linkOnly.has(code)),
      submits: random() > half.skipRate,
    };
  });
  await mapLimit(plans, 6, (plan) => answerAsUnit(ports, half, plan));
  log(
    `demo: "${half.name}" answered by ${plans.length} units, ${plans.filter((p) => p.submits).length} submitted`,
  );
  await appraiseAndPublish(ports, half, plans);
  log(`demo: "${half.name}" closed, appraised and published`);
}

/** One unit's self-assessment through the services: answers, one PDF backing its evidence, submit. */
async function answerAsUnit(
  ports: Ports,
  half: HalfYear,
  plan: { unit: Unit; answers: Record<string, unknown>; files: string[]; links: string[]; submits: boolean },
): Promise<void> {
  const { unit } = plan;
  const { id: periodId, dates } = half;
  const when = dates.answered;
  // The 2022 half-year keeps its request ids from before the 2021 one was added.
  const tag = half.tag === "h1" ? unit.id : `${half.tag}-${unit.id}`;
  const approver: Actor = {
    username: `approver.${unit.code.toLowerCase()}`,
    roles: ["unit-approver"],
    unitId: unit.id,
  };
  const entries = Object.entries(plan.answers);
  for (let i = 0; i < entries.length; i += MAX_ANSWERS_PER_SAVE) {
    const answers = Object.fromEntries(
      entries.slice(i, i + MAX_ANSWERS_PER_SAVE).map(([code, value]) => [code, { value }]),
    );
    await saveAnswers(
      ports,
      at(approver, when, `demo-${tag}-${i}`),
      periodId,
      unit.id,
      { answers },
      undefined,
    );
  }
  if (plan.links.length > 0) {
    await addEvidence(ports, at(approver, when, `demo-${tag}-link`), periodId, unit.id, {
      indicatorCodes: plan.links,
      url: `https://tuyenquang.gov.vn/chuyen-doi-so/${unit.id}`,
      title: `Trang chuyển đổi số - ${unit.name}`,
    });
  }
  if (plan.files.length > 0) {
    const pdf = tinyPdf(`Tai lieu kiem chung - ${unit.name}`);
    const { evidence, upload } = await addEvidence(
      ports,
      at(approver, when, `demo-${tag}-evidence`),
      periodId,
      unit.id,
      {
        indicatorCodes: plan.files,
        fileName: "tai-lieu-kiem-chung.pdf",
        contentType: "application/pdf",
        size: pdf.byteLength,
      },
    );
    if (!upload || !evidence) throw new Error("no upload for the demo evidence");
    const response = await postUpload(upload, pdf, "application/pdf", "tai-lieu-kiem-chung.pdf");
    if (!response.ok) throw new Error(`demo upload failed: ${response.status} ${await response.text()}`);
    await confirmEvidence(ports, at(approver, when, `demo-${tag}-confirm`), periodId, unit.id, evidence.id);
  }
  if (plan.submits) await submit(ports, at(approver, when, `demo-${tag}-submit`), periodId, unit.id);
}

const reviewer: Actor = { username: "reviewer", roles: ["reviewer"] };

/**
 * A half-year's second half: the close at the deadline, a reviewer lowering one leaf of every tenth
 * unit, one contest decided in the explanation round, final scoring and publication.
 */
async function appraiseAndPublish(
  ports: Ports,
  half: HalfYear,
  plans: { unit: Unit; answers: Record<string, unknown>; submits: boolean }[],
): Promise<void> {
  const { id: periodId, dates, tag } = half;
  const id = (what: string) => (tag === "h1" ? `demo-${what}` : `demo-${tag}-${what}`);
  await closePeriod(ports, at(SCHEDULER, `${dates.closesAt}+07:00`, `demo-${tag}-close`), periodId);
  const adjusted = plans.filter((plan, i) => plan.submits && i % 10 === 0);
  for (const plan of adjusted) {
    const code = Object.entries(plan.answers).find(([, value]) => value === true)?.[0];
    if (!code) continue;
    await appraise(
      ports,
      at(reviewer, dates.appraised, id(`appraise-${plan.unit.id}`)),
      periodId,
      plan.unit.id,
      code,
      {
        value: false,
        reason: "Tài liệu kiểm chứng không thể hiện nội dung đã kê khai",
      },
    );
  }
  await transitionPeriod(ports, at(admin, dates.explanation, `demo-${tag}-explanation`), periodId, {
    to: "explanation",
  });
  const contested = adjusted[0];
  const code = contested && Object.entries(contested.answers).find(([, value]) => value === true)?.[0];
  if (contested && code) {
    const approver: Actor = {
      username: `approver.${contested.unit.code.toLowerCase()}`,
      roles: ["unit-approver"],
      unitId: contested.unit.id,
    };
    const leaf = [periodId, contested.unit.id, code] as const;
    await contest(ports, at(approver, dates.contested, id("contest")), ...leaf, {
      explanation: "Đơn vị đã bổ sung quyết định ban hành kèm theo trong hồ sơ",
    });
    await decideContest(ports, at(reviewer, dates.decided, id("decide")), ...leaf, {
      outcome: "changed",
      value: true,
      reason: "Chấp nhận giải trình: quyết định hợp lệ",
    });
  }
  await transitionPeriod(ports, at(admin, dates.final, `demo-${tag}-final`), periodId, {
    to: "final",
  });
  await transitionPeriod(ports, at(admin, dates.published, `demo-${tag}-publish`), periodId, {
    to: "published",
  });
}
