import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../shared/access/roles.ts";
import { unitViewSchema } from "../../shared/api/catalog.ts";
import { responseSchema } from "../../shared/api/contract.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { periodSchema } from "../../shared/api/periods.ts";
import type { RouteKey } from "../../shared/api/routes.ts";
import { waitFor } from "../support/lifecycle.ts";
import {
  type Api,
  DEPARTMENT_ANSWERS,
  paths,
  type Reply,
  readAll,
  setUpWorldClients,
  tinyPdf,
  type World,
} from "../support/local-stack.ts";

/**
 * The answers of the running stack against the one contract (shared/api/contract.ts), as each role
 * reads them; and, explicitly, that a unit user's period and units carry no internal field.
 */

let world: World;
let admin: Api;
let reviewer: Api;
let editorA: Api;
let approverA: Api;

beforeAll(async () => {
  ({ world, admin, reviewer, editorA, approverA } = await setUpWorldClients("contract"));
});

/** The reply has the status and matches the route's answer for a caller with these roles. */
function expectContract(key: RouteKey, roles: Role[], reply: Reply, status = 200) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const schema = responseSchema(key, status, roles);
  expect(schema, `${key} ${status} is in the contract`).toBeDefined();
  if (schema === null) return expect(reply.body ?? undefined).toBeUndefined();
  const checked = schema?.safeParse(reply.body);
  expect(checked?.error?.issues, `${key} as ${roles.join(",")}`).toBeUndefined();
  return reply.body;
}

const INTERNAL_PERIOD_FIELDS = ["bests", "nextPublication", "closing", "publishing", "lastUnitDeadline"];

describe("every role reads what the contract says", () => {
  it("answers the catalog and the period as the contract says", async () => {
    const periodId = world.periodId;
    expectContract("GET /api/frameworks", ["admin"], await admin.get(pathFor("GET /api/frameworks")));
    expectContract(
      "GET /api/frameworks/{frameworkId}",
      ["unit-editor"],
      await editorA.get(paths.framework(world.frameworkId)),
    );
    for (const [client, roles] of [
      [admin, ["admin"]],
      [reviewer, ["reviewer"]],
      [editorA, ["unit-editor"]],
    ] as const) {
      expectContract("GET /api/units", [...roles], await client.get(pathFor("GET /api/units")));
      expectContract("GET /api/periods", [...roles], await client.get(pathFor("GET /api/periods")));
      expectContract("GET /api/periods/{periodId}", [...roles], await client.get(paths.period(periodId)));
    }
    expectContract(
      "GET /api/periods/{periodId}/submissions",
      ["admin"],
      await admin.get(paths.submissions(periodId)),
    );
    expectContract("GET /api/audit", ["admin"], await admin.get(paths.audit(`period#${periodId}`)));
  });

  it("shows an editor a period and units with no internal field", async () => {
    const period = expectContract(
      "GET /api/periods/{periodId}",
      ["unit-editor"],
      await editorA.get(paths.period(world.periodId)),
    );
    expect(periodSchema.safeParse(period).error).toBeUndefined();
    for (const field of INTERNAL_PERIOD_FIELDS) expect(period).not.toHaveProperty(field);
    const units = await readAll(editorA, pathFor("GET /api/units"));
    expect(units.length).toBeGreaterThan(0);
    for (const unit of units) {
      expect(unitViewSchema.safeParse(unit).error).toBeUndefined();
      expect(unit).not.toHaveProperty("email");
    }
  });

  it("answers a unit's writes with the submission and evidence, never a storage key", async () => {
    const { periodId } = world;
    const unitId = world.a.id;
    const roles: Role[] = ["unit-editor"];
    expectContract(
      "PATCH /api/periods/{periodId}/units/{unitId}/answers",
      roles,
      await editorA.patch(paths.answers(periodId, unitId), { answers: DEPARTMENT_ANSWERS }),
    );
    const link = expectContract(
      "POST /api/periods/{periodId}/units/{unitId}/evidence",
      roles,
      await editorA.post(paths.evidence(periodId, unitId), {
        indicatorCodes: ["1.1", "1.3"],
        url: "https://example.gov.vn/a",
      }),
      201,
    );
    const pdf = tinyPdf("Hop dong");
    const file = expectContract(
      "POST /api/periods/{periodId}/units/{unitId}/evidence",
      roles,
      await editorA.post(paths.evidence(periodId, unitId), {
        indicatorCodes: ["1.2"],
        fileName: "hop-dong.pdf",
        contentType: "application/pdf",
        size: pdf.byteLength,
      }),
      201,
    );
    expect(file.evidence).not.toHaveProperty("key");
    expect(file.upload.url).toEqual(expect.any(String));
    const relinked = expectContract(
      "PATCH /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}",
      roles,
      await editorA.patch(paths.evidence(periodId, unitId, link.evidence.id), { indicatorCodes: ["1.1"] }),
    );
    expect(relinked.evidence.indicatorCodes).toEqual(["1.1"]);
    expectContract(
      "GET /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/download",
      roles,
      await editorA.get(paths.download(periodId, unitId, link.evidence.id)),
    );
    for (const [client, as] of [
      [editorA, ["unit-editor"]],
      [reviewer, ["reviewer"]],
      [admin, ["admin"]],
    ] as const) {
      const submission = expectContract(
        "GET /api/periods/{periodId}/units/{unitId}/submission",
        [...as],
        await client.get(paths.submission(periodId, unitId)),
      );
      for (const item of submission.evidence) expect(item).not.toHaveProperty("key");
    }
    expectContract(
      "POST /api/periods/{periodId}/units/{unitId}/submit",
      ["unit-approver"],
      await approverA.post(paths.submit(periodId, unitId)),
    );
  });

  it("answers the close, the appraisal and the results as the contract says", async () => {
    const { periodId } = world;
    const unitId = world.a.id;
    const closing = await admin.post(paths.transitions(periodId), { to: "appraisal" });
    expectContract("POST /api/periods/{periodId}/transitions", ["admin"], closing, closing.status);
    expect(closing.status).toBe(202);
    const closedForAdmin = await waitFor(
      "the close",
      async () => (await admin.get(paths.period(periodId))).body,
      (p) => p.state === "appraisal" || p.job?.status === "failed",
      60_000,
      100,
    );
    expect(closedForAdmin.job).toMatchObject({ kind: "close", status: "succeeded" });
    const closed = expectContract(
      "GET /api/periods/{periodId}",
      ["unit-editor"],
      await editorA.get(paths.period(periodId)),
    );
    for (const field of INTERNAL_PERIOD_FIELDS) expect(closed).not.toHaveProperty(field);
    expect(closed.job).toEqual({ kind: "close", status: "succeeded" });
    expectContract("GET /api/periods/{periodId}", ["admin"], await admin.get(paths.period(periodId)));

    expectContract(
      "PUT /api/periods/{periodId}/units/{unitId}/appraisals/{code}",
      ["reviewer"],
      await reviewer.put(
        pathFor("PUT /api/periods/{periodId}/units/{unitId}/appraisals/{code}", {
          periodId,
          unitId,
          code: "1.4",
        }),
        {
          accept: true,
        },
      ),
    );
    for (const [client, roles] of [
      [admin, ["admin"]],
      [reviewer, ["reviewer"]],
      [editorA, ["unit-editor"]],
    ] as const)
      expectContract(
        "GET /api/periods/{periodId}/results",
        [...roles],
        await client.get(pathFor("GET /api/periods/{periodId}/results", { periodId })),
      );
    expectContract(
      "GET /api/periods/{periodId}/export",
      ["admin"],
      await admin.get(pathFor("GET /api/periods/{periodId}/export", { periodId })),
    );
  });
});
