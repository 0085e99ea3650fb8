import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Actor } from "../../../shared/access/roles.ts";
import { compileFramework } from "../../../shared/engine/compile.ts";
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
export const DEMO_PERIODS = { firstHalf: "2022-h1", year: "2022-y" } as const;

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

/**
 * Seeds the demo once (a stack that has the demo framework is left alone): the sample index set, the
 * 164 units of Tuyên Quang, "6 tháng đầu năm 2022" answered and submitted by most units in 2022
 * (answers calibrated to the real ranges), and "Năm 2022" open now with a few drafts begun.
 * Everything goes through the same ports as the API, with audit records.
 */
export async function seedDemo(real: Ports, log: (line: string) => void): Promise<boolean> {
  if (await real.frameworks.get(DEMO_FRAMEWORK_ID)) return false;
  // The demo's history runs each job inside the move that started it, at that move's time.
  const ports = withInlineJobs(real);
  const framework = JSON.parse(await readFile(resolve(DATA, "sample-framework-tq-2022.json"), "utf8"));
  await importFramework(ports, at(admin, new Date().toISOString(), "demo-framework"), framework);
  const units = await demoUnits();
  await upsertUnits(ports, at(admin, new Date().toISOString(), "demo-units"), { units });

  const h1 = DEMO_PERIODS.firstHalf;
  await createPeriod(ports, at(admin, "2022-06-24T08:00:00+07:00", "demo-h1"), {
    id: h1,
    name: "6 tháng đầu năm 2022",
    frameworkId: DEMO_FRAMEWORK_ID,
    opensAt: "2022-06-25T08:00:00",
    closesAt: "2022-07-15T17:00:00",
    explanationClosesAt: "2022-08-05T17:00:00",
  });
  await transitionPeriod(ports, at(admin, "2022-06-25T08:00:00+07:00", "demo-h1-open"), h1, {
    to: "open",
  });
  const random = mulberry32(2022);
  const compiled = compileFramework(await ports.frameworks.get(DEMO_FRAMEWORK_ID).then((f) => f as never));
  const plans = units.map((unit) => {
    const group = compiled.groupOfKind.get(unit.kind);
    if (!group) throw new Error(`no group for ${unit.kind}`);
    const range = REAL_RANGES[group.group.id] as [number, number];
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
      submits: random() > 0.04,
    };
  });
  await mapLimit(plans, 6, (plan) => answerAsUnit(ports, h1, plan, "2022-07-10T09:00:00+07:00"));
  log(
    `demo: "6 tháng đầu năm 2022" answered by ${plans.length} units, ${plans.filter((p) => p.submits).length} submitted`,
  );
  await appraiseAndPublish(ports, h1, plans);
  log('demo: "6 tháng đầu năm 2022" closed, appraised and published');

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

/** One unit's self-assessment through the services: answers, one PDF backing its evidence, submit. */
async function answerAsUnit(
  ports: Ports,
  periodId: string,
  plan: { unit: Unit; answers: Record<string, unknown>; files: string[]; links: string[]; submits: boolean },
  when: string,
): Promise<void> {
  const { unit } = plan;
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
      at(approver, when, `demo-${unit.id}-${i}`),
      periodId,
      unit.id,
      { answers },
      undefined,
    );
  }
  if (plan.links.length > 0) {
    await addEvidence(ports, at(approver, when, `demo-${unit.id}-link`), periodId, unit.id, {
      indicatorCodes: plan.links,
      url: `https://tuyenquang.gov.vn/chuyen-doi-so/${unit.id}`,
      title: `Trang chuyển đổi số - ${unit.name}`,
    });
  }
  if (plan.files.length > 0) {
    const pdf = tinyPdf(`Tai lieu kiem chung - ${unit.name}`);
    const { evidence, upload } = await addEvidence(
      ports,
      at(approver, when, `demo-${unit.id}-evidence`),
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
    await confirmEvidence(
      ports,
      at(approver, when, `demo-${unit.id}-confirm`),
      periodId,
      unit.id,
      evidence.id,
    );
  }
  if (plan.submits) await submit(ports, at(approver, when, `demo-${unit.id}-submit`), periodId, unit.id);
}

const reviewer: Actor = { username: "reviewer", roles: ["reviewer"] };

/**
 * The first period's second half: the close at the deadline, a reviewer lowering one leaf of every
 * tenth unit, one contest decided in the explanation round, final scoring and publication.
 */
async function appraiseAndPublish(
  ports: Ports,
  periodId: string,
  plans: { unit: Unit; answers: Record<string, unknown>; submits: boolean }[],
): Promise<void> {
  await closePeriod(ports, at(SCHEDULER, "2022-07-15T17:00:00+07:00", "demo-h1-close"), periodId);
  const adjusted = plans.filter((plan, i) => plan.submits && i % 10 === 0);
  for (const plan of adjusted) {
    const code = Object.entries(plan.answers).find(([, value]) => value === true)?.[0];
    if (!code) continue;
    await appraise(
      ports,
      at(reviewer, "2022-07-25T10:00:00+07:00", `demo-appraise-${plan.unit.id}`),
      periodId,
      plan.unit.id,
      code,
      {
        value: false,
        reason: "Tài liệu kiểm chứng không thể hiện nội dung đã kê khai",
      },
    );
  }
  await transitionPeriod(ports, at(admin, "2022-07-27T08:00:00+07:00", "demo-h1-explanation"), periodId, {
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
    await contest(ports, at(approver, "2022-07-28T09:00:00+07:00", "demo-contest"), ...leaf, {
      explanation: "Đơn vị đã bổ sung quyết định ban hành kèm theo trong hồ sơ",
    });
    await decideContest(ports, at(reviewer, "2022-08-01T15:00:00+07:00", "demo-decide"), ...leaf, {
      outcome: "changed",
      value: true,
      reason: "Chấp nhận giải trình: quyết định hợp lệ",
    });
  }
  await transitionPeriod(ports, at(admin, "2022-08-06T08:00:00+07:00", "demo-h1-final"), periodId, {
    to: "final",
  });
  await transitionPeriod(ports, at(admin, "2022-08-10T09:00:00+07:00", "demo-h1-publish"), periodId, {
    to: "published",
  });
}
