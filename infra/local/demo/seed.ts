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
import { applyReform, type ReformBody, reformUnitId } from "../../../shared/services/reforms.ts";
import { restatePeriod } from "../../../shared/services/restatements.ts";
import { createSource } from "../../../shared/services/sources.ts";
import { MAX_ANSWERS_PER_SAVE, saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { mapLimit } from "../../../shared/store/batches.ts";
import type { CognitoUser } from "../cognito.ts";
import { withInlineJobs } from "../jobs.ts";
import { pushPlausibleValues } from "../measurement-source.ts";
import { calibratedAnswers, REAL_RANGES } from "./answers.ts";
import { tinyPdf } from "./pdf.ts";
import {
  DEMO_FRAMEWORK_2025_ID,
  DEMO_FRAMEWORK_ID,
  DEMO_PERIODS,
  HALF_YEARS,
  type HalfYear,
  REFORM_DAY,
  YEAR_2025,
} from "./periods.ts";
import { mulberry32 } from "./random.ts";
import { DEMO_SOURCES, measuredTargets, pushThroughService } from "./sources.ts";
import { postUpload } from "./upload.ts";

const DATA = resolve(import.meta.dirname, "../../../shared/data");
export const DEMO_PASSWORD = "Demo@12345";

/**
 * Demo sign-ins: a reviewer, and an editor and an approver for every unit (README lists them), by the
 * unit's code. The 2025 units come first: a new commune keeps the code of one of its predecessors, and
 * that code's sign-ins go to the new unit (its officials work there now); the old unit keeps its
 * published results, read on the public page.
 */
export function demoUsers(units: readonly Unit[]): CognitoUser[] {
  const byCode = new Map<string, Unit>();
  for (const unit of units)
    if (!byCode.has(unit.code.toLowerCase())) byCode.set(unit.code.toLowerCase(), unit);
  return [
    { username: "reviewer", password: DEMO_PASSWORD, groups: ["reviewer"] },
    ...[...byCode.values()].flatMap((unit) => [
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

async function demoUnits(): Promise<Unit[]> {
  const file = JSON.parse(await readFile(resolve(DATA, "tuyen-quang-units-2022.json"), "utf8"));
  return file.units.map((unit: Unit) => ({ ...unit, validFrom: file.validFrom, validTo: file.validTo }));
}

/** The 2025 arrangement of the demo's units (shared/data/tuyen-quang-reform-2025.json), as a reform. */
async function demoReform(): Promise<ReformBody> {
  const { about: _about, ...reform } = JSON.parse(
    await readFile(resolve(DATA, "tuyen-quang-reform-2025.json"), "utf8"),
  );
  return reform as ReformBody;
}

/** The units a demo stack signs in for: the 2025 units (from the reform) before the 2022 ones. */
export async function demoSignInUnits(): Promise<Unit[]> {
  const reform = await demoReform();
  const after: Unit[] = reform.units.map((unit) => ({
    // The id the reform gives it (reformUnitId when the file names none).
    id: unit.id ?? reformUnitId(unit.code, reform.effectiveDate),
    code: unit.code,
    name: unit.name,
    kind: unit.kind,
    validFrom: reform.effectiveDate,
  }));
  return [...after, ...(await demoUnits())];
}

const admin: Actor = { username: "admin", roles: ["admin"] };
const at = (actor: Actor, iso: string, requestId: string): RequestContext => ({
  actor,
  now: new Date(iso),
  requestId,
});

/**
 * Seeds the demo once (a stack that has the demo framework is left alone): the sample index set, the
 * 164 units of Tuyên Quang, two published half-years — "6 tháng cuối năm 2021" then "6 tháng đầu năm
 * 2022", answered and submitted by most units (answers calibrated to the real ranges, the earlier one
 * a little lower), so the later one shows rank changes — and "Năm 2022" open now with a few drafts
 * begun. Everything goes through the same ports as the API, with audit records.
 */
export async function seedDemo(
  real: Ports,
  log: (line: string) => void,
  /** The running gateway: the simulated data sources push the open period's values through it. */
  baseUrl?: string,
): Promise<boolean> {
  if (await real.frameworks.get(DEMO_FRAMEWORK_ID)) return false;
  // The demo's history runs each job inside the move that started it, at that move's time.
  const ports = withInlineJobs(real);
  const framework = JSON.parse(await readFile(resolve(DATA, "sample-framework-tq-2022.json"), "utf8"));
  await importFramework(ports, at(admin, new Date().toISOString(), "demo-framework"), framework);
  const units = await demoUnits();
  await upsertUnits(ports, at(admin, new Date().toISOString(), "demo-units"), { units });

  const compiled = await compiledFramework(ports, DEMO_FRAMEWORK_ID);
  for (const half of HALF_YEARS) await publishedHalfYear(ports, half, units, compiled, log);

  // 1 July 2025: the districts end and the communes merge; the index set changes with the map.
  const framework2025 = JSON.parse(await readFile(resolve(DATA, "sample-framework-tq-2025.json"), "utf8"));
  await importFramework(ports, at(admin, "2025-06-01T08:00:00+07:00", "demo-framework-2025"), framework2025);
  await applyReform(ports, at(admin, "2025-06-20T08:00:00+07:00", "demo-reform-2025"), await demoReform());
  // The 2022 ranking published a second time, restated on the units of the new map.
  await restatePeriod(
    ports,
    at(admin, "2025-07-10T09:00:00+07:00", "demo-restate-2022-h1"),
    DEMO_PERIODS.firstHalf,
    {
      asOf: REFORM_DAY,
    },
  );
  log(`demo: the 2025 arrangement applied; "6 tháng đầu năm 2022" restated on the units of ${REFORM_DAY}`);
  const units2025 = (await ports.units.all()).filter((unit) => unit.validFrom === REFORM_DAY);
  const compiled2025 = await compiledFramework(ports, DEMO_FRAMEWORK_2025_ID);
  // The systems that measure four leaves of the 2025 index set, registered by the organiser.
  const secrets = new Map<string, string>();
  for (const source of DEMO_SOURCES) {
    const ctx = at(admin, "2025-11-20T08:00:00+07:00", `demo-source-${source.id}`);
    secrets.set(source.id, (await createSource(ports, ctx, source)).secret);
  }
  const measure = async (periodId: string, asOf: string, route?: string) => {
    for (const [sourceId, secret] of secrets) {
      const targets = measuredTargets(compiled2025, units2025, sourceId);
      if (route) await pushPlausibleValues({ baseUrl: route, secret, periodId, targets, asOf, seed: 2025 });
      else await pushThroughService(ports, { periodId, secret, targets, asOf });
    }
  };
  await publishedHalfYear(ports, YEAR_2025, units2025, compiled2025, log, (periodId) =>
    measure(periodId, "2025-12-15T07:00:00+07:00"),
  );

  const now = Date.now();
  const day = 86_400_000;
  await createPeriod(ports, at(admin, new Date(now).toISOString(), "demo-year"), {
    id: DEMO_PERIODS.year2026,
    name: "Năm 2026",
    from: DEMO_PERIODS.year2025,
    opensAt: new Date(now - day).toISOString(),
    closesAt: new Date(now + 30 * day).toISOString(),
    explanationClosesAt: new Date(now + 45 * day).toISOString(),
  });
  const opened = at(admin, new Date(now).toISOString(), "demo-year-open");
  await transitionPeriod(ports, opened, DEMO_PERIODS.year2026, { to: "open" });
  // The sources push the open period's values as they would every night: through the real route.
  await measure(DEMO_PERIODS.year2026, new Date(now).toISOString(), baseUrl);
  log('demo: "Năm 2026" is open for 30 days; the simulated sources pushed its measured values');
  return true;
}

async function compiledFramework(ports: Ports, id: string): Promise<CompiledFramework> {
  const framework = await ports.frameworks.get(id);
  if (!framework) throw new Error(`the demo's index set ${id} is missing`);
  return compileFramework(framework);
}

/** One half-year, as it happened: created, opened, answered by every unit, appraised and published. */
async function publishedHalfYear(
  ports: Ports,
  half: HalfYear,
  units: readonly Unit[],
  compiled: CompiledFramework,
  log: (line: string) => void,
  /** Runs once the period is open, before the units answer: the data sources' pushes. */
  afterOpen?: (periodId: string) => Promise<unknown>,
): Promise<void> {
  const { dates } = half;
  await createPeriod(ports, at(admin, dates.created, `demo-${half.tag}`), {
    id: half.id,
    name: half.name,
    frameworkId: half.frameworkId ?? DEMO_FRAMEWORK_ID,
    ...(half.from ? { from: half.from } : {}),
    opensAt: dates.opensAt,
    closesAt: dates.closesAt,
    explanationClosesAt: dates.explanationClosesAt,
  });
  await transitionPeriod(ports, at(admin, `${dates.opensAt}+07:00`, `demo-${half.tag}-open`), half.id, {
    to: "open",
  });
  await afterOpen?.(half.id);
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
