import { describe, expect, test } from "vitest";
import { NEEDS } from "../../infra/cdk/access.ts";
import { LOCAL_ACCOUNT } from "../../infra/local/template.ts";
import { checkRights, RIGHTS_CONTEXT, synthTemplate } from "./check.ts";
import { recording } from "./recording.ts";
import { requestsOf } from "./requests.ts";

/** The grant taken away: evidence/download's "get" on the evidence bucket (it signs download links). */
const HANDLER = "evidence/download";
const WITHOUT = { ...NEEDS, [HANDLER]: { data: "read" as const } };

describe("a grant removed from infra/cdk/access.ts", () => {
  test(`${HANDLER} without evidence "get": exactly its recorded s3:GetObject calls are denied`, () => {
    const { run, calls } = recording();
    const scope = { region: RIGHTS_CONTEXT.region, account: LOCAL_ACCOUNT };
    // What the grant allowed (rights.test.ts checks that the full template allows all of it).
    const expected = calls
      .filter((call) => call.handler === HANDLER)
      .flatMap((call) => requestsOf(call, scope).map((request) => ({ call, request })))
      .filter(({ request }) => request.action === "s3:GetObject");
    // Without a recorded download the removal would prove nothing.
    expect(expected.length).toBeGreaterThan(0);

    const report = checkRights(synthTemplate(WITHOUT), calls, run);
    expect(report.problems).toEqual([]);
    const key = (r: { call: unknown; request: unknown }) => JSON.stringify([r.call, r.request]);
    expect(report.denied.map(key).sort()).toEqual(expected.map(key).sort());
  });
});
