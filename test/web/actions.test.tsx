import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import { ApiError } from "../../web/src/app/api.ts";
import { DialogFooter, InlineError, TextAreaField, ToggleButton } from "../../web/src/app/ui.tsx";
import { type Action, detailsOf, useAction } from "../../web/src/app/useAction.ts";

let root: HTMLElement;
const mount = (node: preact.ComponentChild) => {
  root = document.createElement("div");
  document.body.append(root);
  act(() => render(node, root));
  return root;
};
afterEach(() => {
  render(null, root);
  root.remove();
});

/** A deferred promise, to hold an action running. */
function deferred() {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Renders a hook's action and hands out its latest state. */
function withAction<A extends unknown[]>(
  action: (...args: A) => Promise<unknown>,
  describe?: (failure: unknown) => string,
) {
  const latest: { current?: Action<A> } = {};
  function Probe() {
    latest.current = useAction(action, describe);
    return (
      <p>
        {latest.current.busy ? "busy" : "idle"}
        {latest.current.error && <span role="alert">{latest.current.error}</span>}
      </p>
    );
  }
  mount(<Probe />);
  return () => latest.current as Action<A>;
}

describe("useAction", () => {
  test("is busy while the action runs, and idle after", async () => {
    const gate = deferred();
    const action = withAction(() => gate.promise);
    let running: Promise<void> = Promise.resolve();
    act(() => {
      running = action().run();
    });
    expect(action().busy).toBe(true);
    expect(root.textContent).toContain("busy");
    await act(async () => {
      gate.resolve();
      await running;
    });
    expect(action().busy).toBe(false);
    expect(action().error).toBeNull();
  });

  test("a second call while the first runs is ignored (a double click sends once)", async () => {
    const gate = deferred();
    const work = vi.fn((_n: number) => gate.promise);
    const action = withAction(work);
    await act(async () => {
      void action().run(1);
      void action().run(2);
    });
    expect(work).toHaveBeenCalledTimes(1);
    expect(work).toHaveBeenCalledWith(1);
    await act(async () => gate.resolve());
    await act(async () => action().run(3));
    expect(work).toHaveBeenCalledTimes(2);
    expect(work).toHaveBeenLastCalledWith(3);
  });

  test("a failure becomes readable text, kept with the failure itself, and cleared by the next run", async () => {
    const failure = new ApiError(422, "invalid", "Thiếu tên", [{ path: "name", message: "bắt buộc" }]);
    let fail = true;
    const action = withAction(async () => {
      if (fail) throw failure;
    });
    await act(() => action().run());
    expect(action().error).toBe("Thiếu tên");
    expect(action().failure).toBe(failure);
    expect(detailsOf(action().failure)).toEqual([{ path: "name", message: "bắt buộc" }]);
    expect(root.querySelector("[role=alert]")?.textContent).toBe("Thiếu tên");
    fail = false;
    await act(() => action().run());
    expect(action().error).toBeNull();
    expect(action().failure).toBeNull();
    expect(detailsOf(new Error("x"))).toEqual([]);
  });

  test("a network failure reads as one; a plain error shows its message", async () => {
    const network = withAction(async () => {
      throw new ApiError(0, "network", "");
    });
    await act(() => network().run());
    expect(network().error).toContain("Mất kết nối mạng");
    render(null, root);
    root.remove();
    const plain = withAction(async () => {
      throw new Error("Hỏng");
    });
    await act(() => plain().run());
    expect(plain().error).toBe("Hỏng");
  });

  test("a screen may describe its own failures; setError sets or clears by hand", async () => {
    const action = withAction(
      async () => {
        throw new Error("x");
      },
      () => "Sai mã",
    );
    await act(() => action().run());
    expect(action().error).toBe("Sai mã");
    act(() => action().setError(null));
    expect(action().error).toBeNull();
    act(() => action().setError("Kiểm tra lại"));
    expect(root.textContent).toContain("Kiểm tra lại");
  });

  test("it runs the action of the latest render", async () => {
    const calls: string[] = [];
    let label = "first";
    const latest: { current?: Action<[]> } = {};
    function Probe({ name }: { name: string }) {
      latest.current = useAction(async () => {
        calls.push(name);
      });
      return null;
    }
    mount(<Probe name={label} />);
    label = "second";
    act(() => render(<Probe name={label} />, root));
    await act(() => (latest.current as Action<[]>).run());
    expect(calls).toEqual(["second"]);
  });
});

describe("the shared dialog and form parts", () => {
  test("DialogFooter: the primary button confirms, says it is busy, and Cancel cancels", () => {
    const confirm = vi.fn();
    const cancel = vi.fn();
    mount(<DialogFooter label="Lưu" onConfirm={confirm} onCancel={cancel} error="Không lưu được" />);
    const [primary, other] = [...root.querySelectorAll("button")];
    primary?.click();
    other?.click();
    expect(confirm).toHaveBeenCalledOnce();
    expect(cancel).toHaveBeenCalledOnce();
    expect(other?.textContent).toBe("Huỷ");
    expect(root.querySelector("[role=alert]")?.textContent).toBe("Không lưu được");
    act(() => render(<DialogFooter label="Lưu" onConfirm={confirm} onCancel={cancel} busy />, root));
    expect(root.querySelector("button")?.disabled).toBe(true);
    expect(root.querySelector("button")?.getAttribute("aria-busy")).toBe("true");
    expect(root.querySelector("[role=alert]")).toBeNull();
  });

  test("InlineError shows only when there is an error", () => {
    mount(<InlineError error={null} />);
    expect(root.innerHTML).toBe("");
    act(() => render(<InlineError error="Sai" />, root));
    expect(root.querySelector("p.input-error[role=alert]")?.textContent).toBe("Sai");
  });

  test("TextAreaField is labelled and reports each edit", () => {
    const input = vi.fn();
    mount(<TextAreaField id="why" label="Lý do" value="" onInput={input} />);
    const area = root.querySelector("textarea") as HTMLTextAreaElement;
    expect(root.querySelector("label")?.getAttribute("for")).toBe("why");
    expect(area.maxLength).toBe(2000);
    area.value = "vì";
    area.dispatchEvent(new Event("input", { bubbles: true }));
    expect(input).toHaveBeenCalledWith("vì");
  });

  test("ToggleButton announces whether its part is open and flips it", () => {
    const toggle = vi.fn();
    mount(
      <ToggleButton open={false} onToggle={toggle}>
        Điều chỉnh
      </ToggleButton>,
    );
    const button = root.querySelector("button") as HTMLButtonElement;
    expect(button.getAttribute("aria-expanded")).toBe("false");
    button.click();
    expect(toggle).toHaveBeenCalledWith(true);
  });
});
