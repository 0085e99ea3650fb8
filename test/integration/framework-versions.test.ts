import { beforeAll, describe, expect, it } from "vitest";
import tq2022 from "../../shared/data/sample-framework-tq-2022.json" with { type: "json" };
import tq2025 from "../../shared/data/sample-framework-tq-2025.json" with { type: "json" };
import {
  type Api,
  expectError,
  expectInvalid,
  paths,
  readAll,
  setUpWorldClients,
  type World,
} from "../support/local-stack.ts";

/** A new version of an index set names its predecessor and maps its nodes (DOMAIN.md §3 "Versions of an index set"). */

let world: World;
let admin: Api;

beforeAll(async () => {
  ({ world, admin } = await setUpWorldClients("fw-versions"));
});

const ids = () => ({ before: `${world.prefix}-tq22`, after: `${world.prefix}-tq25` });
const version2025 = (predecessor: string, edit: (doc: typeof tq2025) => void = () => {}) => {
  const doc = structuredClone(tq2025);
  doc.id = ids().after;
  doc.predecessor.frameworkId = predecessor;
  edit(doc);
  return doc;
};

describe("a framework with a predecessor, through the gateway", () => {
  it("refuses a predecessor that does not exist (422 naming the field) and stores nothing", async () => {
    const reply = await admin.post(paths.frameworks, version2025(`${world.prefix}-nowhere`));
    expectInvalid(reply, "predecessor.frameworkId");
    expect(reply.body.error.code).toBe("invalid-framework");
    expectError(await admin.get(paths.framework(ids().after)), 404, "not-found");
  });

  it("refuses a map that does not fit the predecessor, every problem with its path", async () => {
    const created = await admin.post(paths.frameworks, { ...tq2022, id: ids().before });
    expect(created.status).toBe(201);
    const reply = await admin.post(
      paths.frameworks,
      version2025(ids().before, (doc) => {
        doc.predecessor.map.push(
          { group: "commune", code: "1.2", from: ["9.9"], relation: "renamed" },
          { group: "department", code: "2", from: ["2.1"], relation: "renamed" },
        );
      }),
    );
    const details = expectInvalid(
      reply,
      `predecessor.map.${tq2025.predecessor.map.length}.from.0`,
      `predecessor.map.${tq2025.predecessor.map.length + 1}.from.0`,
    );
    expect(reply.body.error.code).toBe("invalid-framework");
    expect(details.map((d) => d.message)).toEqual([
      `"9.9" is not a code of group "commune" in the predecessor "${ids().before}"`,
      'pillar "2" cannot come from leaf "2.1": a node maps to nodes of its level (a leaf to leaves, a pillar to pillars)',
    ]);
    expectError(await admin.get(paths.framework(ids().after)), 404, "not-found");
  });

  it("imports the 2025 set after the 2022 one: it keeps its map and joins the predecessor's lineage", async () => {
    const created = await admin.post(paths.frameworks, version2025(ids().before));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      id: ids().after,
      lineage: ids().before,
      predecessor: { frameworkId: ids().before, map: tq2025.predecessor.map },
    });
    const read = await admin.get(paths.framework(ids().after));
    expect(read.body).toEqual(created.body);
    expect((await readAll(admin, paths.frameworks)).map((f) => f.id)).toContain(ids().after);
  });

  it("a lineage of its own is kept", async () => {
    const id = `${world.prefix}-tq25-own`;
    const created = await admin.post(
      paths.frameworks,
      version2025(ids().before, (doc) => {
        doc.id = id;
        Object.assign(doc, { lineage: "tq-rieng" });
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.lineage).toBe("tq-rieng");
  });
});
