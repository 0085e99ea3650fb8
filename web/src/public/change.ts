import { fmt, t } from "../i18n/index.ts";
import type { Appearance, MethodFile, MethodNode, Snapshot, SnapshotGroup, SnapshotUnit } from "./data.ts";

/** A signed number for a sentence: "+12,5", "−4" (U+2212, the decimal comma of `fmt`); rounded first, so no "−0". */
export function signed(n: number, max = 2, min = 0): string {
  const rounded = Math.round(n * 10 ** max) / 10 ** max;
  return `${rounded < 0 ? "\u2212" : "+"}${fmt.number(Math.abs(rounded), max, min)}`;
}

/** Every leaf under a node, with its name. */
function leavesOf(node: MethodNode, into: Map<string, string>): Map<string, string> {
  if (!node.children) into.set(node.code, node.name);
  for (const child of node.children ?? []) leavesOf(child, into);
  return into;
}

export interface ChangeWords {
  /** The sentence; "no previous result" when the unit has no change. */
  text: string;
  /** The previous period was ranked with another index set: only equal codes were compared. */
  setChanged: boolean;
  /** The method note when the index set changed: what was compared, what was not. */
  note?: string;
}

/**
 * Why a unit's rank changed, in plain words, from the snapshot's `change`: the rank move, then the
 * pillars that moved (largest first, unchanged ones left out), each with the indicators of `leaves`
 * under it, named from the period's method file (by code alone without one). A unit absent from the
 * previous ranking was compared with the mean of the units merged into it.
 */
export function explainChange(input: {
  unit: SnapshotUnit;
  group: SnapshotGroup;
  snapshot: Snapshot;
  previous?: { name: string; snapshot: Snapshot } | undefined;
  method?: MethodFile | undefined;
}): ChangeWords {
  const { unit, group, snapshot, previous, method } = input;
  const change = unit.change;
  if (!change) return { text: t("change.none"), setChanged: false };
  const before = previous?.snapshot.groups.find((g) => g.id === group.id);
  const merged = previous !== undefined && !before?.units.some((u) => u.unitId === unit.unitId);
  const name = previous?.name ?? t("change.previous");
  const period = merged ? t("change.merged", { period: name }) : name;
  const n = Math.abs(unit.rankChange ?? 0);
  const move = !unit.rankChange ? "same" : unit.rankChange > 0 ? "up" : "down";
  const head = t(`change.${move}`, { n, period });

  const pillars = method?.groups.find((g) => g.id === group.id)?.nodes ?? [];
  const parts = change.nodes
    .filter((node) => node.points !== 0)
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points))
    .map((node) => {
      const label = group.nodes.find((g) => g.code === node.code)?.name ?? node.code;
      const pillar = pillars.find((p) => p.code === node.code);
      const names = pillar ? leavesOf(pillar, new Map()) : undefined;
      const leaves = change.leaves
        .filter((leaf) => (names ? names.has(leaf.code) : leaf.code.startsWith(`${node.code}.`)))
        .map((leaf) => {
          const leafName = names?.get(leaf.code);
          return `${t("change.leaf", { code: leaf.code })}${leafName ? ` “${leafName}”` : ""} ${t("change.points", { n: signed(leaf.points) })}`;
        });
      const points = `${label} ${t("change.points", { n: signed(node.points) })}`;
      return leaves.length > 0 ? `${points} (${leaves.join(", ")})` : points;
    });
  const text = parts.length > 0 ? `${head}: ${parts.join("; ")}` : `${head}; ${t("change.flat")}`;
  const c = group.comparability;
  const setChanged =
    c !== undefined ||
    (previous !== undefined && previous.snapshot.period.framework.id !== snapshot.period.framework.id);
  if (!setChanged) return { text, setChanged };
  const fresh = c ? c.notComparable.leaves.length : 0;
  const dropped = c ? c.dropped.leaves.length : 0;
  return {
    text,
    setChanged,
    note: t(c ? "change.setChanged" : "change.setChangedCodes", { fresh, dropped }),
  };
}

/**
 * A pillar's value in each appearance (oldest first), following the index set's versions back: a
 * renamed or renumbered pillar continues its line, a merged one sums its old pillars (points over
 * maxima), a new one has no value before it.
 */
export function pillarLine(appearances: readonly Appearance[], code: string): (number | null)[] {
  const out: (number | null)[] = [];
  let codes = [code];
  for (let i = appearances.length - 1; i >= 0; i--) {
    const a = appearances[i] as Appearance;
    const nodes = codes.map((c) => a.unit.nodes.find((n) => n.code === c));
    const max = nodes.reduce((s, n) => s + (n?.maxPoints ?? 0), 0);
    const known = nodes.length > 0 && nodes.every((n) => n && n.value !== null);
    out.unshift(
      !known
        ? null
        : nodes.length === 1
          ? (nodes[0]?.value ?? null)
          : max > 0
            ? nodes.reduce((s, n) => s + (n?.points ?? 0), 0) / max
            : null,
    );
    const c = a.group.comparability;
    if (c) codes = codes.flatMap((x) => (c.notComparable.pillars.includes(x) ? [] : (c.mapped[x] ?? [x])));
  }
  return out;
}
