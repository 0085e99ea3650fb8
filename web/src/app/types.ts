/**
 * The API's shapes as the screens use them: the answers' schemas of the one contract (shared/api) and
 * the model's own types, imported as types only, so no validation code reaches the bundle.
 */
import type { SubmissionView } from "../../../shared/api/submissions.ts";
import type { FrameworkNode, Leaf } from "../../../shared/model/framework.ts";

export type {
  FrameworkSummaryView as FrameworkSummary,
  UnitView as Unit,
} from "../../../shared/api/catalog.ts";
/** The widest view (an admin's); what a unit user reads lacks the admin's fields (shared/api/periods.ts). */
export type { AdminPeriodView as Period, PeriodJobView as PeriodJob } from "../../../shared/api/periods.ts";
export type {
  LedgerLeafView as LedgerLeaf,
  ResultScoreView as ResultScore,
  UnitResultView as UnitResult,
} from "../../../shared/api/results.ts";
export type {
  AppraisalView as Appraisal,
  ContestView as Contest,
  EvidenceView as Evidence,
  SubmissionRowView as SubmissionRow,
  SubmissionView as Submission,
} from "../../../shared/api/submissions.ts";
export type {
  Framework,
  FrameworkNode,
  Group,
  InnerNode,
  Leaf,
  Method,
  MethodType,
} from "../../../shared/model/framework.ts";
// The lifecycle's states and jobs are the server's own (plain data, no dependencies).
export {
  type JobKind,
  type JobStatus,
  PERIOD_STATES,
  type PeriodState,
  type SteadyState,
  type TransientState,
} from "../../../shared/model/period-states.ts";

export type Answer = SubmissionView["answers"][string];

export const isLeaf = (node: FrameworkNode): node is Leaf => "method" in node;

/** The leaves of a group in form order, with the path of inner nodes above each. */
export function leavesOf(nodes: FrameworkNode[], out: Leaf[] = []): Leaf[] {
  for (const node of nodes) {
    if (isLeaf(node)) out.push(node);
    else leavesOf(node.children, out);
  }
  return out;
}
