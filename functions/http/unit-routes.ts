import type { Evidence } from "../../shared/model/evidence.ts";
import type { Ports, RequestContext } from "../../shared/services/context.ts";
import { parseIfMatch } from "../../shared/services/unit-scope.ts";
import { evidenceFor } from "../../shared/services/views.ts";
import { adapters } from "./adapters.ts";
import { type ApiReply, type ApiRequest, apiHandler } from "./api.ts";

/**
 * The routes under /api/periods/{periodId}/units/{unitId}: each calls one service with the adapters,
 * the caller and the route's ids, and answers with what it returns, evidence without its storage key.
 */
type Ids = [periodId: string, unitId: string];
const idsOf = (params: ApiRequest["params"]): Ids => [params.periodId as string, params.unitId as string];

/** A submission (its view carries no storage keys) with its version as the ETag, for the next If-Match. */
export const submissionReply = (submission: { version: number }): ApiReply => ({
  body: submission,
  headers: { etag: `"${submission.version}"` },
});

/** A move of the whole submission (submit, withdraw), conditional on the If-Match version. */
export const submissionMove = (
  move: (
    ports: Ports,
    ctx: RequestContext,
    ...ids: [...Ids, ifMatch?: number]
  ) => Promise<{ version: number }>,
) =>
  apiHandler(async ({ ctx, params, headers }) =>
    submissionReply(await move(adapters(), ctx, ...idsOf(params), parseIfMatch(headers["if-match"]))),
  );

/** An appraisal-round action on one leaf (appraise, contest, decide), with the request body. */
export const leafAction = (
  action: (
    ports: Ports,
    ctx: RequestContext,
    ...args: [...Ids, code: string, body: unknown]
  ) => Promise<unknown>,
  status = 200,
) =>
  apiHandler(async ({ ctx, params, body }) => ({
    status,
    body: await action(adapters(), ctx, ...idsOf(params), params.code as string, body),
  }));

/** An action on one evidence item (confirm, relink), answered with the item without its key. */
export const evidenceAction = (
  action: (
    ports: Ports,
    ctx: RequestContext,
    ...args: [...Ids, evidenceId: string, body: unknown]
  ) => Promise<{ evidence: Evidence | undefined }>,
) =>
  apiHandler(async ({ ctx, params, body }) => {
    const answer = await action(adapters(), ctx, ...idsOf(params), params.evidenceId as string, body);
    return { body: { ...answer, evidence: evidenceFor(answer.evidence) } };
  });
