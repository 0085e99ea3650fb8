import { describe, expect, it } from "vitest";
import { ROUTES } from "../../functions/routes.ts";
import { NEEDS } from "../../infra/cdk/access.ts";
import { JOBS } from "../../infra/cdk/constructs/jobs.ts";
import { type CfnTemplate, resourcesOf, synth } from "./synth-info.ts";

const full = synth("full");

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of the policies attached to a role (by its logical id). */
function statementsOf(json: CfnTemplate, roleId: string): Statement[] {
  return resourcesOf(json, "AWS::IAM::Policy")
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

/** handler → its role's statements. */
const byHandler = new Map(
  resourcesOf(full.json, "AWS::Lambda::Function")
    .filter(([, r]) => String(r.Properties.Description).startsWith("chiso "))
    .map(([, r]) => {
      const handler = String(r.Properties.Description).slice("chiso ".length);
      const roleId = (r.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      const env = r.Properties.Environment.Variables as Record<string, unknown>;
      return [handler, { roleId, env, statements: statementsOf(full.json, roleId) }] as const;
    }),
);
const has = (handler: string, action: string) =>
  actionsOf(byHandler.get(handler)?.statements ?? []).includes(action);
const holders = (action: string) => [...byHandler.keys()].filter((h) => has(h, action)).sort();

const DATA_WRITES = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
];

describe("least privilege", () => {
  it("lists every handler of the route table in infra/cdk/access.ts, and nothing else", () => {
    expect(Object.keys(NEEDS).sort()).toEqual(
      [...new Set(ROUTES.map((r) => r.handler)), JOBS.period, JOBS.reminders].sort(),
    );
  });

  it('uses no wildcard action and no Resource "*" in the app\'s roles', () => {
    const appRoles = [
      ...[...byHandler.values()].map((f) => f.roleId),
      ...resourcesOf(full.json, "AWS::IAM::Role")
        .map(([id]) => id)
        .filter(
          (id) => id.startsWith("JobsCloseSchedulerRole") || id.startsWith("JobsRemindersSchedulerRole"),
        ),
    ];
    expect(appRoles.length).toBe(byHandler.size + 2);
    for (const roleId of appRoles) {
      const statements = statementsOf(full.json, roleId);
      expect(statements.length, roleId).toBeGreaterThan(0);
      for (const action of actionsOf(statements)) expect(action, roleId).not.toContain("*");
      for (const s of statements) expect(s.Resource, roleId).not.toBe("*");
      expect(full.json.Resources[roleId]?.Properties.ManagedPolicyArns, roleId).toBeUndefined();
    }
  });

  it("lets each function write only its own log group", () => {
    for (const [handler, f] of byHandler) {
      const logs = f.statements.filter((s) => actionsOf([s]).some((a) => a.startsWith("logs:")));
      expect(logs, handler).toHaveLength(1);
      expect(logs[0]?.Resource, handler).toEqual({ "Fn::GetAtt": [expect.stringMatching(/Logs/), "Arn"] });
    }
  });

  it("never lets a GET route write the data table", () => {
    for (const route of ROUTES.filter((r) => r.method === "GET"))
      for (const action of DATA_WRITES)
        expect(
          byHandler
            .get(route.handler)
            ?.statements.some(
              (s) => actionsOf([s]).includes(action) && JSON.stringify(s.Resource).includes("DataTable"),
            ),
          `${route.handler} ${action}`,
        ).toBe(false);
  });

  it("lets the audit log only be appended to (PutItem), and read by GET /api/audit alone", () => {
    for (const [handler, f] of byHandler) {
      const audit = f.statements.filter((s) => JSON.stringify(s.Resource).includes("AuditTable"));
      const actions = actionsOf(audit);
      for (const a of ["dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"])
        expect(actions, handler).not.toContain(a);
      if (handler !== "audit/list")
        expect(
          actions.filter((a) => a !== "dynamodb:PutItem"),
          handler,
        ).toEqual([]);
    }
    const auditReaders = [...byHandler]
      .filter(([, f]) =>
        f.statements.some(
          (s) =>
            actionsOf([s]).includes("dynamodb:Query") && JSON.stringify(s.Resource).includes("AuditTable"),
        ),
      )
      .map(([handler]) => handler);
    expect(auditReaders).toEqual(["audit/list"]);
  });

  it("scopes S3 to a prefix: evidence/ for the evidence functions, public/ for the publication", () => {
    // The multipart calls act on objects too: they stay under evidence/* like the file's own PutObject.
    const objectActions = [
      "s3:PutObject",
      "s3:GetObject",
      "s3:DeleteObject",
      "s3:ListMultipartUploadParts",
      "s3:AbortMultipartUpload",
    ];
    for (const [handler, f] of byHandler)
      for (const s of f.statements.filter((x) => actionsOf([x]).some((a) => objectActions.includes(a)))) {
        const resource = JSON.stringify(s.Resource);
        // Carry-over copies a unit's confirmed files into the new period (CopyObject: get and put).
        if (handler.startsWith("evidence/") || handler === "submissions/carry-over")
          expect(resource, handler).toMatch(/EvidenceBucket.*"\/evidence\/\*"/);
        else expect(resource, handler).toMatch(/SiteBucket.*"\/public\/\*"/);
      }
    // A resumable upload's start, parts and completion are PutObject too (parts, complete).
    expect(holders("s3:PutObject")).toEqual([
      "evidence/add",
      "evidence/complete",
      "evidence/confirm",
      "evidence/parts",
      JOBS.period,
      // A ranking published a second time on new boundaries (its JSON and CSV, and index.json).
      "periods/restate",
      "submissions/carry-over",
    ]);
    expect(holders("s3:ListMultipartUploadParts")).toEqual(["evidence/complete", "evidence/parts"]);
    expect(holders("s3:AbortMultipartUpload")).toEqual(["evidence/complete"]);
    expect(holders("s3:DeleteObject")).toEqual([
      "evidence/confirm",
      "evidence/remove",
      "submissions/carry-over",
    ]);
    expect(holders("s3:GetObject")).toEqual([
      "evidence/confirm",
      "evidence/download",
      JOBS.period,
      "periods/restate",
      "results/export",
      "submissions/carry-over",
    ]);
  });

  it("gives the rare rights to their one user each", () => {
    // The publication, and the restated ranking's entry in index.json.
    expect(holders("cloudfront:CreateInvalidation")).toEqual([JOBS.period, "periods/restate"]);
    expect(holders("cognito-idp:AdminCreateUser")).toEqual(["users/create"]);
    expect(holders("ses:SendEmail")).toEqual([JOBS.reminders]);
    // Only a transition starts a job, and only the unqualified job function.
    expect(holders("lambda:InvokeFunction")).toEqual(["periods/transition"]);
    const invoke = byHandler
      .get("periods/transition")
      ?.statements.find((s) => actionsOf([s]).includes("lambda:InvokeFunction"));
    expect(invoke?.Resource).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^JobsJobsPeriodJob/), "Arn"] });
    // The close schedule follows the stored period (armed while open, deleted otherwise): after opening
    // or re-dating a period, one unit's later deadline, and in the close job (a schedule that fired
    // before a moved deadline arms itself again).
    const armers = [JOBS.period, "periods/extend-unit", "periods/patch", "periods/transition"];
    expect(holders("scheduler:CreateSchedule")).toEqual(armers);
    expect(holders("scheduler:DeleteSchedule")).toEqual(armers);
    expect(holders("iam:PassRole")).toEqual(armers);
  });

  it("limits schedule rights to close-* in the close group, and PassRole to the scheduler", () => {
    for (const handler of ["periods/patch", "periods/transition", JOBS.period]) {
      const statements = byHandler.get(handler)?.statements ?? [];
      const schedule = statements.find((s) => actionsOf([s]).includes("scheduler:CreateSchedule"));
      expect(JSON.stringify(schedule?.Resource)).toContain(":schedule/chiso-test-closes/close-*");
      const pass = statements.find((s) => actionsOf([s]).includes("iam:PassRole"));
      expect(pass?.Resource).toEqual({
        "Fn::GetAtt": [expect.stringMatching(/^JobsCloseSchedulerRole/), "Arn"],
      });
      expect(pass?.Condition).toEqual({ StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } });
    }
  });

  it("gives no function a resource's name without its right, nor the right without the name", () => {
    // The environment variable → the actions (on the resource) of the right bound with it.
    const rights: Record<string, { actions: RegExp; resource?: RegExp }> = {
      EVIDENCE_BUCKET: { actions: /^s3:(Put|Get|Delete)Object$/, resource: /EvidenceBucket/ },
      SITE_BUCKET: { actions: /^s3:(Put|Get)Object$/, resource: /SiteBucket/ },
      USER_POOL_ID: { actions: /^cognito-idp:(Admin|List)/ },
      JOB_FUNCTION_NAME: { actions: /^lambda:InvokeFunction$/ },
      DISTRIBUTION_ID: { actions: /^cloudfront:CreateInvalidation$/ },
      ORIGIN_SECRET_PARAM: { actions: /^secretsmanager:GetSecretValue$/ },
      REMINDER_FROM: { actions: /^ses:SendEmail$/ },
      SCHEDULE_GROUP: { actions: /^scheduler:CreateSchedule$/ },
    };
    for (const [handler, f] of byHandler)
      for (const [name, right] of Object.entries(rights)) {
        const granted = f.statements.some(
          (s) =>
            actionsOf([s]).some((a) => right.actions.test(a)) &&
            (right.resource?.test(JSON.stringify(s.Resource)) ?? true),
        );
        expect(granted, `${handler} ${name}`).toBe(name in f.env);
      }
  });

  it("sends mail only from the configured identity", () => {
    const ses = byHandler
      .get(JOBS.reminders)
      ?.statements.find((s) => actionsOf([s]).includes("ses:SendEmail"));
    expect(JSON.stringify(ses?.Resource)).toContain(":identity/example.gov.vn");
  });
});
