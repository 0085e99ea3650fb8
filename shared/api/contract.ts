import * as z from "zod";
import type { Role } from "../access/roles.ts";
import {
  appraisalBodySchema,
  contestBodySchema,
  decisionBodySchema,
  supplementBodySchema,
} from "../model/appraisal.ts";
import { evidenceRequestSchema, relinkEvidenceSchema } from "../model/evidence.ts";
import { frameworkSchema } from "../model/framework.ts";
import { createSourceSchema, pushBodySchema } from "../model/measurement.ts";
import { createPeriodSchema, PERIOD_STATES, patchPeriodSchema } from "../model/period.ts";
import { auditQuerySchema } from "../services/audit.ts";
import { importBodySchema } from "../services/measurement-import.ts";
import { completeRequestSchema, partsRequestSchema } from "../services/multipart.ts";
import { unitDeadlineSchema as unitDeadlineBodySchema } from "../services/periods.ts";
import { reformBodySchema } from "../services/reforms.ts";
import { restatementBodySchema } from "../services/restatements.ts";
import { answersBodySchema } from "../services/submissions.ts";
import { transitionSchema } from "../services/transitions.ts";
import { unitsBodySchema } from "../services/units.ts";
import {
  createUserSchema,
  listUsersQuerySchema,
  passwordBodySchema,
  updateUserSchema,
} from "../services/users.ts";
import {
  adminUnitSchema,
  frameworkSummarySchema,
  frameworkViewSchema,
  unitViewSchema,
  upsertCountsSchema,
  userSummarySchema,
} from "./catalog.ts";
import { pageOf, pagingQuery, pathParameters } from "./common.ts";
import { importAnswerSchema } from "./measurements.ts";
import { completedSchema, partsAnswerSchema } from "./multipart.ts";
import {
  adminPeriodSchema,
  periodSchema,
  restatementSchema,
  reviewerPeriodSchema,
  unitDeadlineSchema,
} from "./periods.ts";
import { reformResultSchema } from "./reforms.ts";
import { auditRecordSchema, resultsPageSchema, scoringBundleSchema } from "./results.ts";
import type { RouteKey } from "./routes.ts";
import { createdSourceSchema, pushAnswerSchema, sourceViewSchema } from "./sources.ts";
import {
  appraisalSchema,
  contestDecidedSchema,
  contestSchema,
  downloadSchema,
  evidenceAddedSchema,
  evidenceAnswerSchema,
  submissionRowSchema,
  submissionSchema,
  supplementSchema,
} from "./submissions.ts";
import { userViewSchema } from "./users.ts";

/**
 * The one API contract: for every route of the table (routes.ts), its parameters, query, request body
 * and answers as zod schemas. The edge checks answers against it in tests (CHISO_CHECK_RESPONSES), and
 * docs/openapi.json is generated from it (`npm run openapi`). Request bodies are the services' own
 * schemas, so what is documented is what is parsed.
 */
export interface RouteContract {
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Optional `If-Match: "<version>"`: 412 when the submission changed meanwhile. */
  ifMatch?: true;
  /** The answers by status; null: no body (204). Errors share one shape (common.ts). */
  responses: Readonly<Record<number, z.ZodType | null>>;
  /**
   * A narrower answer for some callers, first match wins ("*": anyone else): what a unit user reads of
   * a period is less than what an admin reads. Applies to the 200 answer.
   */
  views?: readonly (readonly [Role | "*", z.ZodType])[];
}

const period = pathParameters("periodId");
const unit = pathParameters("periodId", "unitId");
const evidence = pathParameters("periodId", "unitId", "evidenceId");
const leaf = pathParameters("periodId", "unitId", "code");
const paging = z.strictObject(pagingQuery);

const periodViews = [
  ["admin", adminPeriodSchema],
  ["reviewer", reviewerPeriodSchema],
  ["*", periodSchema],
] as const;

/** The same answer, seen through each role's view of its items. */
const pagesOf = (views: readonly (readonly [Role | "*", z.ZodType])[]) =>
  views.map(([role, item]) => [role, pageOf(item)] as const);

const submissionAnswer = { responses: { 200: submissionSchema }, params: unit } as const;

export const CONTRACT = {
  "POST /api/frameworks": {
    summary: "Import a framework (index set); 422 lists every problem, 409 when the id exists",
    body: frameworkSchema,
    responses: { 201: frameworkViewSchema },
  },
  "GET /api/frameworks": {
    summary: "List frameworks",
    query: paging,
    responses: { 200: pageOf(frameworkSummarySchema) },
  },
  "GET /api/frameworks/{frameworkId}": {
    summary: "Read a framework",
    params: pathParameters("frameworkId"),
    responses: { 200: frameworkViewSchema },
  },
  "PUT /api/units": {
    summary: "Create or update units by id",
    body: unitsBodySchema,
    responses: { 200: upsertCountsSchema },
  },
  "GET /api/units": {
    summary: "List units (the reminder e-mail address only to admins)",
    query: paging,
    responses: { 200: pageOf(adminUnitSchema) },
    views: pagesOf([
      ["admin", adminUnitSchema],
      ["*", unitViewSchema],
    ]),
  },
  "POST /api/reforms": {
    summary: "Apply a reorganisation: new units from the effective date, the old ones end the day before",
    body: reformBodySchema,
    responses: { 200: reformResultSchema },
  },
  "POST /api/users": {
    summary: "Create a user; a unit role needs unitId",
    body: createUserSchema,
    responses: { 201: userSummarySchema },
  },
  "GET /api/users": {
    summary: "List accounts by user name, filtered by part of the name, a unit, a role or the state",
    query: paging.extend(listUsersQuerySchema.shape),
    responses: { 200: pageOf(userViewSchema) },
  },
  "GET /api/users/{username}": {
    summary: "Read an account: roles, unit, reviewer scope, state",
    params: pathParameters("username"),
    responses: { 200: userViewSchema },
  },
  "PATCH /api/users/{username}": {
    summary: "Change an account's roles, unit, reviewer scope or state; 409 own-account for one's own",
    params: pathParameters("username"),
    body: updateUserSchema,
    responses: { 200: userViewSchema },
  },
  "PUT /api/users/{username}/password": {
    summary: "Set a new permanent password",
    params: pathParameters("username"),
    body: passwordBodySchema,
    responses: { 204: null },
  },
  "POST /api/periods": {
    summary: "Create a period in draft",
    body: createPeriodSchema,
    responses: { 201: adminPeriodSchema },
  },
  "GET /api/periods": {
    summary: "List periods, newest deadline first",
    query: paging.extend({ state: z.enum(PERIOD_STATES).optional() }),
    responses: { 200: pageOf(adminPeriodSchema) },
    views: pagesOf(periodViews),
  },
  "GET /api/periods/{periodId}": {
    summary: "Read a period: its state, counts and job",
    params: period,
    responses: { 200: adminPeriodSchema },
    views: periodViews,
  },
  "PATCH /api/periods/{periodId}": {
    summary: "Rename a period or move its deadlines",
    params: period,
    body: patchPeriodSchema,
    responses: { 200: adminPeriodSchema },
  },
  "PUT /api/periods/{periodId}/units/{unitId}/deadline": {
    summary: "Extend one unit's self-assessment deadline",
    params: unit,
    body: unitDeadlineBodySchema,
    responses: { 200: unitDeadlineSchema },
  },
  "POST /api/periods/{periodId}/transitions": {
    summary: "Move a period; 202 when the move started a job (the period carries its progress)",
    params: period,
    body: transitionSchema,
    responses: { 200: adminPeriodSchema, 202: adminPeriodSchema },
  },
  "POST /api/periods/{periodId}/restatements": {
    summary:
      "Publish the period's latest version again, restated on the units valid on a day (201; 200 when already done)",
    params: period,
    body: restatementBodySchema,
    responses: { 200: restatementSchema, 201: restatementSchema },
  },
  "GET /api/periods/{periodId}/submissions": {
    summary: "Every unit's state and self-assessed points and index",
    params: period,
    query: paging.extend({
      groupId: z.string().optional(),
      state: z.enum(["draft", "submitted", "locked"]).optional(),
      submitted: z.enum(["true", "false"]).optional(),
    }),
    responses: { 200: pageOf(submissionRowSchema) },
  },
  "GET /api/periods/{periodId}/units/{unitId}/submission": {
    ...submissionAnswer,
    summary: "Read a unit's submission with its live score preview; the ETag is its version",
  },
  "PATCH /api/periods/{periodId}/units/{unitId}/answers": {
    ...submissionAnswer,
    summary: "Save answers while the submission is editable",
    body: answersBodySchema,
    ifMatch: true,
  },
  "POST /api/periods/{periodId}/units/{unitId}/carry-over": {
    ...submissionAnswer,
    summary: "Start a draft from the unit's last submission: answers marked carried until confirmed",
  },
  "POST /api/periods/{periodId}/units/{unitId}/submit": {
    ...submissionAnswer,
    summary: "Submit: draft → submitted",
    ifMatch: true,
  },
  "POST /api/periods/{periodId}/units/{unitId}/withdraw": {
    ...submissionAnswer,
    summary: "Withdraw: submitted → draft, only while open",
    ifMatch: true,
  },
  "POST /api/periods/{periodId}/units/{unitId}/evidence": {
    summary: "Add evidence: a file (answered with a presigned upload) or a link",
    params: unit,
    body: evidenceRequestSchema,
    responses: { 201: evidenceAddedSchema },
  },
  "POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/confirm": {
    summary: "Confirm an uploaded file: its size, type and checksum are checked",
    params: evidence,
    responses: { 200: evidenceAnswerSchema },
  },
  "POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/parts": {
    summary: "Resumable upload of a large file: start or resume it, sign PUT URLs for parts",
    params: evidence,
    body: partsRequestSchema,
    responses: { 200: partsAnswerSchema },
  },
  "POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/complete": {
    summary: "Finish a resumable upload from the parts storage has (confirm follows)",
    params: evidence,
    body: completeRequestSchema,
    responses: { 200: completedSchema },
  },
  "GET /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/download": {
    summary: "A short-lived link to read the evidence (inline=true: a PDF or image shown in the page)",
    params: evidence,
    query: z.object({ inline: z.enum(["true", "false"]).optional() }),
    responses: { 200: downloadSchema },
  },
  "PATCH /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}": {
    summary: "Link evidence to other indicators",
    params: evidence,
    body: relinkEvidenceSchema,
    responses: { 200: evidenceAnswerSchema },
  },
  "DELETE /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}": {
    summary: "Remove evidence while the submission is editable",
    params: evidence,
    responses: { 204: null },
  },
  "PUT /api/periods/{periodId}/units/{unitId}/appraisals/{code}": {
    summary: "Appraise a leaf: accept the unit's value or set another with a reason",
    params: leaf,
    body: appraisalBodySchema,
    responses: { 200: appraisalSchema },
  },
  "POST /api/periods/{periodId}/units/{unitId}/supplement": {
    summary: "Reopen chosen leaves of a unit until a date, during appraisal",
    params: unit,
    body: supplementBodySchema,
    responses: { 201: supplementSchema },
  },
  "POST /api/periods/{periodId}/units/{unitId}/contests/{code}": {
    summary: "Contest an appraisal, in the explanation round",
    params: leaf,
    body: contestBodySchema,
    responses: { 201: contestSchema },
  },
  "PUT /api/periods/{periodId}/units/{unitId}/contests/{code}": {
    summary: "Decide a contest: upheld or changed",
    params: leaf,
    body: decisionBodySchema,
    responses: { 200: contestDecidedSchema },
  },
  "GET /api/periods/{periodId}/results": {
    summary: "Results with the per-leaf ledger; a unit user reads only its own unit",
    params: period,
    query: paging.extend({ unitId: z.string().optional(), groupId: z.string().optional() }),
    responses: { 200: resultsPageSchema },
  },
  "GET /api/periods/{periodId}/export": {
    summary: "The scoring bundle, to recompute the ranking with the score CLI",
    params: period,
    query: z.strictObject({ stage: z.enum(["provisional", "final"]).optional() }),
    responses: { 200: scoringBundleSchema },
  },
  "GET /api/audit": {
    summary: "Audit records, newest first: by entity, or by days filtered by actor, action, period, unit",
    query: paging.extend(auditQuerySchema.shape),
    responses: { 200: pageOf(auditRecordSchema) },
  },
  "POST /api/sources": {
    summary: "Register a data source; its secret is in this answer only (409 when the id exists)",
    body: createSourceSchema,
    responses: { 201: createdSourceSchema },
  },
  "GET /api/sources": {
    summary: "List data sources (never their secrets)",
    query: paging,
    responses: { 200: pageOf(sourceViewSchema) },
  },
  "DELETE /api/sources/{sourceId}": {
    summary: "Revoke a data source: its pushes get 401 from now on; its stored values stay",
    params: pathParameters("sourceId"),
    responses: { 204: null },
  },
  "PUT /api/periods/{periodId}/measurements": {
    summary:
      "A data source pushes measured values (Authorization: Bearer <its secret>); per value: stored, unchanged, stale or refused",
    params: period,
    body: pushBodySchema,
    responses: { 200: pushAnswerSchema },
  },
  "POST /api/periods/{periodId}/measurement-imports": {
    summary:
      "The organiser imports measured values from a file (rows by unit code): all rows or none; per row stored, unchanged or stale",
    params: period,
    body: importBodySchema,
    responses: { 200: importAnswerSchema },
  },
} as const satisfies Record<RouteKey, RouteContract>;

export const contractOf = (key: string): RouteContract | undefined =>
  (CONTRACT as Record<string, RouteContract>)[key];

/** The schema an answer of `status` must match for a caller with these roles; undefined: not documented. */
export function responseSchema(
  key: string,
  status: number,
  roles: readonly Role[],
): z.ZodType | null | undefined {
  const entry = contractOf(key);
  if (!entry) return undefined;
  const view =
    status === 200 ? entry.views?.find(([role]) => role === "*" || roles.includes(role)) : undefined;
  return view ? view[1] : entry.responses[status];
}
