import * as z from "zod";

/**
 * A fast yes/no for a zod schema, compiled once from the schema's own definition: `accepts(value)` is
 * true only when `schema.safeParse(value)` would succeed AND return a value deep-equal to the input, so
 * the input can stand for the output, uncopied. Anything it is not sure of — a schema kind it does not
 * know, an unknown key a lenient object would strip, a trim that would change a string, an explicit
 * undefined — answers false, and the caller runs zod itself, which then reports the issues exactly as
 * before. Simple checks (lengths, bounds, integers, patterns) are inlined; every other check
 * (refinements, trim) calls zod's own check function on the value.
 *
 * Compiled to JavaScript source like zod's own fast path, one function per object, array or record
 * schema: at national scale the previous snapshot alone holds over a million values.
 */
export type Accepts = (value: unknown) => boolean;

type Schema = z.core.$ZodType;
type Check = z.core.$ZodCheck;
type Def = Record<string, unknown> & { type: string; checks?: Check[] };
/** What zod's check functions read and write. */
interface Payload {
  value: unknown;
  issues: unknown[];
}

const compiled = new WeakMap<Schema, Accepts>();

export function zodAccepts(schema: Schema): Accepts {
  let accepts = compiled.get(schema);
  if (!accepts) {
    accepts = new Compiler().compile(schema);
    compiled.set(schema, accepts);
  }
  return accepts;
}

/** One of zod's checks run on a value: passes when it adds no issue, is synchronous and leaves the value as is. */
function runCheck(check: Check, value: unknown): boolean {
  const payload: Payload = { value, issues: [] };
  const when = check._zod.def.when as ((p: Payload) => boolean) | undefined;
  if (when && !when(payload)) return true;
  const result = (check._zod.check as (p: Payload) => unknown)(payload);
  return !(result instanceof Promise) && payload.issues.length === 0 && payload.value === value;
}

/** zod's default `when` of length checks (run on anything with a length): inlined only with it. */
const LENGTH_WHEN = (z.string().min(1)._zod.def.checks?.[0]?._zod.def as { when?: unknown } | undefined)
  ?.when;

class Compiler {
  private readonly externals: unknown[] = [];
  private readonly functions: string[] = [];
  private readonly names = new Map<Schema, string>();
  private vars = 0;

  compile(schema: Schema): Accepts {
    this.functions.push(`function root(v) { return ${this.expr(schema, "v")}; }`);
    const root = "root";
    const args = this.externals.map((_, i) => `e${i}`);
    const source = `"use strict";\nconst OP = Object.prototype;\n${this.functions.join("\n")}\nreturn ${root};`;
    // The source comes from the schema's definition, never from input (keys are JSON-quoted).
    return new Function("runCheck", ...args, source)(runCheck, ...this.externals) as Accepts;
  }

  private external(value: unknown): string {
    this.externals.push(value);
    return `e${this.externals.length - 1}`;
  }

  private fresh(): string {
    return `x${this.vars++}`;
  }

  /** A JavaScript expression, true when the value in variable `v` is accepted by `schema`. */
  private expr(schema: Schema, v: string): string {
    const def = schema._zod.def as unknown as Def;
    if (def.coerce) return "false";
    const own = def.checks ?? [];
    const checks = schema._zod.traits.has("$ZodCheck") ? [schema as unknown as Check, ...own] : own;
    const parts = [this.base(schema, def, v), ...checks.map((c) => this.check(c, v))];
    return `(${parts.join(" && ")})`;
  }

  private base(schema: Schema, def: Def, v: string): string {
    switch (def.type) {
      case "string":
        return `typeof ${v} === "string"`;
      case "number":
        return `typeof ${v} === "number" && Number.isFinite(${v})`;
      case "boolean":
        return `typeof ${v} === "boolean"`;
      case "null":
        return `${v} === null`;
      case "unknown":
      case "any":
        return `${v} !== undefined`;
      case "literal":
      case "enum": {
        const values = schema._zod.values;
        return values ? `${v} !== undefined && ${this.external(values)}.has(${v})` : "false";
      }
      case "nullable":
        return `(${v} === null || ${this.expr(def.innerType as Schema, v)})`;
      case "optional":
        // An absent key is the object's business; an explicit undefined is left to zod.
        return `${v} !== undefined && ${this.expr(def.innerType as Schema, v)}`;
      case "array":
        return `${this.array(schema, def)}(${v})`;
      case "record":
        return `${this.record(schema, def)}(${v})`;
      case "object":
        return `${this.object(schema, def)}(${v})`;
      default:
        return "false";
    }
  }

  private array(schema: Schema, def: Def): string {
    return this.define(schema, (name) => {
      const x = this.fresh();
      return `function ${name}(v) {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) { const ${x} = v[i]; if (!${this.expr(def.element as Schema, x)}) return false; }
  return true;
}`;
    });
  }

  private record(schema: Schema, def: Def): string {
    const keyType = def.keyType as Schema;
    if (keyType._zod.def.type !== "string" || keyType._zod.values) return "(() => false)";
    return this.define(schema, (name) => {
      const x = this.fresh();
      return `function ${name}(v) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  if ((p !== OP && p !== null) || Object.getOwnPropertySymbols(v).length > 0) return false;
  for (const k in v) {
    if (k === "__proto__" || !${this.expr(keyType, "k")}) return false;
    const ${x} = v[k];
    if (!${this.expr(def.valueType as Schema, x)}) return false;
  }
  return true;
}`;
    });
  }

  private object(schema: Schema, def: Def): string {
    // Strict (catchall never) or stripping (no catchall): an unknown key is not accepted either way.
    const catchall = def.catchall as Schema | undefined;
    if (catchall && catchall._zod.def.type !== "never") return "(() => false)";
    const shape = def.shape as Record<string, Schema>;
    if (Object.getOwnPropertySymbols(shape).length > 0) return "(() => false)";
    return this.define(schema, (name) => {
      const fields = Object.keys(shape).map((key) => {
        const field = shape[key] as Schema;
        const x = this.fresh();
        const k = JSON.stringify(key);
        const absent = field._zod.def.type === "optional" ? `if (${k} in v) return false;` : "return false;";
        return `  const ${x} = v[${k}];
  if (${x} === undefined) { ${absent} } else { n++; if (!${this.expr(field, x)}) return false; }`;
      });
      return `function ${name}(v) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  if (p !== OP && p !== null) return false;
  let n = 0;
${fields.join("\n")}
  for (const k in v) { if (k === "__proto__") return false; n--; }
  return n === 0;
}`;
    });
  }

  /** Generates a named function once per schema (a schema used twice shares it). */
  private define(schema: Schema, source: (name: string) => string): string {
    const known = this.names.get(schema);
    if (known) return known;
    const name = `g${this.names.size}`;
    this.names.set(schema, name);
    this.functions.push(source(name));
    return name;
  }

  /**
   * A check as an expression: the simple ones inlined, each no more accepting than zod's (lengths are
   * code points there: n UTF-16 units hold at least n / 2 of them), the rest by zod's own function.
   */
  private check(check: Check, v: string): string {
    const def = check._zod.def as unknown as Record<string, unknown> & { check: string };
    const generic = `runCheck(${this.external(check)}, ${v})`;
    const n = typeof def.value === "number" && Number.isFinite(def.value) ? def.value : undefined;
    switch (def.check) {
      case "min_length": {
        const min = def.minimum as number;
        if (def.when !== LENGTH_WHEN || !Number.isSafeInteger(min)) return generic;
        return min <= 1 ? `${v}.length >= ${min}` : `(${v}.length >= ${2 * min} || ${generic})`;
      }
      case "max_length": {
        const max = def.maximum as number;
        if (def.when !== LENGTH_WHEN || !Number.isSafeInteger(max)) return generic;
        return `(${v}.length <= ${max} || ${generic})`;
      }
      case "greater_than":
        return n === undefined || def.when ? generic : `${v} ${def.inclusive ? ">=" : ">"} ${n}`;
      case "less_than":
        return n === undefined || def.when ? generic : `${v} ${def.inclusive ? "<=" : "<"} ${n}`;
      case "number_format":
        return def.format === "safeint" && !def.when ? `Number.isSafeInteger(${v})` : generic;
      case "string_format": {
        // Only z.string().regex(): other formats may check more than their pattern.
        const pattern = def.pattern;
        if (def.format !== "regex" || !(pattern instanceof RegExp) || def.when) return generic;
        const p = this.external(pattern);
        return `(${p}.lastIndex = 0, ${p}.test(${v}))`;
      }
      default:
        return generic;
    }
  }
}
