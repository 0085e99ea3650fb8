import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";

/**
 * The one labelled form field: a label, the control and an optional help line that the control is
 * described by. `Field` wraps any control (a file input); `TextField`, `DateTimeField` and
 * `SelectField` are the common cases bound to a string, and `useFields` holds a form's strings.
 */
export function Field({
  id,
  label,
  help,
  helpId = `${id}-help`,
  inline = false,
  children,
}: {
  /** The control's id, which the label points at. */
  id: string;
  label: ComponentChildren;
  /** A line under the control; the control should name `helpId` in its aria-describedby. */
  help?: ComponentChildren;
  helpId?: string;
  /** Label and control on one line (a toolbar's search box). */
  inline?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={inline ? "field inline" : "field"}>
      <label for={id}>{label}</label>
      {children}
      {help && (
        <span id={helpId} class="muted">
          {help}
        </span>
      )}
    </div>
  );
}

type InputAttributes = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onInput" | "label">;

/** What every bound field takes besides its control's own attributes. */
interface Bound {
  id: string;
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  help?: ComponentChildren;
  inline?: boolean;
}

/** The attributes that tie a control to its label (the id) and to its help line, if any. */
const control = (id: string, help: ComponentChildren) => ({
  id,
  "aria-describedby": help ? `${id}-help` : undefined,
});

/**
 * A labelled input bound to a string: `onValue` gets each edit. Any other input attribute (type,
 * required, pattern, autoComplete, disabled, placeholder …) is passed on to the input.
 */
export function TextField({ id, label, value, onValue, help, inline, ...input }: InputAttributes & Bound) {
  return (
    <Field id={id} label={label} help={help} inline={inline}>
      <input
        {...control(id, help)}
        value={value}
        {...input}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

/** A date and time (an `<input type="datetime-local">`, "YYYY-MM-DDTHH:mm"). */
export function DateTimeField(props: InputAttributes & Bound) {
  return <TextField type="datetime-local" {...props} />;
}

type SelectAttributes = Omit<
  JSX.SelectHTMLAttributes<HTMLSelectElement>,
  "id" | "value" | "onChange" | "label"
>;

/** A labelled select bound to a string; the options are its children. */
export function SelectField({
  id,
  label,
  value,
  onValue,
  help,
  inline,
  children,
  ...select
}: SelectAttributes & Bound & { children: ComponentChildren }) {
  return (
    <Field id={id} label={label} help={help} inline={inline}>
      <select
        {...control(id, help)}
        value={value}
        {...select}
        onChange={(e) => onValue(e.currentTarget.value)}
      >
        {children}
      </select>
    </Field>
  );
}

/**
 * A form's string values in one state. `bind(name)` gives a field its value and onValue:
 *
 *   const { values, bind } = useFields({ name: "", closesAt: "" });
 *   <TextField id="name" label={t("period.name")} {...bind("name")} />
 */
export function useFields<T extends Record<string, string>>(initial: T | (() => T)) {
  const [values, setValues] = useState<T>(initial);
  const bind = (name: keyof T & string) => ({
    value: values[name] as string,
    onValue: (value: string) => setValues((current) => ({ ...current, [name]: value })),
  });
  return { values, setValues, bind };
}
