import { afterEach, describe, expect, test, vi } from "vitest";
import type { Submission } from "../../web/src/app/types.ts";
import { Autosave, type SubmissionIO } from "../../web/src/app/unit/autosave.ts";
import { beforeNavigate, navigate } from "../../web/src/router.ts";

const submission = (version: number): Submission => ({
  periodId: "p1",
  unitId: "u1",
  groupId: "g1",
  state: "draft",
  version,
  closesAt: "2030-01-01T00:00:00+07:00",
  editable: true,
  supplement: null,
  history: [],
  answers: {},
  evidence: [],
  preview: { points: 0, maxPoints: 100, index: 0, pendingPoints: 0, leaves: {} },
});

/** An API stand-in: every save lands (one version up) unless `fail` says otherwise. */
function fakeIO(fail?: () => Error | undefined) {
  let version = 1;
  const io = {
    saveAnswers: vi.fn(async () => {
      const error = fail?.();
      if (error) throw error;
      version++;
      return submission(version);
    }),
    load: vi.fn(async () => submission(version)),
    saveOnLeave: vi.fn(),
  } satisfies SubmissionIO;
  return io;
}

afterEach(() => {
  vi.useRealTimers();
  history.replaceState(null, "", "/");
});

describe("no edit lost when the form is left", () => {
  test("before an in-app move the waiting edit is saved at once, not after the delay", async () => {
    vi.useFakeTimers();
    const io = fakeIO();
    const saver = new Autosave(submission(1), io);
    saver.change("1.4", { value: 3 });
    const ask = vi.fn(() => false);
    expect(await saver.beforeLeave(ask)).toBe(true);
    expect(io.saveAnswers).toHaveBeenCalledWith({ "1.4": { value: 3 } }, 1);
    expect(saver.pending.size).toBe(0);
    expect(ask).not.toHaveBeenCalled();
  });

  test("a save that cannot land asks the user, who may stay", async () => {
    const io = fakeIO(() => new Error("boom"));
    const saver = new Autosave(submission(1), io);
    saver.change("1.4", { value: 3 });
    expect(await saver.beforeLeave(() => false)).toBe(false);
    expect(await saver.beforeLeave(() => true)).toBe(true);
    expect(saver.pending.size).toBe(1);
  });

  test("the form going away saves what waits; with nothing waiting it sends nothing", async () => {
    vi.useFakeTimers();
    const io = fakeIO();
    const saver = new Autosave(submission(1), io);
    saver.close();
    expect(io.saveAnswers).not.toHaveBeenCalled();
    saver.change("2.1", { value: 2 });
    saver.close();
    // close() itself saves: the autosave timer is gone, so nothing a timer would fire sends it.
    expect(vi.getTimerCount()).toBe(0);
    await vi.waitFor(() => expect(io.saveAnswers).toHaveBeenCalledTimes(1));
    expect(io.saveAnswers).toHaveBeenCalledWith({ "2.1": { value: 2 } }, 1);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("a closing tab sends the waiting answers as one keepalive request with the known version", () => {
    const io = fakeIO();
    const saver = new Autosave(submission(7), io);
    saver.leave();
    expect(io.saveOnLeave).not.toHaveBeenCalled();
    saver.change("2.1", { value: 2 });
    saver.change("1.2", { note: "QĐ 12" });
    saver.leave();
    expect(io.saveOnLeave).toHaveBeenCalledWith({ "2.1": { value: 2 }, "1.2": { note: "QĐ 12" } }, 7);
    saver.stop();
  });
});

describe("the router's guards", () => {
  test("a guard that says no keeps the page; one that says yes lets it go; a removed one is not asked", async () => {
    let answer = false;
    const guard = vi.fn(async () => answer);
    const remove = beforeNavigate(guard);
    navigate("/app/elsewhere");
    await vi.waitFor(() => expect(guard).toHaveBeenCalledTimes(1));
    await Promise.resolve();
    expect(window.location.pathname).toBe("/");
    answer = true;
    navigate("/app/elsewhere");
    await vi.waitFor(() => expect(window.location.pathname).toBe("/app/elsewhere"));
    remove();
    navigate("/app/again");
    expect(window.location.pathname).toBe("/app/again");
    expect(guard).toHaveBeenCalledTimes(2);
  });
});
