import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { MAX_TEXT_LENGTH } from "../../../shared/model/limits.ts";
import { fmt, localLabel, t } from "../i18n/index.ts";
import type { Leaf } from "./types.ts";

/** What every leaf input takes. */
interface InputProps {
  leaf: Leaf;
  value: unknown;
  idBase: string;
  disabled?: boolean | undefined;
  /** The field holds an edit not yet saved: keep it even when the stored value changes. */
  dirty?: boolean | undefined;
  onChange: (value: unknown) => void;
}

/**
 * The input a leaf's method needs: yes/no, a level, numerator and denominator, a number, a count,
 * points or a text. Calls `onChange` with a valid value (or null to clear); an invalid entry stays in
 * the field with its message and is not sent.
 */
export function LeafInput(props: InputProps) {
  const { leaf, value, idBase, disabled, onChange } = props;
  const method = leaf.method;
  const name = `${idBase}-value`;
  if (method.type === "yesno")
    return (
      <div class="choices" role="radiogroup" aria-labelledby={`${idBase}-legend`}>
        {[true, false].map((v) => (
          <label key={String(v)} class="choice">
            <input
              type="radio"
              name={name}
              checked={value === v}
              disabled={disabled}
              onChange={() => onChange(v)}
            />
            {v ? t("value.yes") : t("value.no")}
          </label>
        ))}
      </div>
    );
  if (method.type === "level")
    return (
      <div class="choices" role="radiogroup" aria-labelledby={`${idBase}-legend`}>
        {method.options.map((o) => (
          <label key={o.id} class="choice">
            <input
              type="radio"
              name={name}
              checked={value === o.id}
              disabled={disabled}
              onChange={() => onChange(o.id)}
            />
            <span>
              {localLabel(o)} <span class="muted">({fmt.percent(o.fraction)})</span>
            </span>
          </label>
        ))}
      </div>
    );
  if (method.type === "ratio") return <RatioInput {...props} />;
  if (method.type === "info") return <TextInput {...props} />;
  return <NumberInput {...props} />;
}

/** A reviewer's new value for a leaf (an adjustment or a contest decision), named for screen readers. */
export function NewValueInput(props: Pick<InputProps, "leaf" | "value" | "idBase" | "onChange">) {
  return (
    <>
      <span id={`${props.idBase}-legend`} class="sr-only">
        {t("appraise.newValue")}
      </span>
      <LeafInput {...props} />
    </>
  );
}

const toRaw = (v: unknown) => (typeof v === "number" ? String(v).replace(".", ",") : "");
/** A number as typed in Vietnamese or English: "1 234,5" and "1234.5" are both 1234.5. */
export const parseNumber = (raw: string) => Number(raw.trim().replace(/\s/g, "").replace(",", "."));

/** An entry's value for a number, count or points leaf (null clears it), or why it is refused. */
export function checkNumber(leaf: Leaf, text: string): { value?: number | null; error?: string } {
  const type = leaf.method.type;
  if (text.trim() === "") return { value: null };
  const n = parseNumber(text);
  if (!Number.isFinite(n)) return { error: t("input.notNumber") };
  if (n < 0) return { error: t("input.negative") };
  if (type === "count" && !Number.isInteger(n)) return { error: t("input.whole") };
  if (type === "points" && n > leaf.maxPoints)
    return { error: t("input.overMax", { max: fmt.points(leaf.maxPoints) }) };
  return { value: n };
}

/** A numerator and denominator as typed: the ratio (null when both are empty), or why it is refused. */
export function checkRatio(
  numerator: string,
  denominator: string,
): { value?: { numerator: number; denominator: number } | null; error?: string } {
  if (numerator.trim() === "" && denominator.trim() === "") return { value: null };
  if (numerator.trim() === "" || denominator.trim() === "") return { error: t("input.ratioBoth") };
  const a = parseNumber(numerator);
  const b = parseNumber(denominator);
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) return { error: t("input.whole") };
  if (a > b) return { error: t("input.ratioOver") };
  return { value: { numerator: a, denominator: b } };
}

/** Keeps the field's own text, re-reading the stored value when it changes and the field is clean. */
function useRaw(stored: string, dirty: boolean | undefined): [string, (raw: string) => void] {
  const [raw, setRaw] = useState(stored);
  useEffect(() => {
    if (!dirty) setRaw(stored);
  }, [stored]);
  return [raw, setRaw];
}

/** One number field: its label and the text typed (`children` follow it, e.g. its message). */
function NumberField({
  id,
  label,
  raw,
  whole,
  disabled,
  errorId,
  onInput,
  children,
}: {
  id: string;
  label: string;
  raw: string;
  whole: boolean;
  disabled: boolean | undefined;
  /** The message's id while there is one. */
  errorId: string | undefined;
  onInput: (text: string) => void;
  children?: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        inputMode={whole ? "numeric" : "decimal"}
        autoComplete="off"
        class="input-number"
        value={raw}
        disabled={disabled}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {children}
    </div>
  );
}

function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <span id={id} class="input-error">
      {error}
    </span>
  );
}

function NumberInput({ leaf, value, idBase, disabled, dirty, onChange }: InputProps) {
  const [raw, setRaw] = useRaw(toRaw(value), dirty);
  const [error, setError] = useState<string>();
  const type = leaf.method.type;
  const label =
    type === "count"
      ? t("input.count")
      : type === "points"
        ? t("input.points", { max: fmt.points(leaf.maxPoints) })
        : t("input.number");
  const id = `${idBase}-number`;
  const errorId = `${id}-error`;
  return (
    <NumberField
      id={id}
      label={label}
      raw={raw}
      whole={type === "count"}
      disabled={disabled}
      errorId={error ? errorId : undefined}
      onInput={(text) => {
        setRaw(text);
        const result = checkNumber(leaf, text);
        setError(result.error);
        if (!result.error) onChange(result.value);
      }}
    >
      <FieldError id={errorId} error={error} />
    </NumberField>
  );
}

function RatioInput({ leaf, value, idBase, disabled, dirty, onChange }: InputProps) {
  const method = leaf.method as Extract<Leaf["method"], { type: "ratio" }>;
  const stored = (value ?? {}) as { numerator?: number; denominator?: number };
  const [num, setNum] = useRaw(toRaw(stored.numerator), dirty);
  const [den, setDen] = useRaw(toRaw(stored.denominator), dirty);
  const [error, setError] = useState<string>();
  const update = (n: string, d: string) => {
    const result = checkRatio(n, d);
    setError(result.error);
    if (!result.error) onChange(result.value);
  };
  const errorId = `${idBase}-ratio-error`;
  const describedBy = error ? errorId : undefined;
  return (
    <div class="ratio">
      <NumberField
        id={`${idBase}-num`}
        label={method.numeratorLabel ?? t("input.numerator")}
        raw={num}
        whole
        disabled={disabled}
        errorId={describedBy}
        onInput={(text) => {
          setNum(text);
          update(text, den);
        }}
      />
      <NumberField
        id={`${idBase}-den`}
        label={method.denominatorLabel ?? t("input.denominator")}
        raw={den}
        whole
        disabled={disabled}
        errorId={describedBy}
        onInput={(text) => {
          setDen(text);
          update(num, text);
        }}
      />
      <FieldError id={errorId} error={error} />
      {!error && num && den && parseNumber(den) > 0 && (
        <span class="muted ratio-share">= {fmt.percent(parseNumber(num) / parseNumber(den))}</span>
      )}
    </div>
  );
}

function TextInput({ value, idBase, disabled, dirty, onChange }: InputProps) {
  const [raw, setRaw] = useRaw(value === null || value === undefined ? "" : String(value), dirty);
  const id = `${idBase}-text`;
  return (
    <div class="field">
      <label for={id}>{t("input.info")}</label>
      <textarea
        id={id}
        rows={3}
        maxLength={MAX_TEXT_LENGTH}
        value={raw}
        disabled={disabled}
        onInput={(e) => {
          setRaw(e.currentTarget.value);
          onChange(e.currentTarget.value.trim() === "" ? null : e.currentTarget.value);
        }}
      />
    </div>
  );
}
