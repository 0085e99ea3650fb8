import { mulberry32 } from "../../infra/local/demo/random.ts";
import type { ScoringBundle } from "../../shared/engine/bundle.ts";
import type { AnswerValue } from "../../shared/model/answer.ts";
import { type Framework, type FrameworkNode, isLeaf, type Leaf } from "../../shared/model/framework.ts";
import type { Unit } from "../../shared/model/unit.ts";

export { mulberry32 };

/**
 * Deterministic test data for the scoring engine: a period's submissions for any framework and unit
 * list, and synthetic units at national scale. Used by unit tests and by the benchmark, so generation
 * is plain loops over precomputed leaf plans (no per-answer closures, no JSON round trips).
 */

/** In-place Fisher–Yates shuffle driven by `random`. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

export interface GeneratedSubmission {
  submitted: boolean;
  answers: Record<string, AnswerValue>;
  evidence: string[];
}

/** A scoring bundle as parseBundle accepts it and scorePeriod takes it. */
export interface GeneratedBundle extends ScoringBundle {
  units: Unit[];
  submissions: Record<string, GeneratedSubmission>;
}

export interface GeneratePeriodOptions {
  /** A parsed framework (parseFramework), so defaults such as ratio targets are filled in. */
  framework: Framework;
  units: readonly Unit[];
  seed: number;
  /** Share of units that submitted, in [0, 1]; the others have a draft or nothing. */
  submittedShare: number;
  /** Share of evidence-required leaves that have confirmed evidence, in [0, 1]. */
  evidenceShare: number;
}

// Method codes of a leaf plan: a switch on small integers keeps the hot loop monomorphic.
const YESNO = 0;
const LEVEL = 1;
const RATIO = 2;
const STEPS = 3;
const COUNT = 4;
const POINTS = 5;
const RELATIVE = 6;
const INFO = 7;

interface LeafPlan {
  code: string;
  type: number;
  /** Level: option ids from the lowest fraction up. */
  optionIds: string[];
  /** Steps/count: the largest value worth generating; points: the leaf's max. */
  top: number;
  evidenceRequired: boolean;
}

function leafPlan(leaf: Leaf): LeafPlan {
  const plan: LeafPlan = {
    code: leaf.code,
    type: YESNO,
    optionIds: [],
    top: 0,
    evidenceRequired: leaf.evidence.required,
  };
  const method = leaf.method;
  switch (method.type) {
    case "yesno":
      break;
    case "level":
      plan.type = LEVEL;
      plan.optionIds = [...method.options].sort((a, b) => a.fraction - b.fraction).map((o) => o.id);
      break;
    case "ratio":
      plan.type = RATIO;
      break;
    case "steps":
      plan.type = STEPS;
      plan.top = Math.ceil(Math.max(...method.steps.map((s) => s.min))) + 2;
      break;
    case "count":
      plan.type = COUNT;
      plan.top = Math.ceil(leaf.maxPoints / method.pointsEach) + 2;
      break;
    case "points":
      plan.type = POINTS;
      plan.top = leaf.maxPoints;
      break;
    case "relative":
      plan.type = RELATIVE;
      break;
    case "info":
      plan.type = INFO;
      break;
  }
  return plan;
}

function collectLeaves(nodes: readonly FrameworkNode[], out: Leaf[]): Leaf[] {
  for (const node of nodes) {
    if (isLeaf(node)) out.push(node);
    else collectLeaves(node.children, out);
  }
  return out;
}

/**
 * A period where every unit answers every leaf with a valid value (shared/model/answer.ts). Each unit
 * gets a "capability" so units differ consistently across leaves, as real units do. Units that did not
 * submit get a saved draft or nothing at all (both must score as not submitted).
 */
export function generatePeriod(options: GeneratePeriodOptions): GeneratedBundle {
  const { framework, units, seed, submittedShare, evidenceShare } = options;
  const random = mulberry32(seed);
  const plansOfKind = new Map<string, LeafPlan[]>();
  for (const group of framework.groups) {
    const plans = collectLeaves(group.nodes, []).map(leafPlan);
    for (const kind of group.unitKinds) plansOfKind.set(kind, plans);
  }

  const submissions: Record<string, GeneratedSubmission> = {};
  for (const unit of units) {
    const plans = plansOfKind.get(unit.kind);
    const submitted = random() < submittedShare;
    const hasDraft = !submitted && random() < 0.5;
    const capability = 0.15 + 0.75 * random();
    if (!plans || (!submitted && !hasDraft)) continue;

    const answers: Record<string, AnswerValue> = {};
    const evidence: string[] = [];
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i] as LeafPlan;
      // Mostly the unit's capability, partly chance: a value in [0, 1).
      const x = capability * 0.6 + random() * 0.4;
      let value: AnswerValue;
      switch (plan.type) {
        case YESNO:
          value = x >= 0.5;
          break;
        case LEVEL:
          value = plan.optionIds[Math.floor(x * plan.optionIds.length)] as string;
          break;
        case RATIO: {
          // About one in twelve: nothing arose (0/0), which exercises whenZero.
          const denominator = random() < 0.08 ? 0 : 1 + Math.floor(random() * 40);
          value = { numerator: Math.floor(x * (denominator + 1)), denominator };
          break;
        }
        case STEPS:
        case COUNT:
          value = Math.floor(x * (plan.top + 1));
          break;
        case POINTS:
          value = Math.min(plan.top, Math.floor(x * plan.top * 100) / 100);
          break;
        case RELATIVE:
          value = Math.round(x * 1000);
          break;
        default:
          value = random() < 0.5 ? Math.floor(x * 100) : `Ghi chú ${Math.floor(x * 100)}`;
      }
      answers[plan.code] = value;
      if (plan.evidenceRequired && random() < evidenceShare) evidence.push(plan.code);
    }
    submissions[unit.id] = { submitted, answers, evidence };
  }

  return {
    framework,
    period: { id: `generated-${seed >>> 0}`, name: `Kỳ đánh giá sinh tự động ${seed >>> 0}` },
    units: [...units],
    submissions,
  };
}

const SYLLABLES = [
  "An",
  "Bình",
  "Cẩm",
  "Đông",
  "Gia",
  "Hòa",
  "Hưng",
  "Khánh",
  "Lạc",
  "Long",
  "Minh",
  "Mỹ",
  "Nam",
  "Ninh",
  "Phú",
  "Phúc",
  "Quang",
  "Sơn",
  "Tân",
  "Thạnh",
  "Thành",
  "Thuận",
  "Tiên",
  "Trung",
  "Vĩnh",
  "Xuân",
  "Yên",
  "Đức",
  "Lâm",
  "Hải",
];

const DEPARTMENTS = [
  "Văn phòng Ủy ban nhân dân",
  "Sở Nội vụ",
  "Sở Tư pháp",
  "Sở Tài chính",
  "Sở Công Thương",
  "Sở Xây dựng",
  "Sở Y tế",
  "Sở Giáo dục và Đào tạo",
  "Sở Khoa học và Công nghệ",
  "Sở Văn hóa, Thể thao và Du lịch",
  "Sở Nông nghiệp và Môi trường",
  "Sở Dân tộc và Tôn giáo",
  "Thanh tra",
  "Ban Quản lý các khu công nghiệp",
  "Sở Ngoại vụ",
  "Sở Giao thông vận tải",
  "Sở Lao động - Thương binh và Xã hội",
  "Sở Kế hoạch và Đầu tư",
  "Sở Thông tin và Truyền thông",
  "Sở Tài nguyên và Môi trường",
];

/** A place name for a number: its base-30 digits as syllables, at least two, so distinct numbers give distinct names. */
function placeName(n: number): string {
  const words: string[] = [];
  let rest = n;
  do {
    words.push(SYLLABLES[rest % SYLLABLES.length] as string);
    rest = Math.floor(rest / SYLLABLES.length);
  } while (rest > 0 || words.length < 2);
  return words.join(" ");
}

type NationalKind = "department" | "district" | "city" | "commune" | "ward" | "township";

/** Per old province, roughly: 20 departments, 10 districts, 1 city, 130 communes, 25 wards, 9 townships. */
const KIND_WEIGHTS: readonly [NationalKind, number][] = [
  ["department", 20],
  ["district", 10],
  ["city", 1],
  ["commune", 130],
  ["ward", 25],
  ["township", 9],
];

const KIND_PREFIX: Record<NationalKind, { name: string; code: string }> = {
  department: { name: "", code: "S" },
  district: { name: "Huyện", code: "H" },
  city: { name: "Thành phố", code: "TP" },
  commune: { name: "Xã", code: "X" },
  ward: { name: "Phường", code: "P" },
  township: { name: "Thị trấn", code: "TT" },
};

/**
 * `count` synthetic units over the sample framework's kinds, in national proportions (one of each kind
 * first, so even small sets cover every group). Ids, codes and names are unique; communes, wards and
 * townships belong to the latest district or city.
 */
export function nationalUnits(count: number): Unit[] {
  const units: Unit[] = [];
  const made = new Map<NationalKind, number>(KIND_WEIGHTS.map(([kind]) => [kind, 0]));
  // Smooth weighted round robin: deterministic and evenly interleaved.
  const credit = KIND_WEIGHTS.map(() => 0);
  const totalWeight = KIND_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let parentId: string | undefined;
  for (let i = 0; i < count; i++) {
    let pick = i;
    if (i >= KIND_WEIGHTS.length) {
      pick = 0;
      for (let k = 0; k < credit.length; k++) {
        credit[k] = (credit[k] as number) + (KIND_WEIGHTS[k]?.[1] as number);
        if ((credit[k] as number) > (credit[pick] as number)) pick = k;
      }
      credit[pick] = (credit[pick] as number) - totalWeight;
    }
    const kind = KIND_WEIGHTS[pick]?.[0] as NationalKind;
    const n = made.get(kind) as number;
    made.set(kind, n + 1);
    const prefix = KIND_PREFIX[kind];
    const name =
      kind === "department"
        ? `${DEPARTMENTS[n % DEPARTMENTS.length]} tỉnh ${placeName(Math.floor(n / DEPARTMENTS.length))}`
        : `${prefix.name} ${placeName(n)}`;
    const id = `${kind}-${n + 1}`;
    const unit: Unit = { id, code: `${prefix.code}${String(n + 1).padStart(5, "0")}`, name, kind };
    if (kind === "district" || kind === "city") parentId = id;
    else if (kind !== "department" && parentId !== undefined) unit.parentId = parentId;
    units.push(unit);
  }
  return units;
}
