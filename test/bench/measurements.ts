import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type MeasuredTarget, plausibleValue, pushValues } from "../../infra/local/measurement-source.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { type MeasurableNode, markMeasured } from "../support/measured.ts";
import { authAt, signInAt } from "../support/sign-in.ts";
import { BENCH_ADMIN_PASSWORD, int, load, ms, startBenchStack, table } from "./report.ts";

/**
 * Measured values stored per second through the local gateway: a fresh local stack, the sample
 * framework with two commune leaves marked measured by one source (in memory only: the sample file
 * is not changed), UNITS communes in an open period. Each round pushes every value again with a later
 * asOf and a changed value, so every value is written (conditional Puts, 100 to a transaction);
 * batches of 1,000 and 5,000 values, ROUNDS calls each, one call at a time (a source pushes
 * sequentially).
 */

const UNITS = 2500;
const MEASURED_CODES = ["2.1", "4.1"];
const SOURCE_ID = "bench-vbdh";
const PERIOD_ID = "bench-measured";
const ROUNDS = 3;
/** Batch sizes to run, e.g. MEASUREMENT_BATCHES=100,500 (default 1,000 and 5,000 values a call). */
const BATCHES = (process.env.MEASUREMENT_BATCHES ?? "1000,5000").split(",").map(Number);
const FRAMEWORK_FILE = resolve(import.meta.dirname, "../../shared/data/sample-framework-tq-2022.json");

interface RawNode extends MeasurableNode {
  maxPoints: number;
  method?: MeasuredTarget["method"];
  children?: RawNode[];
}

async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
  expect: number,
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect)
    throw new Error(`${method} ${path} answered ${response.status}, not ${expect}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function run(): Promise<void> {
  console.log("measurements — measured values stored per second through the local gateway (one source)");
  const running = await startBenchStack("measurements");
  try {
    const base = running.stack.url.replace("//localhost:", "//127.0.0.1:");
    const admin = await signInAt(await authAt(base), "admin", BENCH_ADMIN_PASSWORD);
    const framework = JSON.parse(readFileSync(FRAMEWORK_FILE, "utf8")) as {
      id: string;
      groups: { id: string; nodes: RawNode[] }[];
    };
    framework.id = "bench-measured-fw";
    const measured = markMeasured(framework.groups.find((g) => g.id === "commune")?.nodes ?? [], (code) =>
      MEASURED_CODES.includes(code) ? SOURCE_ID : undefined,
    );
    await call(base, admin, "POST", pathFor("POST /api/frameworks"), framework, 201);
    const units = Array.from({ length: UNITS }, (_, i) => {
      const n = String(i + 1).padStart(4, "0");
      return { id: `bench-m-${n}`, code: `BM${n}`, name: `Xã đo ${n}`, kind: "commune" };
    });
    await call(base, admin, "PUT", pathFor("PUT /api/units"), { units }, 200);
    const now = Date.now();
    await call(
      base,
      admin,
      "POST",
      pathFor("POST /api/periods"),
      {
        id: PERIOD_ID,
        name: "Thử tải số liệu đo",
        frameworkId: framework.id,
        unitIds: units.map((u) => u.id),
        opensAt: new Date(now - 3600_000).toISOString(),
        closesAt: new Date(now + 30 * 86400_000).toISOString(),
      },
      201,
    );
    await call(
      base,
      admin,
      "POST",
      pathFor("POST /api/periods/{periodId}/transitions", { periodId: PERIOD_ID }),
      { to: "open" },
      200,
    );
    const { secret } = (await call(
      base,
      admin,
      "POST",
      pathFor("POST /api/sources"),
      { id: SOURCE_ID, name: "Hệ thống thử" },
      201,
    )) as { secret: string };

    const targets: MeasuredTarget[] = units.flatMap((u) =>
      measured.map((leaf) => ({
        unitId: u.id,
        code: leaf.code,
        method: leaf.method as MeasuredTarget["method"],
        maxPoints: leaf.maxPoints,
      })),
    );
    const rows = [["batch", "calls", "values stored", "per call (median)", "values/s"]];
    let asOfMs = Date.parse("2026-01-01T00:00:00Z");
    let seed = 1;
    for (const size of BATCHES) {
      const batch = targets.slice(0, size);
      const walls: number[] = [];
      let stored = 0;
      for (let round = 0; round < ROUNDS; round++) {
        asOfMs += 3600_000;
        seed++;
        const values = batch.map((t) => ({ unitId: t.unitId, code: t.code, value: plausibleValue(t, seed) }));
        const started = performance.now();
        const answer = await pushValues(base, secret, PERIOD_ID, new Date(asOfMs).toISOString(), values);
        walls.push(performance.now() - started);
        stored += answer.counts.stored;
        if (answer.counts.refused > 0)
          throw new Error(
            `refused values: ${JSON.stringify(answer.results.find((r) => r.status === "refused"))}`,
          );
      }
      const total = walls.reduce((a, b) => a + b, 0);
      const median = [...walls].sort((a, b) => a - b)[Math.floor(walls.length / 2)] ?? 0;
      rows.push([int(size), int(ROUNDS), int(stored), ms(median), int((stored / total) * 1000)]);
    }
    console.log(table(rows));
    console.log(
      `  (${UNITS} communes × ${MEASURED_CODES.length} measured leaves; unchanged values are not counted; load ${load()})`,
    );
  } finally {
    await running.stop();
  }
}
