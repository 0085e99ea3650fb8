import { randomBytes } from "node:crypto";
import { tinyPdf } from "../../infra/local/demo/pdf.ts";
import { postUpload } from "../../infra/local/demo/upload.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { type Credentials, type SignInSettings, signIn, signInSettings } from "./auth.ts";
import { type Client, clientOf, fetchText, type Json, SmokeError } from "./http.ts";

/**
 * One whole period over the public HTTP API, as its people would live it (DOMAIN.md §6, API.md):
 * a small framework, two units, an approver and a reviewer, a period opened, answered with a file of
 * evidence, submitted, closed early, appraised, finalised, published, and its public files read back.
 * Every id starts with `smoke-<timestamp>`; the units are of kind "smoke", which no real framework
 * ranks, and the reviewer reaches only the smoke group.
 */

export interface SmokeOptions extends Credentials {
  baseUrl: string;
  /** Where each step's line goes (stdout by default). */
  log?: (line: string) => void;
  /** How long a job or a published file is waited for (ms). */
  waitMs?: number;
}

/** Runs `work` as a named step, printing `✓ name  123 ms`, or `✗ name` and rethrowing. */
function stepper(log: (line: string) => void) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const elapsed = () => `${Math.round(performance.now() - started)} ms`;
    try {
      const value = await work();
      log(`✓ ${name}  ${elapsed()}`);
      return value;
    } catch (error) {
      log(`✗ ${name}  ${elapsed()}`);
      throw error;
    }
  };
}

/** A slug of the moment, e.g. smoke-20261128093012. */
const smokePrefix = () => `smoke-${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}`;

/** 8+ characters with upper, lower, digit and symbol (the user pool's policy); never printed. */
const throwAwayPassword = () => `Sm0ke-${randomBytes(12).toString("base64url")}!`;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Reads `read` until `done` holds, or fails naming `what` after `waitMs`. */
async function poll<T>(what: string, waitMs: number, read: () => Promise<T>, done: (v: T) => boolean) {
  const until = Date.now() + waitMs;
  for (let value = await read(); ; value = await read()) {
    if (done(value)) return value;
    if (Date.now() > until) throw new SmokeError(`timed out after ${waitMs} ms waiting for ${what}`);
    await sleep(500);
  }
}

/** The states a long move passes through while its job runs (API.md "Jobs"). */
const DURING: Record<string, string> = { appraisal: "closing", final: "finalizing", published: "publishing" };

/** The smoke framework: one group, three leaves, 1.1 with a required file. Total 30 points. */
function smokeFramework(id: string, groupId: string) {
  return {
    id,
    name: `Kiểm tra nhanh sau triển khai ${id}`,
    decision: "Dữ liệu kiểm tra nhanh, không phải văn bản ban hành",
    groups: [
      {
        id: groupId,
        name: "Đơn vị kiểm tra nhanh",
        unitKinds: ["smoke"],
        nodes: [
          {
            code: "1",
            name: "Kiểm tra nhanh",
            maxPoints: 30,
            children: [
              {
                code: "1.1",
                name: "Có kế hoạch chuyển đổi số",
                maxPoints: 10,
                method: { type: "yesno" },
                evidence: { required: true, kinds: ["file"], hint: "Kế hoạch đã ban hành" },
              },
              {
                code: "1.2",
                name: "Số nền tảng dùng chung",
                maxPoints: 10,
                method: { type: "count", pointsEach: 2 },
              },
              { code: "1.3", name: "Điểm tự chấm", maxPoints: 10, method: { type: "points" } },
            ],
          },
        ],
      },
    ],
  };
}

/** What unit a answers, and what it scores once 1.3 is appraised from 8 down to 5: 10 + 6 + 5. */
const ANSWERS = { "1.1": { value: true }, "1.2": { value: 3 }, "1.3": { value: 8 } };
const APPRAISED_13 = 5;
const EXPECTED_POINTS = 21;

export interface SmokeResult {
  prefix: string;
  periodId: string;
  /** What the smoke leaves behind (the API has no delete route for it). */
  remaining: string[];
}

/** Runs the smoke; throws a SmokeError at the first step that fails (after printing it). */
export async function smokeScenario(options: SmokeOptions): Promise<SmokeResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const step = stepper(log);
  const base = options.baseUrl.replace(/\/$/, "");
  const waitMs = options.waitMs ?? 120_000;
  const prefix = smokePrefix();
  const ids = {
    framework: `${prefix}-fw`,
    group: "smoke",
    unitA: `${prefix}-a`,
    unitB: `${prefix}-b`,
    period: `${prefix}-p`,
    approver: `${prefix}.approver`,
    reviewer: `${prefix}.reviewer`,
  };
  const unitCode = (key: string) => `${prefix.replace(/-/g, "").toUpperCase()}${key}`;
  log(`chiso smoke at ${base}, ids ${prefix}-*`);

  let settings: SignInSettings | undefined;
  const admin = await step("sign in (admin)", async () => {
    settings = await signInSettings(base);
    return clientOf(base, (await signIn(settings, options)).idToken);
  });
  const auth = settings as SignInSettings;

  await step("create framework", () =>
    admin.post(pathFor("POST /api/frameworks"), smokeFramework(ids.framework, ids.group), 201),
  );
  await step("create units", async () => {
    const units = [ids.unitA, ids.unitB].map((id, i) => ({
      id,
      code: unitCode(i === 0 ? "A" : "B"),
      name: `Đơn vị kiểm tra nhanh ${i === 0 ? "A" : "B"} (${prefix})`,
      kind: "smoke",
    }));
    const body = await admin.put(pathFor("PUT /api/units"), { units });
    if (body.created !== 2) throw new SmokeError(`PUT /api/units: created ${body.created}, expected 2`);
  });

  const approverPassword = throwAwayPassword();
  const reviewerPassword = throwAwayPassword();
  await step("create users (approver, reviewer)", async () => {
    await admin.post(
      pathFor("POST /api/users"),
      { username: ids.approver, password: approverPassword, roles: ["unit-approver"], unitId: ids.unitA },
      201,
    );
    await admin.post(
      pathFor("POST /api/users"),
      {
        username: ids.reviewer,
        password: reviewerPassword,
        roles: ["reviewer"],
        scope: { groups: [ids.group] },
      },
      201,
    );
  });

  const periodPath = pathFor("GET /api/periods/{periodId}", { periodId: ids.period });
  await step("create period", async () => {
    const now = Date.now();
    await admin.post(
      pathFor("POST /api/periods"),
      {
        id: ids.period,
        name: `Kỳ kiểm tra nhanh ${prefix}`,
        frameworkId: ids.framework,
        unitIds: [ids.unitA, ids.unitB],
        opensAt: new Date(now - 3_600_000).toISOString(),
        closesAt: new Date(now + 24 * 3_600_000).toISOString(),
      },
      201,
    );
  });

  /** POST a transition; a move that runs as a job (202) is followed until the job has finished. */
  const moveTo = async (to: string) => {
    const path = pathFor("POST /api/periods/{periodId}/transitions", { periodId: ids.period });
    const moved: Json = await admin.post(path, { to }, 200, 202);
    const during = DURING[to];
    const settled =
      moved.state === during
        ? await poll(
            `the ${moved.job?.kind ?? to} job`,
            waitMs,
            () => admin.get(periodPath),
            (p: Json) => p.state !== during || p.job?.status === "failed",
          )
        : moved;
    if (settled.state !== to || (settled.job && settled.job.status !== "succeeded"))
      throw new SmokeError(
        `→ ${to}: period ${settled.state}, job ${JSON.stringify(settled.job ?? null)}`,
        undefined,
        settled.job?.status === "failed" ? "job-failed" : undefined,
      );
  };
  await step("open period", () => moveTo("open"));

  const unitPaths = { periodId: ids.period, unitId: ids.unitA };
  const approver = await step("sign in (unit approver)", async () =>
    clientOf(base, (await signIn(auth, { username: ids.approver, password: approverPassword })).idToken),
  );
  await step("answer", () =>
    approver.patch(pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", unitPaths), {
      answers: ANSWERS,
    }),
  );
  await step("upload evidence (presigned POST) and confirm", () =>
    uploadEvidence(approver, unitPaths, prefix),
  );
  await step("submit", () =>
    approver.post(pathFor("POST /api/periods/{periodId}/units/{unitId}/submit", unitPaths)),
  );
  await step("close early (close job)", () => moveTo("appraisal"));

  const reviewer = await step("sign in (reviewer, TOTP enrolled when required)", async () =>
    clientOf(
      base,
      (await signIn(auth, { username: ids.reviewer, password: reviewerPassword }, true)).idToken,
    ),
  );
  await step("appraise 1.3", () =>
    reviewer.put(
      pathFor("PUT /api/periods/{periodId}/units/{unitId}/appraisals/{code}", { ...unitPaths, code: "1.3" }),
      { value: APPRAISED_13, reason: "Kiểm tra nhanh: điều chỉnh điểm tự chấm" },
    ),
  );
  await step("finalize (finalize job)", () => moveTo("final"));
  await step("publish (publish job)", () => moveTo("published"));

  await step("read the published files", () =>
    checkPublished(`${base}/public/rankings`, ids.period, unitCode("A"), ids.unitA, waitMs),
  );

  const remaining = [
    `framework ${ids.framework}, units ${ids.unitA} and ${ids.unitB} (kind "smoke")`,
    `period ${ids.period}, published: listed in /public/rankings/index.json`,
    `users ${ids.approver} and ${ids.reviewer}, with passwords nobody knows; to disable them:`,
    ...[ids.approver, ids.reviewer].map(
      (u) =>
        `  aws cognito-idp admin-disable-user --region ${auth.region} --user-pool-id ${auth.userPoolId} --username ${u}`,
    ),
  ];
  log("The API has no delete route for these; they stay, marked smoke:");
  for (const line of remaining) log(`  ${line}`);
  return { prefix, periodId: ids.period, remaining };
}

/** Asks for an upload of a one-page PDF for leaf 1.1, posts it to the bucket, confirms it. */
async function uploadEvidence(
  client: Client,
  unitPaths: { periodId: string; unitId: string },
  prefix: string,
) {
  const pdf = tinyPdf(`chiso smoke ${prefix}`);
  const asked: Json = await client.post(
    pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence", unitPaths),
    {
      indicatorCodes: ["1.1"],
      fileName: `${prefix}.pdf`,
      contentType: "application/pdf",
      size: pdf.byteLength,
    },
    201,
  );
  const stored = await postUpload(asked.upload, pdf, "application/pdf", `${prefix}.pdf`);
  if (!stored.ok) throw new SmokeError(`presigned POST to the bucket: ${await stored.text()}`, stored.status);
  const evidenceId = asked.evidence.id as string;
  const confirmed: Json = await client.post(
    pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/confirm", {
      ...unitPaths,
      evidenceId,
    }),
  );
  if (confirmed.evidence?.status !== "confirmed")
    throw new SmokeError(`confirm: evidence ${JSON.stringify(confirmed.evidence)}`);
}

/**
 * Reads the snapshot, the CSV and the index through the CDN path, and checks unit a's points in the
 * first two. Retried until `waitMs`: the index is cached 60 s at the edge.
 */
async function checkPublished(
  rankings: string,
  periodId: string,
  code: string,
  unitId: string,
  waitMs: number,
) {
  const read = async (file: string) => {
    const reply = await poll(
      `${rankings}/${file}`,
      waitMs,
      () => fetchText(`${rankings}/${file}`),
      (r) => r.status === 200,
    );
    return reply.text;
  };
  const snapshot = JSON.parse(await read(`${periodId}.json`));
  const unit = snapshot.groups?.flatMap((g: Json) => g.units).find((u: Json) => u.unitId === unitId);
  if (unit?.points !== EXPECTED_POINTS || unit.rank !== 1)
    throw new SmokeError(
      `${periodId}.json: unit ${unitId} ${JSON.stringify(unit)}, expected rank 1, ${EXPECTED_POINTS} points`,
    );

  const [header = [], ...rows] = (await read(`${periodId}.csv`))
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((line) => line.split(","));
  // The open-data CSV's Vietnamese headers (shared/services/open-data.ts): "Mã" the code, "Điểm" the points.
  const row = rows.find((r) => r[header.indexOf("Mã")] === code);
  if (Number(row?.[header.indexOf("Điểm")]) !== EXPECTED_POINTS)
    throw new SmokeError(`${periodId}.csv: row ${JSON.stringify(row)}, expected ${EXPECTED_POINTS} points`);

  await poll(
    `index.json to list ${periodId}`,
    waitMs,
    async () => JSON.parse((await fetchText(`${rankings}/index.json`)).text || "{}"),
    (index: Json) => (index.periods ?? []).some((p: Json) => p.periodId === periodId),
  );
}
