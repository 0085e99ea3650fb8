import { describe, expect, it } from "vitest";
import {
  createPeriod,
  extendUnitDeadline,
  getPeriod,
  listPeriods,
  patchPeriod,
} from "../../../shared/services/periods.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { departmentsPeriod } from "../../support/fakes/scenarios.ts";
import { at, by, DAY, refusal } from "../../support/fakes/world.ts";

const base = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  name: `Kỳ ${id}`,
  frameworkId: "fw",
  opensAt: at(-DAY).toISOString(),
  closesAt: at(5 * DAY).toISOString(),
  ...over,
});

describe("creating a period", () => {
  it("binds the framework and its units in draft, counted, with an audit record", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports, { units: 3, draft: true });
    const period = await getPeriod(ports, by.admin(), periodId);
    expect(period).toMatchObject({
      state: "draft",
      version: 1,
      counts: { units: 3, submitted: 0, draft: 3 },
    });
    expect([...(await ports.periods.members(periodId))]).toEqual([
      ["so-1", "department"],
      ["so-2", "department"],
      ["so-3", "department"],
    ]);
    expect(ports.audit.actions(`period#${periodId}`)).toEqual(["period.create"]);
  });

  it("takes every unit valid at the deadline when no units are named, and ranks only known kinds", async () => {
    const ports = memoryPorts();
    await departmentsPeriod(ports, { units: 2, draft: true });
    await upsertUnits(ports, by.admin(), {
      units: [
        { id: "gone", code: "G", name: "Sở cũ", kind: "department", validTo: "2020-12-31" },
        { id: "xa-1", code: "X1", name: "Xã 1", kind: "commune" },
        { id: "school", code: "T", name: "Trường", kind: "school" },
      ],
    });
    await createPeriod(ports, by.admin(), base("all"));
    expect([...(await ports.periods.members("all"))].sort()).toEqual([
      ["so-1", "department"],
      ["so-2", "department"],
      ["xa-1", "commune"],
    ]);
  });

  it("refuses an unknown framework, unknown or unranked units, a taken id, and non-admins", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports, { draft: true });
    expect(await refusal(createPeriod(ports, by.admin(), base("x", { frameworkId: "nope" })))).toBe(
      "unprocessable/unknown-framework",
    );
    expect(await refusal(createPeriod(ports, by.admin(), base("x", { unitIds: ["so-1", "ghost"] })))).toBe(
      "unprocessable/invalid-participants",
    );
    expect(await refusal(createPeriod(ports, by.admin(), base(periodId)))).toBe("conflict/period-exists");
    expect(await refusal(createPeriod(ports, by.reviewer(), base("x")))).toBe("forbidden/forbidden");
    expect(
      await refusal(createPeriod(ports, by.admin(), base("x", { closesAt: at(-2 * DAY).toISOString() }))),
    ).toBe("unprocessable/invalid-body");
  });
});

describe("reading periods", () => {
  it("lists by state, a page at a time; an unknown state is a bad request", async () => {
    const ports = memoryPorts();
    await departmentsPeriod(ports, { periodId: "a" });
    await createPeriod(ports, by.admin(), base("b", { unitIds: ["so-1"] }));
    expect((await listPeriods(ports, by.admin(), { limit: 10 }, "open")).items.map((p) => p.id)).toEqual([
      "a",
    ]);
    const all = await listPeriods(ports, by.admin(), { limit: 1 });
    expect(all.items).toHaveLength(1);
    const rest = await listPeriods(ports, by.admin(), { limit: 5, cursor: all.nextCursor ?? undefined });
    expect([...all.items, ...rest.items].map((p) => p.id).sort()).toEqual(["a", "b"]);
    expect(await refusal(listPeriods(ports, by.admin(), { limit: 1 }, "sleeping"))).toBe(
      "bad-request/bad-state",
    );
    expect(await refusal(getPeriod(ports, by.admin(), "nope"))).toBe("not-found/not-found");
  });
});

describe("changing a period", () => {
  it("renames and moves the deadline of an open period, arming the close for the new one", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const closesAt = at(4 * DAY).toISOString();
    const changed = await patchPeriod(ports, by.admin(), periodId, { name: "Kỳ mới", closesAt });
    expect(changed).toMatchObject({ name: "Kỳ mới", version: 3 });
    expect(Date.parse(changed.closesAt)).toBe(Date.parse(closesAt));
    expect(ports.scheduler.armed.at(-1)).toEqual({ periodId, closesAt: changed.closesAt });
    expect(ports.audit.actions(`period#${periodId}`).at(-1)).toBe("period.update");
  });

  it("sets, replaces and clears the announcing decision, and refuses it while a job holds the period", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const decision = { issuer: "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG", number: "1/QĐ-UBND", date: "2022-08-10" };
    await patchPeriod(ports, by.admin(), periodId, { decision });
    expect((await ports.periods.require(periodId)).decision).toEqual(decision);
    await patchPeriod(ports, by.admin(), periodId, { decision: { number: "2/QĐ-UBND" } });
    expect((await ports.periods.require(periodId)).decision).toEqual({ number: "2/QĐ-UBND" });
    await patchPeriod(ports, by.admin(), periodId, { decision: null });
    expect((await ports.periods.require(periodId)).decision).toBeUndefined();
    // The close is queued, not run: the period waits in "closing", where a job would read the decision.
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    expect((await ports.periods.require(periodId)).state).toBe("closing");
    expect(await refusal(patchPeriod(ports, by.admin(), periodId, { decision }))).toBe(
      "conflict/job-running",
    );
    expect((await ports.periods.require(periodId)).decision).toBeUndefined();
  });

  it("refuses a deadline in the past, out of order, or once the period closed; and non-admins", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    expect(
      await refusal(patchPeriod(ports, by.admin(), periodId, { closesAt: at(-DAY).toISOString() })),
    ).toBe("unprocessable/deadline-in-past");
    expect(
      await refusal(patchPeriod(ports, by.admin(), periodId, { explanationClosesAt: at(DAY).toISOString() })),
    ).toBe("unprocessable/deadline-order");
    expect(await refusal(patchPeriod(ports, by.reviewer(), periodId, { name: "x" }))).toBe(
      "forbidden/forbidden",
    );
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    expect(
      await refusal(patchPeriod(ports, by.admin(), periodId, { closesAt: at(9 * DAY).toISOString() })),
    ).toBe("conflict/period-closed");
  });

  it("decides again on a fresh read when another write came first", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const update = ports.periods.update.bind(ports.periods);
    let raced = false;
    ports.periods.update = async (current, next, audit, options) => {
      if (!raced) {
        raced = true; // someone renames between this request's read and its write
        const fresh = await ports.periods.require(periodId);
        await update(fresh, { ...fresh, name: "Kỳ của người khác" }, audit);
      }
      return update(current, next, audit, options);
    };
    const changed = await patchPeriod(ports, by.admin(), periodId, {
      explanationClosesAt: at(20 * DAY).toISOString(),
    });
    expect(changed).toMatchObject({ name: "Kỳ của người khác", version: 4 });
  });
});

describe("a unit's own deadline", () => {
  it("extends one unit beyond the period's deadline, records both, and arms the close for the latest", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const closesAt = at(6 * DAY).toISOString();
    expect(await extendUnitDeadline(ports, by.admin(), periodId, "so-1", { closesAt })).toMatchObject({
      unitId: "so-1",
    });
    const period = await ports.periods.require(periodId);
    expect(Date.parse(period.lastUnitDeadline ?? "")).toBe(Date.parse(closesAt));
    const { head } = await ports.submissions.load(periodId, "so-1", "department");
    expect(head).toMatchObject({ state: "draft", version: 0 });
    expect(Date.parse(head.extendedUntil ?? "")).toBe(Date.parse(closesAt));
    expect(ports.audit.actions(`submission#${periodId}#so-1`)).toEqual(["deadline.extend"]);
    expect(ports.audit.actions(`period#${periodId}`).at(-1)).toBe("period.unit-deadline");
    expect(Date.parse(ports.scheduler.armed.at(-1)?.closesAt ?? "")).toBe(Date.parse(closesAt));
  });

  it("refuses an earlier deadline, a unit outside the period, a period not open, and non-admins", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const later = { closesAt: at(6 * DAY).toISOString() };
    expect(
      await refusal(
        extendUnitDeadline(ports, by.admin(), periodId, "so-1", { closesAt: at(DAY).toISOString() }),
      ),
    ).toBe("unprocessable/deadline-not-later");
    expect(await refusal(extendUnitDeadline(ports, by.admin(), periodId, "ghost", later))).toBe(
      "not-found/not-found",
    );
    expect(await refusal(extendUnitDeadline(ports, by.editor("so-1"), periodId, "so-1", later))).toBe(
      "forbidden/forbidden",
    );
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    expect(await refusal(extendUnitDeadline(ports, by.admin(), periodId, "so-1", later))).toBe(
      "conflict/period-not-open",
    );
  });
});
