import { beforeAll, describe, expect, it } from "vitest";
import { lifecyclePaths } from "../support/lifecycle.ts";
import {
  type Api,
  api,
  expectError,
  expectInvalid,
  paths,
  readAll,
  setUpWorldClients,
  type World,
} from "../support/local-stack.ts";
import { expectUnchangedBy, worldState } from "../support/world-state.ts";

/**
 * Hostile input over HTTP (findings 2–6): caps before parsing, strict dates, visible names and safe
 * file names, path parameters checked at the edge, and what each role reads of periods and units.
 */

let world: World;
let admin: Api;
let editorA: Api;

beforeAll(async () => {
  ({ world, admin, editorA } = await setUpWorldClients("hardening"));
});

const unchanged = (run: () => Promise<void>) => expectUnchangedBy(() => worldState(admin, world), run);

describe("caps before parsing in full (finding 2)", () => {
  it("refuses 200,000 bad answers with a short 413 before parsing, and 41 answers with one problem", async () => {
    await unchanged(async () => {
      const answers: Record<string, unknown> = {};
      for (let i = 0; i < 200_000; i++) answers[`x${i}`] = { value: i };
      // Refused on its size (413) before any parsing: no clock needed to tell (timings do not belong here).
      const huge = await editorA.patch(paths.answers(world.periodId, world.a.id), { answers });
      expectError(huge, 413, "too-large");
      expect(JSON.stringify(huge.body).length).toBeLessThan(1000);

      const many = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`9.${i}`, { value: "junk" }]));
      const details = expectInvalid(
        await editorA.patch(paths.answers(world.periodId, world.a.id), { answers: many }),
        "answers",
      );
      expect(details).toEqual([{ path: "answers", message: "at most 40 answers per save" }]);
    });
  });

  it("lists the first 100 problems and counts the rest in `more`", async () => {
    const body: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) body[`junk${i}`] = i;
    const reply = await admin.post(paths.periods, body);
    expectError(reply, 422, "invalid-body");
    expect(reply.body.error.details).toHaveLength(100);
    expect(reply.body.error.more).toBeGreaterThanOrEqual(4900);
  });
});

describe("strict dates (finding 3)", () => {
  it("refuses 30 February (it became 2 March) in a period, a deadline move and a unit's deadline", async () => {
    const period = {
      id: `${world.prefix}-feb`,
      name: "Kỳ tháng hai",
      frameworkId: world.frameworkId,
      unitIds: [world.a.id],
      opensAt: "2027-02-01T08:00:00+07:00",
      closesAt: "2027-02-30T10:00:00+07:00",
    };
    expectInvalid(await admin.post(paths.periods, period), "closesAt");
    expectError(await admin.get(paths.period(period.id)), 404);
    await unchanged(async () => {
      expectInvalid(
        await admin.patch(paths.period(world.periodId), { closesAt: "2027-02-29T10:00:00" }),
        "closesAt",
      );
      expectInvalid(
        await admin.put(paths.deadline(world.periodId, world.a.id), {
          closesAt: "2027-04-31T10:00:00",
        }),
        "closesAt",
      );
    });
  });

  it("refuses impossible validity dates of a unit", async () => {
    await unchanged(async () => {
      const unit = {
        id: `${world.prefix}-d`,
        code: "D1",
        name: "Xã D",
        kind: "commune",
        validFrom: "2025-02-29",
      };
      expectInvalid(await admin.put(paths.units, { units: [unit] }), "units.0.validFrom");
    });
  });
});

describe("names, ids and file names (finding 4)", () => {
  it("refuses names of invisible characters, control characters and bidi overrides, with the path", async () => {
    await unchanged(async () => {
      const base = { id: `${world.prefix}-n`, code: "N1", kind: "commune" };
      for (const name of ["\u202E", "\u200B", "\u200B\u200D", "Xã\u202Eevil", "Xã\nN", "Xã\u0000N"])
        expectInvalid(await admin.put(paths.units, { units: [{ ...base, name }] }), "units.0.name");
      expectInvalid(
        await admin.put(paths.units, { units: [{ ...base, id: "Bad Id", name: "Xã N" }] }),
        "units.0.id",
      );
      expectInvalid(await admin.patch(paths.period(world.periodId), { name: "\u200B\u200B" }), "name");
    });
  });

  it("refuses evidence file names with RTL overrides, NUL, CR/LF or a folder", async () => {
    await unchanged(async () => {
      for (const fileName of ["invoice\u202Efdp.pdf", "a\u0000.pdf", "a\r\nb.pdf", "../a.pdf", "\u200B"])
        expectInvalid(
          await editorA.post(paths.evidence(world.periodId, world.a.id), {
            indicatorCodes: ["1.1"],
            fileName,
            contentType: "application/pdf",
            size: 100,
          }),
          "fileName",
        );
    });
  });
});

describe("path parameters (finding 5)", () => {
  it("answers a 3,000-character id with 400 bad-path, never a 500, and does not echo it", async () => {
    const long = "p".repeat(3000);
    for (const path of [
      paths.period(long),
      paths.submission(world.periodId, long),
      paths.download(world.periodId, world.a.id, long),
      paths.framework(long),
    ]) {
      const reply = await admin.get(path);
      const details = expectError(reply, 400, "bad-path");
      expect(details).toHaveLength(1);
      expect(JSON.stringify(reply.body)).not.toContain("p".repeat(50));
    }
    const bidi = await admin.get(paths.period("a\u202Eb"));
    expect(expectError(bidi, 400, "bad-path")[0]?.path).toBe("periodId");
  });

  it("answers ids of the wrong shape with 404, without the input", async () => {
    const reply = await editorA.get(paths.download(world.periodId, world.a.id, "no-such-evidence"));
    expectError(reply, 404, "not-found");
    expect(reply.body.error.message).not.toContain("no-such-evidence");
    const code = await api(world.reviewer).put(lifecyclePaths.appraisal(world.periodId, world.a.id, "1..2"), {
      accept: true,
    });
    expectError(code, 404);
  });
});

describe("views by role (finding 6)", () => {
  it("shows units' e-mail addresses to admins only", async () => {
    const id = `${world.prefix}-mail`;
    const put = await admin.put(paths.units, {
      units: [{ id, code: "M1", name: "Xã Mail", kind: "commune", email: "mail@example.gov.vn" }],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const asAdmin = (await readAll<{ id: string; email?: string }>(admin, paths.units)).find(
      (u) => u.id === id,
    );
    expect(asAdmin?.email).toBe("mail@example.gov.vn");
    for (const token of [world.a.editor, world.a.approver, world.reviewer]) {
      const units = await readAll<{ id: string; email?: string }>(api(token), paths.units);
      expect(units.find((u) => u.id === id)).toBeDefined();
      expect(units.some((u) => "email" in u)).toBe(false);
    }
  });

  it("shows a period's internals (bests, extensions, job details) to admins, not to unit users", async () => {
    const extended = await admin.put(paths.deadline(world.periodId, world.b.id), {
      closesAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    const asAdmin = (await admin.get(paths.period(world.periodId))).body;
    expect(asAdmin.lastUnitDeadline).toEqual(expect.any(String));
    expect((await api(world.reviewer).get(paths.period(world.periodId))).body.lastUnitDeadline).toBe(
      asAdmin.lastUnitDeadline,
    );
    for (const token of [world.a.editor, world.a.approver]) {
      const one = (await api(token).get(paths.period(world.periodId))).body;
      const listed = (await readAll<{ id: string }>(api(token), paths.periods)).find(
        (p) => p.id === world.periodId,
      );
      for (const view of [one, listed]) {
        expect(view).toMatchObject({ id: world.periodId, state: "open", closesAt: asAdmin.closesAt });
        expect(view).not.toHaveProperty("lastUnitDeadline");
        expect(view).not.toHaveProperty("bests");
        expect(view).not.toHaveProperty("nextPublication");
        if (one.job) expect(Object.keys(one.job).sort()).toEqual(["kind", "status"]);
      }
    }
  });
});
