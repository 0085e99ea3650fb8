import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appraise } from "../../../shared/services/appraisal.ts";
import { canonical, pushMeasurements } from "../../../shared/services/measurements.ts";
import { periodResults } from "../../../shared/services/results.ts";
import {
  authenticateSource,
  createSource,
  listSources,
  revokeSource,
} from "../../../shared/services/sources.ts";
import { getSubmission, saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import type { MemoryPorts } from "../../support/fakes/index.ts";
import { measuredPeriod } from "../../support/fakes/measured-period.ts";
import { runQueuedJobs } from "../../support/fakes/scenarios.ts";
import { by, ctxOf, refusal } from "../../support/fakes/world.ts";

const ANON = { username: "anonymous", roles: [] };

/** S1 and S2 in the period, S3 outside it; sources vbdh and dvc. */
async function world() {
  const { ports, vbdh } = await measuredPeriod();
  const dvc = await createSource(ports, by.admin(), { id: "dvc", name: "Cổng dịch vụ công" });
  return { ports, vbdh, dvc };
}

function push(ports: MemoryPorts, secret: string, body: unknown, now?: Date) {
  const rawBody = JSON.stringify(body);
  return pushMeasurements(ports, ctxOf(ANON, now), {
    periodId: "ky",
    authorization: `Bearer ${secret}`,
    body,
    rawBody,
  });
}

const T1 = "2026-03-01T00:00:00+07:00";
const T2 = "2026-03-02T00:00:00+07:00";

describe("data sources", () => {
  it("shows the secret once, keeps only a salted scrypt hash, lists without secrets, revokes", async () => {
    const { ports, vbdh } = await world();
    expect(vbdh.secret).toMatch(/^vbdh\.[A-Za-z0-9_-]{43}$/);
    const stored = ports.sources.stored.get("vbdh");
    expect(JSON.stringify(stored)).not.toContain(vbdh.secret.split(".")[1]);
    expect(stored?.salt).toBeTruthy();
    expect(stored?.hash).toHaveLength(43);
    const listed = await listSources(ports, by.admin(), { limit: 50 });
    expect(listed.items.map((s) => s.id)).toEqual(["dvc", "vbdh"]);
    expect(JSON.stringify(listed)).not.toMatch(/hash|salt|secret/);
    expect(await refusal(createSource(ports, by.admin(), { id: "vbdh", name: "Lần nữa" }))).toBe(
      "conflict/source-exists",
    );
    expect(await refusal(createSource(ports, by.reviewer(), { id: "x", name: "X" }))).toBe(
      "forbidden/forbidden",
    );
    expect((await authenticateSource(ports, `Bearer ${vbdh.secret}`)).id).toBe("vbdh");
    await revokeSource(ports, by.admin(), "vbdh");
    expect(await refusal(authenticateSource(ports, `Bearer ${vbdh.secret}`))).toBe(
      "unauthenticated/bad-secret",
    );
    expect((await listSources(ports, by.admin(), { limit: 50 })).items[1]?.revokedAt).toBeTruthy();
    expect(ports.audit.actions("source#vbdh")).toEqual(["source.create", "source.revoke"]);
  });

  it("refuses a missing, malformed, wrong or unknown secret alike (401)", async () => {
    const { ports, vbdh, dvc } = await world();
    const wrong = `${vbdh.secret.slice(0, -1)}${vbdh.secret.endsWith("A") ? "B" : "A"}`;
    // The right secret checked first (this process remembers it) lets no wrong one through after it.
    expect((await authenticateSource(ports, `Bearer ${vbdh.secret}`)).id).toBe("vbdh");
    for (const header of [
      undefined,
      "",
      vbdh.secret,
      `Bearer ${wrong}`,
      `Bearer dvc.${vbdh.secret.slice(5)}`,
    ])
      expect(await refusal(authenticateSource(ports, header))).toBe("unauthenticated/bad-secret");
    expect(await refusal(authenticateSource(ports, `Bearer nope.${dvc.secret.slice(4)}`))).toBe(
      "unauthenticated/bad-secret",
    );
    // A source registered again under the same id (another store) has a new hash: the old secret fails.
    const again = await world();
    expect(await refusal(authenticateSource(again.ports, `Bearer ${vbdh.secret}`))).toBe(
      "unauthenticated/bad-secret",
    );
    expect((await authenticateSource(again.ports, `Bearer ${again.vbdh.secret}`)).id).toBe("vbdh");
  });
});

describe("pushing measurements", () => {
  it("stores values with their provenance and refuses each bad value with its reason", async () => {
    const { ports, vbdh } = await world();
    const body = {
      asOf: T1,
      values: [
        { unitId: "so-1", code: "1.3", value: { numerator: 8, denominator: 10 }, reference: "BC-01" },
        { unitId: "so-1", code: "1.5", value: 4 },
        { unitId: "nowhere", code: "1.3", value: { numerator: 1, denominator: 1 } },
        { unitId: "so-3", code: "1.3", value: { numerator: 1, denominator: 1 } },
        { unitId: "so-1", code: "9.9", value: 1 },
        { unitId: "so-1", code: "1.4", value: 1 },
        { unitId: "so-1", code: "2.2", value: 1 },
        { unitId: "so-2", code: "1.3", value: { numerator: 5, denominator: 4 } },
        { unitId: "so-2", code: "1.5", value: 1.5 },
        { unitId: "so-2", code: "1.5", value: null },
        { unitId: "so-1", code: "1.5", value: 5 },
      ],
    };
    const answer = await push(ports, vbdh.secret, body);
    expect(answer.results.map((r) => (r.status === "refused" ? r.reason : r.status))).toEqual([
      "stored",
      "stored",
      "unknown-unit",
      "not-in-period",
      "unknown-leaf",
      "not-measured",
      "other-source",
      "invalid-value",
      "invalid-value",
      "invalid-value",
      "duplicate",
    ]);
    expect(answer.counts).toEqual({ stored: 2, unchanged: 0, stale: 0, refused: 9 });
    const sha = createHash("sha256").update(JSON.stringify(body)).digest("hex");
    expect(answer.bodySha256).toBe(sha);
    const { measured } = await ports.submissions.load("ky", "so-1", "department");
    expect(measured?.get("1.3")).toEqual({
      code: "1.3",
      value: { numerator: 8, denominator: 10 },
      sourceId: "vbdh",
      sourceName: "Hệ thống quản lý văn bản",
      asOf: "2026-02-28T17:00:00.000Z",
      receivedAt: expect.any(String),
      reference: "BC-01",
      bodySha256: sha,
    });
    expect((await ports.submissions.load("ky", "so-2", "department")).measured?.size).toBe(0);
    // One audit record per call, with the counts.
    const records = ports.audit.records.filter((r) => r.action === "measurements.push");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      entity: "source#vbdh",
      actor: "source:vbdh",
      after: { periodId: "ky", values: 11, stored: 2, refused: 9, bodySha256: sha },
    });
  });

  it("answers unchanged for the same value again, stale for an older asOf, stores a newer one", async () => {
    const { ports, vbdh } = await world();
    const value = (v: number, asOf: string) => ({
      asOf,
      values: [{ unitId: "so-1", code: "1.5", value: v }],
    });
    expect((await push(ports, vbdh.secret, value(4, T2))).results[0]?.status).toBe("stored");
    expect((await push(ports, vbdh.secret, value(4, T2))).results[0]?.status).toBe("unchanged");
    expect((await push(ports, vbdh.secret, value(9, T1))).results[0]?.status).toBe("stale");
    expect((await push(ports, vbdh.secret, value(4, T1))).results[0]?.status).toBe("stale");
    const stored = await ports.submissions.load("ky", "so-1", "department");
    expect(stored.measured?.get("1.5")?.value).toBe(4);
    expect((await push(ports, vbdh.secret, value(6, T2))).results[0]?.status).toBe("stored");
    expect((await ports.submissions.load("ky", "so-1", "department")).measured?.get("1.5")?.value).toBe(6);
  });

  it("reports stale when a newer push lands between the read and the write", async () => {
    const { ports, vbdh } = await world();
    ports.measurements.beforePut = async () => {
      ports.measurements.beforePut = undefined;
      await push(ports, vbdh.secret, { asOf: T2, values: [{ unitId: "so-1", code: "1.5", value: 7 }] });
    };
    const answer = await push(ports, vbdh.secret, {
      asOf: T1,
      values: [{ unitId: "so-1", code: "1.5", value: 3 }],
    });
    expect(answer.results[0]?.status).toBe("stale");
    expect((await ports.submissions.load("ky", "so-1", "department")).measured?.get("1.5")?.value).toBe(7);
  });

  it("treats a ratio given with its keys in another order as the same value", async () => {
    expect(canonical({ denominator: 2, numerator: 1 })).toBe(canonical({ numerator: 1, denominator: 2 }));
    const { ports, vbdh } = await world();
    const ratio = (value: unknown) => ({ asOf: T1, values: [{ unitId: "so-1", code: "1.3", value }] });
    expect((await push(ports, vbdh.secret, ratio({ numerator: 1, denominator: 2 }))).results[0]?.status).toBe(
      "stored",
    );
    expect((await push(ports, vbdh.secret, ratio({ denominator: 2, numerator: 1 }))).results[0]?.status).toBe(
      "unchanged",
    );
  });

  it("answers 401 for a bad secret before 404 for an unknown period", async () => {
    const { ports, vbdh } = await world();
    const to = (authorization: string) =>
      pushMeasurements(ports, ctxOf(ANON), {
        periodId: "khong-co",
        authorization,
        body: { asOf: T1, values: [{ unitId: "so-1", code: "1.5", value: 1 }] },
        rawBody: "{}",
      });
    expect(await refusal(to(`Bearer ${vbdh.secret}x`))).toBe("unauthenticated/bad-secret");
    expect(await refusal(to(`Bearer ${vbdh.secret}`))).toBe("not-found/not-found");
  });

  it("refuses a whole call outside open and appraisal (409), over 5,000 values (422), a revoked source (401)", async () => {
    const { ports, vbdh } = await world();
    const many = Array.from({ length: 5001 }, () => ({ unitId: "so-1", code: "1.5", value: 1 }));
    expect(await refusal(push(ports, vbdh.secret, { asOf: T1, values: many }))).toBe(
      "unprocessable/invalid-body",
    );
    expect(await refusal(push(ports, vbdh.secret, { asOf: "hôm qua", values: many.slice(0, 1) }))).toBe(
      "unprocessable/invalid-body",
    );
    await transitionPeriod(ports, by.admin(), "ky", { to: "appraisal" });
    expect((await ports.periods.require("ky")).state).toBe("closing");
    expect(await refusal(push(ports, vbdh.secret, { asOf: T1, values: many.slice(0, 1) }))).toBe(
      "conflict/period-not-measurable",
    );
    await runQueuedJobs(ports);
    expect((await push(ports, vbdh.secret, { asOf: T1, values: many.slice(0, 1) })).counts.stored).toBe(1);
    await revokeSource(ports, by.admin(), "vbdh");
    expect(await refusal(push(ports, vbdh.secret, { asOf: T1, values: many.slice(0, 1) }))).toBe(
      "unauthenticated/bad-secret",
    );
    expect(ports.audit.records.filter((r) => r.action === "measurements.push")).toHaveLength(1);
  });
});

describe("measured leaves in the unit's submission and the scores", () => {
  it("refuses the unit's value for a measured leaf (422 naming it) but takes a note", async () => {
    const { ports } = await world();
    const error = await saveAnswers(
      ports,
      by.editor("so-1"),
      "ky",
      "so-1",
      { answers: { "1.5": { value: 3 } } },
      undefined,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "unprocessable", code: "invalid-answer" });
    expect(JSON.stringify((error as { details: unknown }).details)).toContain("answers.1.5.value");
    const view = await saveAnswers(
      ports,
      by.editor("so-1"),
      "ky",
      "so-1",
      { answers: { "1.5": { note: "Số liệu tháng 2" } } },
      undefined,
    );
    expect(view.answers["1.5"]).toMatchObject({ value: null, note: "Số liệu tháng 2" });
  });

  it("counts the measured value in the live score without evidence, in the close, and under an override", async () => {
    const { ports, vbdh } = await world();
    await push(ports, vbdh.secret, {
      asOf: T1,
      values: [
        { unitId: "so-1", code: "1.3", value: { numerator: 10, denominator: 10 } },
        { unitId: "so-1", code: "1.5", value: 2 },
      ],
    });
    const view = await getSubmission(ports, by.editor("so-1"), "ky", "so-1");
    // 1.3 needs evidence when answered, never when measured; 1.5 earns 2 points a platform.
    expect(view.preview.leaves["1.3"]).toEqual({ score: 10, flags: [] });
    expect(view.preview.leaves["1.5"]).toEqual({ score: 4, flags: [] });
    expect(view.preview.points).toBe(14);
    expect(view.measured?.["1.3"]).toMatchObject({
      sourceName: "Hệ thống quản lý văn bản",
      asOf: expect.any(String),
    });
    await saveAnswers(
      ports,
      by.approver("so-1"),
      "ky",
      "so-1",
      { answers: { "1.1": { value: false } } },
      undefined,
    );
    await submit(ports, by.approver("so-1"), "ky", "so-1");
    await transitionPeriod(ports, by.admin(), "ky", { to: "appraisal" });
    await runQueuedJobs(ports);
    const head = (await ports.submissions.load("ky", "so-1", "department")).head;
    expect(head.provisional?.points).toBe(14);
    await appraise(ports, by.reviewer(), "ky", "so-1", "1.5", { value: 1, reason: "Số liệu trùng lặp" });
    const results = await periodResults(ports, by.admin(), "ky", { limit: 10 }, {});
    const leaf = results.items.find((u) => u.unitId === "so-1")?.leaves.find((l) => l.code === "1.5");
    expect(leaf).toMatchObject({
      measured: { value: 2, sourceId: "vbdh" },
      self: { value: 2, score: 4 },
      appraisal: { value: 1, reason: "Số liệu trùng lặp" },
      final: { value: 1, score: 2 },
    });
  });
});
