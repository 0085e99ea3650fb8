import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { paths } from "../../web/src/app/api.ts";
import type { Submission } from "../../web/src/app/types.ts";
import {
  Autosave,
  BATCH,
  DEBOUNCE_MS,
  leafOfDetail,
  OFFLINE_RETRY_MS,
  submissionIO,
} from "../../web/src/app/unit/autosave.ts";
import { saveNote } from "../../web/src/app/unit/FormNotes.tsx";
import { setSession } from "../../web/src/auth/session.ts";

const submission = (version: number, answers: Record<string, unknown> = {}): Submission => ({
  periodId: "p1",
  unitId: "u1",
  groupId: "g1",
  state: "draft",
  version,
  closesAt: "2030-01-01T00:00:00+07:00",
  editable: true,
  supplement: null,
  // The fake keeps only what was sent (an answer's note and audit fields play no part here).
  answers: Object.fromEntries(
    Object.entries(answers).map(([code, value]) => [code, { value }]),
  ) as Submission["answers"],
  evidence: [],
  history: [],
  preview: { points: 0, maxPoints: 100, index: 0, pendingPoints: 0, leaves: {} },
});

interface Sent {
  method: string;
  url: string;
  ifMatch: string | undefined;
  body: { answers?: Record<string, unknown> } | undefined;
}

/**
 * A stand-in for the API on `fetch`: it keeps the stored submission and its version, answers a PATCH
 * with a stale If-Match with 412, and lets a test answer the next requests its own way.
 */
function fakeApi() {
  let stored = submission(1);
  const sent: Sent[] = [];
  const next: (() => Response | Promise<Response>)[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const request: Sent = {
      method: init.method ?? "GET",
      url,
      ifMatch: headers["if-match"],
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    sent.push(request);
    const scripted = next.shift();
    if (scripted) return scripted();
    if (request.method === "GET" && url === paths.submission("p1", "u1")) return json(200, stored);
    if (request.method === "PATCH" && url === paths.answers("p1", "u1")) {
      if (request.ifMatch !== `"${stored.version}"`)
        return json(412, { error: { code: "version-mismatch", message: "stale" } });
      const answers = { ...stored.answers };
      for (const [code, part] of Object.entries(request.body?.answers ?? {}))
        answers[code] = { ...answers[code], ...(part as object) } as Submission["answers"][string];
      stored = { ...stored, version: stored.version + 1, answers };
      return json(200, stored);
    }
    return json(404, { error: { code: "not-found", message: url } });
  });
  return {
    fetch,
    sent,
    next,
    json,
    patches: () => sent.filter((s) => s.method === "PATCH"),
    /** Someone else saves meanwhile. */
    saveElsewhere(answers: Record<string, unknown>) {
      stored = submission(stored.version + 1, answers);
    },
    get stored() {
      return stored;
    },
  };
}

let api: ReturnType<typeof fakeApi>;
const start = (initial = submission(1)) => {
  const changes = vi.fn();
  const saver = new Autosave(initial, submissionIO("p1", "u1"), changes);
  return { saver, changes };
};

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-06-01T08:00:00Z") });
  setSession({
    username: "editor",
    roles: ["unit-editor"],
    idToken: "token",
    expiresAt: Date.now() + 86_400_000,
  });
  api = fakeApi();
  vi.stubGlobal("fetch", api.fetch);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  setSession(null);
});

describe("autosave", () => {
  test("edits wait for the debounce, then go in one PATCH with If-Match and the bearer token", async () => {
    const { saver } = start();
    saver.change("1.1", { value: 3 });
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS / 2);
    saver.change("1.2", { value: true });
    saver.change("1.1", { note: "xem biên bản" });
    expect(saver.status.kind).toBe("unsaved");
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS - 1);
    expect(api.patches()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.runAllTimersAsync();
    expect(api.patches()).toHaveLength(1);
    const [patch] = api.patches();
    expect(patch?.ifMatch).toBe('"1"');
    expect(patch?.body).toEqual({
      answers: { "1.1": { value: 3, note: "xem biên bản" }, "1.2": { value: true } },
    });
    const headers = api.fetch.mock.calls[0]?.[1]?.headers as Record<string, string>;
    expect(headers.authorization).toBe("Bearer token");
    expect(saver.status.kind).toBe("saved");
    expect(saver.submission.version).toBe(2);
    expect(saver.pending.size).toBe(0);
  });

  test("the next save sends the version the last one returned", async () => {
    const { saver } = start();
    saver.change("1.1", { value: 1 });
    await saver.flush();
    saver.change("1.1", { value: 2 });
    await vi.runAllTimersAsync();
    expect(api.patches().map((p) => p.ifMatch)).toEqual(['"1"', '"2"']);
    expect(api.stored.answers["1.1"]).toEqual({ value: 2 });
  });

  test("an edit made while its save is on the way stays pending and is sent next", async () => {
    const { saver } = start();
    saver.change("1.1", { value: 1 });
    let release: () => void = () => undefined;
    api.next.push(
      () =>
        new Promise((resolve) => {
          release = () => resolve(api.json(200, submission(2, { "1.1": 1 })));
        }),
    );
    const saving = saver.save();
    await vi.advanceTimersByTimeAsync(0);
    expect(saver.status.kind).toBe("saving");
    saver.change("1.1", { value: 5 });
    release();
    await saving;
    expect(saver.pending.get("1.1")).toEqual({ value: 5 });
    await vi.runAllTimersAsync();
    expect(api.patches()).toHaveLength(2);
    expect(api.patches()[1]?.body).toEqual({ answers: { "1.1": { value: 5 } } });
  });

  test("more answers than one PATCH takes go in batches, one after another", async () => {
    const { saver } = start();
    for (let i = 0; i < BATCH + 5; i++) saver.change(`L${i}`, { value: i });
    expect(await saver.flush()).toBe(true);
    const sizes = api.patches().map((p) => Object.keys(p.body?.answers ?? {}).length);
    expect(sizes).toEqual([BATCH, 5]);
    expect(api.patches().map((p) => p.ifMatch)).toEqual(['"1"', '"2"']);
  });

  test("a 412 stops saving until the user chooses; keeping mine re-reads the version and saves over it", async () => {
    const { saver } = start();
    api.saveElsewhere({ "1.1": 9 });
    saver.change("1.1", { value: 1 });
    await vi.runAllTimersAsync();
    expect(saver.status.kind).toBe("conflict");
    expect(saver.pending.get("1.1")).toEqual({ value: 1 });
    // Still in conflict: a new edit does not save by itself, nor does flush.
    saver.change("1.2", { value: 2 });
    expect(saver.status.kind).toBe("conflict");
    await vi.runAllTimersAsync();
    expect(await saver.flush()).toBe(false);
    expect(api.patches()).toHaveLength(1);

    await saver.keepMine();
    expect(api.patches()).toHaveLength(2);
    expect(api.patches()[1]?.ifMatch).toBe('"2"');
    expect(saver.status.kind).toBe("saved");
    expect(api.stored.answers).toEqual({ "1.1": { value: 1 }, "1.2": { value: 2 } });
  });

  test("after a 412, dropping mine takes the stored version and starts the fields again", async () => {
    const { saver } = start();
    api.saveElsewhere({ "1.1": 9 });
    saver.change("1.1", { value: 1 });
    await vi.runAllTimersAsync();
    expect(saver.generation).toBe(0);
    await saver.discardMine();
    expect(saver.pending.size).toBe(0);
    expect(saver.status.kind).toBe("idle");
    expect(saver.generation).toBe(1);
    expect(saver.submission.answers["1.1"]).toEqual({ value: 9 });
    expect(saver.submission.version).toBe(2);
  });

  test("a 422 marks the leaves named in its details and drops their edits; the others are still sent", async () => {
    const { saver } = start();
    saver.change("1.1", { value: -1 });
    saver.change("1.2", { value: 2 });
    api.next.push(() =>
      api.json(422, {
        error: {
          code: "invalid",
          message: "invalid",
          details: [{ path: "answers.1.1.value", message: "không âm" }],
        },
      }),
    );
    await saver.save();
    expect(saver.status.kind).toBe("invalid");
    expect(saver.leafErrors).toEqual({ "1.1": "không âm" });
    expect([...saver.pending.keys()]).toEqual(["1.2"]);
    await vi.runAllTimersAsync();
    expect(api.patches()[1]?.body).toEqual({ answers: { "1.2": { value: 2 } } });
    // A new edit of the marked leaf clears its message.
    saver.change("1.1", { value: 1 });
    expect(saver.leafErrors).toEqual({});
  });

  test("a 422 without a leaf to name is an error with the API's message", async () => {
    const { saver } = start();
    saver.change("1.1", { value: 1 });
    api.next.push(() =>
      api.json(422, { error: { code: "invalid", message: "Dữ liệu không hợp lệ", details: [] } }),
    );
    await saver.save();
    expect(saver.status).toMatchObject({ kind: "error" });
    expect(saver.pending.size).toBe(1);
  });

  test("a lost connection says offline and tries again later", async () => {
    const { saver } = start();
    saver.change("1.1", { value: 1 });
    api.next.push(() => Promise.reject(new TypeError("Failed to fetch")));
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(saver.status.kind).toBe("offline");
    expect(api.patches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(OFFLINE_RETRY_MS - 1);
    expect(api.patches()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.patches()).toHaveLength(2);
    expect(saver.status.kind).toBe("saved");
  });

  test("a 409 (the period closed) says so and reloads the stored submission", async () => {
    const { saver } = start();
    saver.change("1.1", { value: 1 });
    api.next.push(() => api.json(409, { error: { code: "period-closed", message: "Kỳ đã đóng" } }));
    await saver.save();
    expect(saver.status.kind).toBe("closed");
    expect(api.sent.at(-1)?.method).toBe("GET");
  });

  test("another failure is an error; nothing is lost", async () => {
    const { saver } = start();
    saver.change("1.1", { value: 1 });
    api.next.push(() => api.json(500, { error: { code: "internal", message: "boom" } }));
    await saver.save();
    expect(saver.status.kind).toBe("error");
    expect(saver.pending.get("1.1")).toEqual({ value: 1 });
  });

  test("evidence writes run in the same queue and re-read the submission for its new version", async () => {
    const { saver } = start();
    api.saveElsewhere({});
    const order: string[] = [];
    const result = await saver.write(async () => {
      order.push("write");
      return 42;
    });
    expect(result).toBe(42);
    expect(saver.submission.version).toBe(2);
    saver.change("1.1", { value: 1 });
    await saver.flush();
    expect(api.patches()[0]?.ifMatch).toBe('"2"');
    expect(order).toEqual(["write"]);
  });

  test("a failed write rejects, and the queue goes on", async () => {
    const { saver } = start();
    await expect(saver.write(() => Promise.reject(new Error("no")))).rejects.toThrow("no");
    saver.change("1.1", { value: 1 });
    expect(await saver.flush()).toBe(true);
  });

  test("every change of state is told, so the form renders it; stop cancels a waiting save", async () => {
    const { saver, changes } = start();
    saver.change("1.1", { value: 1 });
    expect(changes).toHaveBeenCalled();
    saver.stop();
    await vi.runAllTimersAsync();
    expect(api.patches()).toHaveLength(0);
  });

  test("a 422 detail names the leaf it is about", () => {
    expect(leafOfDetail("answers.1.2.value")).toBe("1.2");
    expect(leafOfDetail("answers.1.2.note")).toBe("1.2");
    expect(leafOfDetail("answers.A3")).toBe("A3");
    expect(leafOfDetail("evidence.0")).toBeUndefined();
  });
});

describe("the save indicator", () => {
  test("says where saving stands, in a tone for its gravity", () => {
    expect(saveNote({ kind: "idle" }, 0)).toEqual({ text: "Chưa có thay đổi", tone: "" });
    expect(saveNote({ kind: "saving" }, 1).tone).toBe("");
    expect(saveNote({ kind: "saved", at: new Date("2026-06-01T01:02:03Z") }, 0)).toEqual({
      text: expect.stringContaining("08:02:03"),
      tone: "ok",
    });
    expect(saveNote({ kind: "offline" }, 2).tone).toBe("warn");
    expect(saveNote({ kind: "conflict" }, 2).tone).toBe("error");
    expect(saveNote({ kind: "error", message: "boom" }, 1).text).toContain("boom");
  });

  test("edits made since the last save outweigh saved and idle", () => {
    const unsaved = saveNote({ kind: "unsaved" }, 1);
    expect(saveNote({ kind: "saved", at: new Date() }, 1)).toEqual(unsaved);
    expect(saveNote({ kind: "idle" }, 3)).toEqual(unsaved);
  });
});
