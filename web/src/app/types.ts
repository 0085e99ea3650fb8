/** The API's shapes as the screens use them (API.md; shared/model and shared/services on the server). */
export type MethodType = "yesno" | "level" | "ratio" | "steps" | "count" | "points" | "relative" | "info";

export type Method =
  | { type: "yesno" }
  | { type: "level"; options: { id: string; label: string; labelEn?: string; fraction: number }[] }
  | {
      type: "ratio";
      target: number;
      whenZero: "full" | "zero" | "exclude";
      numeratorLabel?: string;
      denominatorLabel?: string;
    }
  | { type: "steps"; steps: { min: number; points: number }[] }
  | { type: "count"; pointsEach: number }
  | { type: "points" }
  | { type: "relative" }
  | { type: "info" };

export interface Leaf {
  code: string;
  name: string;
  nameEn?: string;
  guidance?: string;
  maxPoints: number;
  method: Method;
  evidence: { required: boolean; kinds: ("file" | "url")[]; hint?: string };
  source?: "system";
}

export interface InnerNode {
  code: string;
  name: string;
  nameEn?: string;
  guidance?: string;
  maxPoints: number;
  children: FrameworkNode[];
}

export type FrameworkNode = Leaf | InnerNode;
export const isLeaf = (node: FrameworkNode): node is Leaf => "method" in node;

export interface Group {
  id: string;
  name: string;
  nameEn?: string;
  unitKinds: string[];
  bands?: { minIndex: number; label: string; labelEn?: string }[];
  nodes: FrameworkNode[];
}

export interface Framework {
  id: string;
  name: string;
  nameEn?: string;
  decision?: string;
  about?: string;
  missingEvidence: "zero" | "keep";
  groups: Group[];
}

export interface FrameworkSummary {
  id: string;
  name: string;
  decision?: string;
  createdAt: string;
}

// The lifecycle's states and jobs are the server's own (plain data, no dependencies).
export {
  type JobKind,
  type JobStatus,
  PERIOD_STATES,
  type PeriodJob,
  type PeriodState,
  type SteadyState,
  type TransientState,
} from "../../../shared/model/period-states.ts";

import type { PeriodJob, PeriodState } from "../../../shared/model/period-states.ts";

export interface Period {
  id: string;
  name: string;
  frameworkId: string;
  opensAt: string;
  closesAt: string;
  explanationClosesAt?: string;
  state: PeriodState;
  version: number;
  counts: { units: number; submitted: number; draft: number };
  publication?: { version: number; publishedAt: string };
  job?: PeriodJob;
  closedAt?: string;
  finalizedAt?: string;
  updatedAt: string;
}

export interface Unit {
  id: string;
  code: string;
  name: string;
  nameEn?: string;
  kind: string;
  parentId?: string;
}

export interface Evidence {
  id: string;
  kind: "file" | "url";
  status: "pending" | "confirmed";
  indicatorCodes: string[];
  fileName?: string;
  contentType?: string;
  size?: number;
  sha256?: string;
  url?: string;
  title?: string;
  createdAt: string;
  createdBy: string;
}

export interface Answer {
  value: unknown;
  note: string | null;
  updatedAt: string;
  updatedBy: string;
}

export interface Submission {
  periodId: string;
  unitId: string;
  groupId: string;
  state: "draft" | "submitted" | "locked";
  version: number;
  closesAt: string;
  editable: boolean;
  submittedAt?: string;
  submittedBy?: string;
  supplement: { codes: string[]; until: string; message?: string } | null;
  answers: Record<string, Answer>;
  evidence: Evidence[];
  preview: {
    points: number;
    maxPoints: number;
    index: number;
    leaves: Record<string, { score: number | null; flags: string[] }>;
  };
}

export interface SubmissionRow {
  unitId: string;
  groupId: string;
  state: "draft" | "submitted" | "locked";
  version: number;
  points: number;
  index: number;
  submittedAt: string | null;
  updatedAt: string | null;
}

export interface Appraisal {
  code: string;
  value: unknown;
  accepted: boolean;
  reason?: string;
  by: string;
  at: string;
}

export interface Contest {
  code: string;
  explanation: string;
  evidenceIds: string[];
  by: string;
  at: string;
  decision?: { outcome: "upheld" | "changed"; value?: unknown; reason: string; by: string; at: string };
}

export interface LedgerLeaf {
  code: string;
  self: {
    value: unknown;
    note: string | null;
    by: string | null;
    at: string | null;
    score: number;
    flags: string[];
  };
  appraisal: Appraisal | null;
  contest: Contest | null;
  final: { value: unknown; score: number; flags: string[] };
}

export interface ResultScore {
  points: number;
  index: number;
  rank: number;
  band: string | null;
  flags: string[];
}

export interface UnitResult {
  unitId: string;
  groupId: string;
  code?: string;
  name?: string;
  submitted: boolean;
  provisional: ResultScore | null;
  final: ResultScore | null;
  leaves: LedgerLeaf[];
}

/** The leaves of a group in form order, with the path of inner nodes above each. */
export function leavesOf(nodes: FrameworkNode[], out: Leaf[] = []): Leaf[] {
  for (const node of nodes) {
    if (isLeaf(node)) out.push(node);
    else leavesOf(node.children, out);
  }
  return out;
}
