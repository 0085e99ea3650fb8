import { describe, expect, it } from "vitest";
import type { Actor } from "../../../shared/access/roles.ts";
import type { Period } from "../../../shared/model/period.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { periodFor, unitFor } from "../../../shared/services/views.ts";

/** Finding 6: internal fields of a period, and units' e-mail addresses, by role. */
const NOW = new Date("2026-01-10T00:00:00Z");
const period: Period = {
  id: "p",
  name: "Kỳ",
  frameworkId: "fw",
  opensAt: "2026-01-01T00:00:00+07:00",
  closesAt: "2026-01-20T00:00:00+07:00",
  state: "publishing",
  version: 4,
  counts: { units: 2, submitted: 1, draft: 1 },
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-09T00:00:00Z",
  job: {
    kind: "publish",
    status: "running",
    done: 2,
    total: 7,
    queuedAt: "2026-01-09T23:59:00Z",
    attempts: 1,
    runId: "run",
    leaseUntil: "2026-01-10T00:00:20Z",
    error: "S3 said no",
  },
  lastUnitDeadline: "2026-01-25T00:00:00+07:00",
  nextPublication: { version: 2, publishedAt: "2026-01-10T07:00:00+07:00" },
  bests: { provisional: { department: { "2.1": 99 } } },
};
const actor = (...roles: Actor["roles"]): Actor => ({ username: "x", roles, unitId: "u" });

describe("views by role", () => {
  it("shows admins every field but the job's lease", () => {
    const view = periodFor(actor("admin"), period, NOW);
    expect(view.bests).toEqual(period.bests);
    expect(view.nextPublication).toEqual(period.nextPublication);
    expect(view.lastUnitDeadline).toBe(period.lastUnitDeadline);
    expect(view.job).toMatchObject({ done: 2, total: 7, error: "S3 said no" });
    expect(view.job).not.toHaveProperty("runId");
    expect(view.job).not.toHaveProperty("leaseUntil");
  });

  it("shows unit users and reviewers no bests, no publication under way, only a job's kind and status", () => {
    for (const roles of [["unit-editor"], ["unit-approver"], ["reviewer"]] as Actor["roles"][]) {
      const view = periodFor(actor(...roles), period, NOW);
      expect(view).not.toHaveProperty("bests");
      expect(view).not.toHaveProperty("nextPublication");
      expect(view.job).toEqual({ kind: "publish", status: "running" });
      expect(view).toMatchObject({ id: "p", state: "publishing", counts: period.counts });
    }
    expect(periodFor(actor("reviewer"), period, NOW).lastUnitDeadline).toBe(period.lastUnitDeadline);
    expect(periodFor(actor("unit-editor"), period, NOW)).not.toHaveProperty("lastUnitDeadline");
  });

  it("shows a stalled job as failed to everyone", () => {
    const stalled = periodFor(actor("unit-editor"), period, new Date("2026-01-10T01:00:00Z"));
    expect(stalled.job).toEqual({ kind: "publish", status: "failed" });
  });

  it("shows a unit's reminder e-mail to admins only", () => {
    const unit: Unit = { id: "u", code: "U", name: "Sở U", kind: "department", email: "u@example.gov.vn" };
    expect(unitFor(actor("admin"), unit).email).toBe("u@example.gov.vn");
    for (const roles of [["reviewer"], ["unit-editor"], ["unit-approver"]] as Actor["roles"][])
      expect(unitFor(actor(...roles), unit)).toEqual({
        id: "u",
        code: "U",
        name: "Sở U",
        kind: "department",
      });
  });
});
