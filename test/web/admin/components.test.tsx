import { render } from "preact";
import { useState } from "preact/hooks";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test } from "vitest";
import { OutcomeNote, ProblemsError, useOutcome } from "../../../web/src/app/admin/outcome.tsx";
import { ApiError } from "../../../web/src/app/api.ts";
import { DateTimeField, Field, SelectField, TextField, useFields } from "../../../web/src/ui/fields.tsx";

/** One container for the whole file, emptied after each test. */
const root = document.body.appendChild(document.createElement("main"));
afterEach(() => act(() => render(null, root)));

function mount(node: preact.ComponentChild): HTMLElement {
  act(() => render(node, root));
  return root;
}

describe("TextField", () => {
  test("labels its input, describes it by its help and passes its attributes on", () => {
    const el = mount(
      <TextField
        id="period-id"
        label="Mã kỳ"
        help="chữ thường"
        required
        pattern="[a-z]+"
        value="a"
        onValue={() => {}}
      />,
    );
    const input = el.querySelector("input") as HTMLInputElement;
    expect(el.querySelector("label")?.getAttribute("for")).toBe("period-id");
    expect(input.getAttribute("aria-describedby")).toBe("period-id-help");
    expect(el.querySelector("#period-id-help")?.textContent).toBe("chữ thường");
    expect([input.required, input.getAttribute("pattern"), input.value]).toEqual([true, "[a-z]+", "a"]);
    expect(el.firstElementChild?.className).toBe("field");
  });

  test("without help it is described by nothing; inline puts it on one line", () => {
    const el = mount(<TextField id="q" label="Tìm" inline value="" onValue={() => {}} />);
    expect(el.querySelector("input")?.hasAttribute("aria-describedby")).toBe(false);
    expect(el.querySelector(".muted")).toBeNull();
    expect(el.firstElementChild?.className).toBe("field inline");
  });

  test("hands each edit to onValue", () => {
    function Bound() {
      const [value, setValue] = useState("");
      return (
        <>
          <TextField id="name" label="Tên" value={value} onValue={setValue} />
          <output>{value}</output>
        </>
      );
    }
    const el = mount(<Bound />);
    const input = el.querySelector("input") as HTMLInputElement;
    act(() => {
      input.value = "Sở Nội vụ";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    expect(el.querySelector("output")?.textContent).toBe("Sở Nội vụ");
  });

  test("Field wraps any control, with a help id of its own choosing", () => {
    const el = mount(
      <Field id="f" label="Tệp" help="JSON" helpId="framework-help">
        <input id="f" type="file" aria-describedby="framework-help" />
      </Field>,
    );
    expect(el.querySelector("#framework-help")?.textContent).toBe("JSON");
  });
});

describe("useFields", () => {
  test("binds each field to its own value; DateTimeField and SelectField are bound the same way", () => {
    function Form() {
      const { values, bind } = useFields({ name: "", closesAt: "2024-03-01T17:00", unit: "b" });
      return (
        <>
          <TextField id="name" label="Tên" {...bind("name")} />
          <DateTimeField id="closes" label="Hạn" {...bind("closesAt")} />
          <SelectField id="unit" label="Đơn vị" {...bind("unit")}>
            <option value="a">A</option>
            <option value="b">B</option>
          </SelectField>
          <output>{JSON.stringify(values)}</output>
        </>
      );
    }
    const el = mount(<Form />);
    const closes = el.querySelector("#closes") as HTMLInputElement;
    const select = el.querySelector("#unit") as HTMLSelectElement;
    // A date and time is typed and shown as dd/MM/yyyy HH:mm; the bound value stays datetime-local.
    expect([closes.type, closes.value, select.value]).toEqual(["text", "01/03/2024 17:00", "b"]);
    act(() => {
      select.value = "a";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    expect(JSON.parse(el.querySelector("output")?.textContent ?? "")).toEqual({
      name: "",
      closesAt: "2024-03-01T17:00",
      unit: "a",
    });
    // Typed day first, or in the datetime-local form: both bind the datetime-local value.
    for (const [typed, bound] of [
      ["5/1/2027 7:05", "2027-01-05T07:05"],
      ["2027-01-07T14:00", "2027-01-07T14:00"],
    ]) {
      act(() => {
        closes.value = typed as string;
        closes.dispatchEvent(new Event("input", { bubbles: true }));
      });
      expect(JSON.parse(el.querySelector("output")?.textContent ?? "").closesAt).toBe(bound);
    }
    expect(closes.getAttribute("aria-invalid")).toBe("false");
  });
});

describe("OutcomeNote", () => {
  test("a message is a status; nothing at all renders nothing", () => {
    expect(mount(<OutcomeNote ok="Đã lưu." />).querySelector('[role="status"]')?.textContent).toBe("Đã lưu.");
    act(() => render(null, root));
    expect(mount(<OutcomeNote />).innerHTML).toBe("");
  });

  test("an error is an alert with every problem listed, the import's or the API's", () => {
    const imported = new ProblemsError("2 lỗi", [
      { path: "", message: "trang nodes, dòng 2: …" },
      { path: "", message: "trang nodes, dòng 3: …" },
    ]);
    const alert = mount(<OutcomeNote error="2 lỗi" failure={imported} />).querySelector('[role="alert"]');
    expect(alert?.querySelectorAll("li")).toHaveLength(2);
    act(() => render(null, root));
    const api = new ApiError(400, "invalid", "sai", [{ path: "groups.0.unitKinds", message: "trống" }]);
    expect(mount(<OutcomeNote error="sai" failure={api} />).querySelector("li code")?.textContent).toBe(
      "groups.0.unitKinds",
    );
  });
});

describe("useOutcome", () => {
  function Save({ action }: { action: () => Promise<string> }) {
    const save = useOutcome(action);
    return (
      <>
        <button type="button" disabled={save.busy} onClick={() => void save.run()} />
        <OutcomeNote ok={save.ok} error={save.error} failure={save.failure} />
      </>
    );
  }

  test("shows what the action said, and clears it when the next one fails", async () => {
    let fail = false;
    const el = mount(
      <Save
        action={async () => {
          if (fail) throw new Error("Không có gì thay đổi.");
          return "Đã lưu.";
        }}
      />,
    );
    // The action settles over a few microtasks: let them run inside act, so that its renders are flushed.
    const click = () =>
      act(async () => {
        (el.querySelector("button") as HTMLButtonElement).click();
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
    await click();
    expect(el.querySelector('[role="status"]')?.textContent).toBe("Đã lưu.");
    fail = true;
    await click();
    expect(el.querySelector('[role="status"]')).toBeNull();
    expect(el.querySelector('[role="alert"]')?.textContent).toBe("Không có gì thay đổi.");
  });
});
