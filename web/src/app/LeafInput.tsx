import { useEffect, useState } from "preact/hooks";
import { fmt, localLabel, t } from "../i18n/index.ts";
import type { Leaf } from "./types.ts";

/**
 * The input a leaf's method needs: yes/no, a level, numerator and denominator, a number, a count,
 * points or a text. Calls `onChange` with a valid value (or null to clear); an invalid entry stays in
 * the field with its message and is not sent.
 */
export function LeafInput({
  leaf,
  value,
  idBase,
  disabled,
  dirty,
  onChange,
}: {
  leaf: Leaf;
  value: unknown;
  idBase: string;
  disabled?: boolean;
  /** The field holds an edit not yet saved: keep it even when the stored value changes. */
  dirty?: boolean;
  onChange: (value: unknown) => void;
}) {
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
  if (method.type === "ratio")
    return (
      <RatioInput
        leaf={leaf}
        value={value}
        idBase={idBase}
        disabled={disabled}
        dirty={dirty}
        onChange={onChange}
      />
    );
  if (method.type === "info")
    return <TextInput value={value} idBase={idBase} disabled={disabled} dirty={dirty} onChange={onChange} />;
  return (
    <NumberInput
      leaf={leaf}
      value={value}
      idBase={idBase}
      disabled={disabled}
      dirty={dirty}
      onChange={onChange}
    />
  );
}

const toRaw = (v: unknown) => (typeof v === "number" ? String(v).replace(".", ",") : "");
const parse = (raw: string) => Number(raw.trim().replace(/\s/g, "").replace(",", "."));

/** Keeps the field's own text, re-reading the stored value when it changes and the field is clean. */
function useRaw(stored: string, dirty: boolean | undefined): [string, (raw: string) => void] {
  const [raw, setRaw] = useState(stored);
  useEffect(() => {
    if (!dirty) setRaw(stored);
  }, [stored]);
  return [raw, setRaw];
}

function NumberInput({
  leaf,
  value,
  idBase,
  disabled,
  dirty,
  onChange,
}: {
  leaf: Leaf;
  value: unknown;
  idBase: string;
  disabled?: boolean | undefined;
  dirty?: boolean | undefined;
  onChange: (value: unknown) => void;
}) {
  const [raw, setRaw] = useRaw(toRaw(value), dirty);
  const [error, setError] = useState<string>();
  const type = leaf.method.type;
  const whole = type === "count";
  const label =
    type === "count"
      ? t("input.count")
      : type === "points"
        ? t("input.points", { max: fmt.points(leaf.maxPoints) })
        : t("input.number");
  const check = (text: string): { value?: unknown; error?: string } => {
    if (text.trim() === "") return { value: null };
    const n = parse(text);
    if (!Number.isFinite(n)) return { error: t("input.notNumber") };
    if (n < 0) return { error: t("input.negative") };
    if (whole && !Number.isInteger(n)) return { error: t("input.whole") };
    if (type === "points" && n > leaf.maxPoints)
      return { error: t("input.overMax", { max: fmt.points(leaf.maxPoints) }) };
    return { value: n };
  };
  const id = `${idBase}-number`;
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
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(e) => {
          const text = e.currentTarget.value;
          setRaw(text);
          const result = check(text);
          setError(result.error);
          if (!result.error) onChange(result.value);
        }}
      />
      {error && (
        <span id={`${id}-error`} class="input-error">
          {error}
        </span>
      )}
    </div>
  );
}

function RatioInput({
  leaf,
  value,
  idBase,
  disabled,
  dirty,
  onChange,
}: {
  leaf: Leaf;
  value: unknown;
  idBase: string;
  disabled?: boolean | undefined;
  dirty?: boolean | undefined;
  onChange: (value: unknown) => void;
}) {
  const method = leaf.method as Extract<Leaf["method"], { type: "ratio" }>;
  const stored = (value ?? {}) as { numerator?: number; denominator?: number };
  const [num, setNum] = useRaw(toRaw(stored.numerator), dirty);
  const [den, setDen] = useRaw(toRaw(stored.denominator), dirty);
  const [error, setError] = useState<string>();
  const update = (n: string, d: string) => {
    if (n.trim() === "" && d.trim() === "") {
      setError(undefined);
      onChange(null);
      return;
    }
    if (n.trim() === "" || d.trim() === "") {
      setError(t("input.ratioBoth"));
      return;
    }
    const a = parse(n);
    const b = parse(d);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) {
      setError(t("input.whole"));
      return;
    }
    if (a > b) {
      setError(t("input.ratioOver"));
      return;
    }
    setError(undefined);
    onChange({ numerator: a, denominator: b });
  };
  const errorId = `${idBase}-ratio-error`;
  return (
    <div class="ratio">
      <div class="field">
        <label for={`${idBase}-num`}>{method.numeratorLabel ?? t("input.numerator")}</label>
        <input
          id={`${idBase}-num`}
          inputMode="numeric"
          autoComplete="off"
          class="input-number"
          value={num}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onInput={(e) => {
            setNum(e.currentTarget.value);
            update(e.currentTarget.value, den);
          }}
        />
      </div>
      <div class="field">
        <label for={`${idBase}-den`}>{method.denominatorLabel ?? t("input.denominator")}</label>
        <input
          id={`${idBase}-den`}
          inputMode="numeric"
          autoComplete="off"
          class="input-number"
          value={den}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onInput={(e) => {
            setDen(e.currentTarget.value);
            update(num, e.currentTarget.value);
          }}
        />
      </div>
      {error && (
        <span id={errorId} class="input-error">
          {error}
        </span>
      )}
      {!error && num && den && parse(den) > 0 && (
        <span class="muted ratio-share">= {fmt.percent(parse(num) / parse(den))}</span>
      )}
    </div>
  );
}

function TextInput({
  value,
  idBase,
  disabled,
  dirty,
  onChange,
}: {
  value: unknown;
  idBase: string;
  disabled?: boolean | undefined;
  dirty?: boolean | undefined;
  onChange: (value: unknown) => void;
}) {
  const [raw, setRaw] = useRaw(value === null || value === undefined ? "" : String(value), dirty);
  const id = `${idBase}-text`;
  return (
    <div class="field">
      <label for={id}>{t("input.info")}</label>
      <textarea
        id={id}
        rows={3}
        maxLength={4000}
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
