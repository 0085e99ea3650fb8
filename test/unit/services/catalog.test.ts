import { describe, expect, it } from "vitest";
import { getFramework, importFramework, listFrameworks } from "../../../shared/services/frameworks.ts";
import { listUnits, upsertUnits } from "../../../shared/services/units.ts";
import { createUser } from "../../../shared/services/users.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { frameworkBody } from "../../support/fakes/scenarios.ts";
import { by, refusal } from "../../support/fakes/world.ts";

const unit = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  code: id.toUpperCase(),
  name: `Đơn vị ${id}`,
  kind: "department",
  ...over,
});

describe("frameworks", () => {
  it("imports a framework once, with its audit record, and reads it back", async () => {
    const ports = memoryPorts();
    const framework = await importFramework(ports, by.admin(), frameworkBody("fw-1"));
    expect(framework.id).toBe("fw-1");
    expect((await getFramework(ports, "fw-1")).groups.map((g) => g.id)).toEqual(["department", "commune"]);
    expect(ports.audit.actions("framework#fw-1")).toEqual(["framework.import"]);
    expect(await refusal(importFramework(ports, by.admin(), frameworkBody("fw-1")))).toBe(
      "conflict/framework-exists",
    );
  });

  it("lists summaries by id, a page at a time", async () => {
    const ports = memoryPorts();
    for (const id of ["fw-b", "fw-a", "fw-c"]) await importFramework(ports, by.admin(), frameworkBody(id));
    const first = await listFrameworks(ports, { limit: 2 });
    expect(first.items.map((f) => f.id)).toEqual(["fw-a", "fw-b"]);
    expect(first.items[0]).toMatchObject({ name: expect.any(String), createdAt: expect.any(String) });
    const second = await listFrameworks(ports, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second).toMatchObject({ items: [{ id: "fw-c" }], nextCursor: null });
  });

  it("refuses non-admins (403), invalid frameworks (422) and unknown ids (404)", async () => {
    const ports = memoryPorts();
    expect(await refusal(importFramework(ports, by.reviewer(), frameworkBody("x")))).toBe(
      "forbidden/forbidden",
    );
    expect(await refusal(importFramework(ports, by.admin(), { id: "x", groups: [] }))).toBe(
      "unprocessable/invalid-framework",
    );
    expect(await refusal(getFramework(ports, "nope"))).toBe("not-found/not-found");
  });
});

describe("units", () => {
  it("creates, updates and leaves unchanged units, auditing each one written", async () => {
    const ports = memoryPorts();
    expect(await upsertUnits(ports, by.admin(), { units: [unit("a"), unit("b")] })).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(
      await upsertUnits(ports, by.admin(), { units: [unit("a"), unit("b", { name: "Sở mới" })] }),
    ).toEqual({ created: 0, updated: 1, unchanged: 1 });
    expect(ports.audit.actions("unit#b")).toEqual(["unit.create", "unit.update"]);
    expect(ports.audit.actions("unit#a")).toEqual(["unit.create"]);
  });

  it("refuses repeated ids (422) and non-admins (403)", async () => {
    const ports = memoryPorts();
    expect(await refusal(upsertUnits(ports, by.admin(), { units: [unit("a"), unit("a")] }))).toBe(
      "unprocessable/duplicate-unit",
    );
    expect(await refusal(upsertUnits(ports, by.reviewer(), { units: [unit("a")] }))).toBe(
      "forbidden/forbidden",
    );
    expect(await refusal(upsertUnits(ports, by.admin(), { units: [] }))).toBe("unprocessable/invalid-body");
  });

  it("lists units by id; the e-mail only to admins", async () => {
    const ports = memoryPorts();
    await upsertUnits(ports, by.admin(), {
      units: [unit("b", { email: "b@example.vn" }), unit("a", { email: "a@example.vn" })],
    });
    const asAdmin = await listUnits(ports, by.admin(), { limit: 10 });
    expect(asAdmin.items.map((u) => [u.id, u.email])).toEqual([
      ["a", "a@example.vn"],
      ["b", "b@example.vn"],
    ]);
    const asEditor = await listUnits(ports, by.editor("a"), { limit: 1 });
    expect(asEditor.items).toEqual([{ id: "a", code: "A", name: "Đơn vị a", kind: "department" }]);
    expect(asEditor.nextCursor).not.toBeNull();
  });
});

describe("users", () => {
  const user = { username: "editor.a", password: "Secret#123", roles: ["unit-editor"], unitId: "a" };

  it("creates a user in the directory and audits it without the password", async () => {
    const ports = memoryPorts();
    await upsertUnits(ports, by.admin(), { units: [unit("a")] });
    expect(await createUser(ports, by.admin(), user)).toEqual({
      username: "editor.a",
      roles: ["unit-editor"],
      unitId: "a",
    });
    expect(ports.users.users).toEqual([user]);
    const [record] = ports.audit.records.filter((r) => r.entity === "user#editor.a");
    expect(record).toMatchObject({ action: "user.create", actor: "admin" });
    expect(JSON.stringify(record)).not.toContain("Secret#123");
  });

  it("refuses an unknown unit (422), a weak password (422), a unit role without a unit, and non-admins", async () => {
    const ports = memoryPorts();
    expect(await refusal(createUser(ports, by.admin(), user))).toBe("unprocessable/unknown-unit");
    expect(await refusal(createUser(ports, by.admin(), { ...user, password: "weak" }))).toBe(
      "unprocessable/invalid-body",
    );
    const { unitId: _unitId, ...withoutUnit } = user;
    expect(await refusal(createUser(ports, by.admin(), withoutUnit))).toBe("unprocessable/invalid-body");
    expect(await refusal(createUser(ports, by.reviewer(), user))).toBe("forbidden/forbidden");
    expect(ports.users.users).toEqual([]);
  });
});
