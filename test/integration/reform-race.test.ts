import { beforeAll, describe, expect, it } from "vitest";
import {
  type Api,
  expectStatus,
  newUserClient,
  paths,
  readAll,
  setUpWorldClients,
  type World,
} from "../support/local-stack.ts";

/**
 * Two admins applying the same reform at once, round after round: the unit store's conditional writes
 * leave each unit written, and audited, once.
 */

const ROUNDS = 12;

let world: World;
let admin: Api;
let admin2: Api;

beforeAll(async () => {
  ({ world, admin } = await setUpWorldClients("reform-race"));
  admin2 = await newUserClient(world.admin, { username: `${world.prefix}.admin2`, roles: ["admin"] });
});

/** Round r's units: a district and three communes under it, in one PUT. */
async function roundUnits(r: number) {
  const short = world.prefix.replace(/-/g, "").toUpperCase().slice(-16);
  const code = (key: string) => `${short}R${r}${key}`;
  const id = (key: string) => `${world.prefix}-r${r}-${key.toLowerCase()}`;
  const units = [
    { id: id("D"), code: code("D"), name: `Huyện D${r}`, kind: "district" },
    ...["X1", "X2", "X3"].map((k) => ({
      id: id(k),
      code: code(k),
      name: `Xã ${k}`,
      kind: "commune",
      parentId: id("D"),
    })),
  ];
  expectStatus(await admin.put(paths.units, { units }), 200);
  const body = {
    decision: `${r}/NQ-UBTVQH15`,
    effectiveDate: "2031-07-01",
    units: [
      { code: code("X1"), name: "Phường X1 mới", kind: "commune", fromCodes: [code("X1"), code("X2")] },
      { id: id("N"), code: code("N"), name: "Xã Mới", kind: "commune", fromCodes: [code("X3")] },
    ],
    ended: [code("D")],
  };
  const made = [`${code("X1").toLowerCase()}-2031-07-01`, id("N")];
  const ended = ["D", "X1", "X2", "X3"].map(id);
  return { body, made, ended };
}

const actionsOf = async (unitId: string): Promise<string[]> => {
  const page = expectStatus(
    await admin.get(`/api/audit?entity=${encodeURIComponent(`unit#${unitId}`)}&limit=100`),
    200,
  );
  return page.items.map((r: { action: string }) => r.action).sort();
};

describe("POST /api/reforms twice at once", () => {
  it(`writes and audits each unit once, in ${ROUNDS} rounds`, async () => {
    for (let r = 0; r < ROUNDS; r++) {
      const { body, made, ended } = await roundUnits(r);
      const replies = await Promise.all([admin.post(paths.reforms, body), admin2.post(paths.reforms, body)]);
      for (const reply of replies)
        expect(reply.status, `round ${r}: ${JSON.stringify(reply.body)}`).toBe(200);
      const [one, two] = replies.map((reply) => reply.body);
      // Between them, each new unit created once and each old one ended once; the rest found applied.
      expect(one.created + two.created, `round ${r}`).toBe(made.length);
      expect(one.updated + two.updated, `round ${r}`).toBe(ended.length);
      expect(one.unchanged + two.unchanged, `round ${r}`).toBe(made.length + ended.length);
      expect(two.units).toEqual(one.units);
      for (const unitId of made)
        expect(await actionsOf(unitId), `round ${r} ${unitId}`).toEqual(["unit.create"]);
      // Created by the PUT, ended by one of the two reforms.
      for (const unitId of ended)
        expect(await actionsOf(unitId), `round ${r} ${unitId}`).toEqual(["unit.create", "unit.update"]);
    }
    const units = await readAll<{ id: string; validTo?: string }>(admin, paths.units);
    const ours = units.filter((u) => u.id.startsWith(`${world.prefix}-r`));
    expect(ours.filter((u) => u.validTo === "2031-06-30")).toHaveLength(4 * ROUNDS);
    // The store's revision stays the store's.
    for (const unit of ours) expect(unit).not.toHaveProperty("rev");
  });
});
