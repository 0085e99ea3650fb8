import { beforeAll, describe, expect, test } from "vitest";
import { checkRights, formatReport, type RightsReport, synthTemplate } from "./check.ts";
import { recording } from "./recording.ts";

/**
 * Every AWS call each function made while the integration suite ran (recorded by
 * test/support/aws-calls.ts) against that function's IAM policy in the synthesized template: a call
 * the policy would deny fails here, before a deployment finds it. The report lists each function's
 * calls and the grants no test used, so least privilege stays tight.
 */
describe("the rights of each function", () => {
  let report: RightsReport;

  beforeAll(() => {
    const { run, calls } = recording();
    report = checkRights(synthTemplate(), calls, run);
    console.log(
      `rights: ${calls.length} distinct calls recorded by the integration run of ${run.startedAt} ` +
        "(×N: distinct calls by resource names; unused: granted, never used by a recorded call)\n" +
        formatReport(report),
    );
  });

  test("every recorded call can be judged: a known operation, by a function of the template", () => {
    expect(report.problems).toEqual([]);
  });

  test("no recorded call is denied by its function's policy", () => {
    const denied = report.denied.map(
      ({ call, request }) =>
        `${call.handler}: ${call.service}.${call.command} needs ${request.action} on ${request.resources.join(" or ")}`,
    );
    expect(denied).toEqual([]);
  });

  test("the calls come from the functions the suite exercises (the recorder is in place)", () => {
    const calling = report.functions.filter((f) => f.requests.length > 0).map((f) => f.handler);
    // Every route is called by some integration test; a sudden drop means calls went unrecorded.
    expect(calling.length).toBeGreaterThanOrEqual(20);
    expect(calling).toEqual(expect.arrayContaining(["evidence/add", "users/create", "jobs/period-job"]));
  });
});
