import { createHash, randomUUID } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import * as z from "zod";
import { canEditUnit } from "../access/roles.ts";
import { conflict, forbidden, notFound, Refusal, unprocessable } from "../errors.ts";
import { assertExplanationOpen, assertReopened, writeWindow } from "../lifecycle.ts";
import {
  EVIDENCE_TYPES,
  type Evidence,
  evidenceRequestSchema,
  MAX_EVIDENCE_PER_SUBMISSION,
  relinkEvidenceSchema,
} from "../model/evidence.ts";
import type { Issue } from "../model/issues.ts";
import { INLINE_EVIDENCE_TYPES } from "../model/limits.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import type { StoredSubmission } from "./ports.ts";
import { bumped, entityOf, type OwnWindow, writeOwnChange } from "./submissions.ts";
import { openUnit, type UnitScope, withSubmission } from "./unit-scope.ts";
import { parseBody, parseQuery } from "./validate.ts";

/**
 * Evidence (DOMAIN.md §4): a file goes browser → storage by a short-lived presigned POST limited
 * to one upload key, its declared type and size; confirm then reads the uploaded bytes once, checks size
 * and sniffed type, and writes those same bytes to a key named by their sha256 that no form targets, so
 * what a reviewer downloads is what was hashed, whatever is posted later. An upload that is not what was
 * declared is removed. A URL is confirmed at once. In the explanation round a unit adds new evidence
 * for its contests (marked `round: "explanation"`): it never counts for the self-assessment score.
 */
export async function addEvidence(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  body: unknown,
) {
  const scope = await editableScope(ports, ctx, periodId, unitId);
  const request = parseBody(evidenceRequestSchema, body, "evidence");
  const kind = "url" in request ? "url" : "file";
  checkCodes(scope, request.indicatorCodes, kind);
  if ("contentType" in request) checkFile(ports, request);
  const id = randomUUID();
  const time = ctx.now.toISOString();
  const round = scope.period.state === "explanation" ? { round: "explanation" as const } : {};
  const evidence: Evidence =
    "url" in request
      ? {
          id,
          kind,
          status: "confirmed",
          indicatorCodes: request.indicatorCodes,
          url: request.url,
          ...(request.title ? { title: request.title } : {}),
          createdAt: time,
          createdBy: ctx.actor.username,
          confirmedAt: time,
          ...round,
        }
      : {
          id,
          kind,
          status: "pending",
          indicatorCodes: request.indicatorCodes,
          fileName: request.fileName,
          contentType: request.contentType,
          size: request.size,
          key: uploadKey(periodId, unitId, id),
          createdAt: time,
          createdBy: ctx.actor.username,
          ...round,
        };
  const result = await writeEvidence(ports, ctx, scope, "evidence.add", (stored) => {
    if (stored.evidence.length >= MAX_EVIDENCE_PER_SUBMISSION)
      throw unprocessable(
        "too-much-evidence",
        `a submission holds at most ${MAX_EVIDENCE_PER_SUBMISSION} evidence items`,
      );
    return { evidence: [...stored.evidence, evidence], changed: evidence, before: undefined };
  });
  const upload =
    evidence.kind === "file" && evidence.key && evidence.contentType && evidence.size
      ? await ports.evidenceFiles.presignUpload(evidence.key, evidence.contentType, evidence.size)
      : undefined;
  return { evidence: result, ...(upload ? { upload } : {}) };
}

/** An action on one evidence item of a unit's submission. */
type EvidenceAction = (
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  evidenceId: string,
) => Promise<unknown>;

export const confirmEvidence = (async (ports, ctx, periodId, unitId, evidenceId) => {
  const scope = await editableScope(ports, ctx, periodId, unitId);
  const stored = await ports.submissions.load(scope.period.id, scope.unitId, scope.groupId);
  const current = evidenceIn(stored, evidenceId);
  if (current.kind === "url" || current.status === "confirmed") return { evidence: current };
  // A write the submission refuses anyway should not leave a kept file behind.
  assertMayChange(ownWindow(scope, stored.head, ctx.now), stored.head, current);
  // A pending record's key is its upload's (one made before confirmed files had their own keys too).
  const upload = current.key as string;
  // Read once: the checks, the hash and the kept file all come from these bytes, whatever is posted later.
  const bytes = await ports.evidenceFiles.read(upload);
  const problem = bytes ? await fileProblem(current, bytes) : undefined;
  if (!bytes || problem) {
    // A concurrent confirm may have kept the file and removed the upload meanwhile.
    const latest = await findEvidence(ports, scope, evidenceId);
    if (latest.status === "confirmed") return { evidence: latest };
  }
  if (!bytes)
    throw unprocessable(
      "upload-missing",
      "nothing has been uploaded for this evidence yet; upload, then confirm",
    );
  if (problem) {
    await ports.evidenceFiles.remove(upload);
    throw unprocessable("upload-rejected", `${problem}; the uploaded file was removed`, [
      { path: "file", message: problem },
    ]);
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  // Named by its hash: a retry after a crash, or a concurrent confirm of other bytes, can never make
  // a record's key hold bytes other than the ones its sha256 was computed from.
  const key = confirmedKey(periodId, unitId, evidenceId, sha256);
  await ports.evidenceFiles.keep(key, bytes, current.contentType as string);
  const confirmed: Evidence = {
    ...current,
    status: "confirmed",
    sha256,
    size: bytes.byteLength,
    key,
    confirmedAt: ctx.now.toISOString(),
  };
  let duplicateOf: Evidence | undefined;
  let gone = false;
  let evidence: Evidence | undefined;
  try {
    evidence = await writeEvidence(ports, ctx, scope, "evidence.confirm", (stored) => {
      const before = stored.evidence.find((e) => e.id === evidenceId);
      if (!before) {
        gone = true;
        throw notFound(`evidence "${evidenceId}"`);
      }
      // A concurrent confirm won: its record stands, and its key holds the bytes it hashed.
      if (before.status === "confirmed") return { unchanged: before };
      duplicateOf = stored.evidence.find((e) => e.id !== evidenceId && e.sha256 === sha256);
      return {
        evidence: stored.evidence.map((e) => (e.id === evidenceId ? confirmed : e)),
        changed: confirmed,
        before,
      };
    });
  } catch (error) {
    // Removed meanwhile (ids are never reused): no record can ever point at the kept file. On any
    // other failure it stays, since a concurrent confirm of the same bytes may be recording this key.
    if (gone) await ports.evidenceFiles.remove(key);
    throw error;
  }
  // A confirmed record never changes its key again, so a file the winner did not record is garbage.
  if (evidence?.key !== key) await ports.evidenceFiles.remove(key);
  // Only once the record points at the kept file is the upload garbage; a crash before this line
  // leaves it for a retried confirm to converge on.
  await ports.evidenceFiles.remove(upload);
  // The same bytes already back this submission: worth telling, not refusing (one file may serve many leaves).
  return { evidence, ...(duplicateOf ? { duplicateOf: duplicateOf.id } : {}) };
}) satisfies EvidenceAction;

export async function relinkEvidence(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  evidenceId: string,
  body: unknown,
) {
  const scope = await editableScope(ports, ctx, periodId, unitId);
  const { indicatorCodes } = parseBody(relinkEvidenceSchema, body, "evidence links");
  const evidence = await writeEvidence(ports, ctx, scope, "evidence.relink", (stored) => {
    const before = stored.evidence.find((e) => e.id === evidenceId);
    if (!before) throw notFound(`evidence "${evidenceId}"`);
    checkCodes(scope, indicatorCodes, before.kind);
    const changed = { ...before, indicatorCodes };
    return { evidence: stored.evidence.map((e) => (e.id === evidenceId ? changed : e)), changed, before };
  });
  return { evidence };
}

export const removeEvidence = (async (ports, ctx, periodId, unitId, evidenceId) => {
  const scope = await editableScope(ports, ctx, periodId, unitId);
  let removed: Evidence | undefined;
  await writeEvidence(ports, ctx, scope, "evidence.remove", (stored) => {
    removed = stored.evidence.find((e) => e.id === evidenceId);
    if (!removed) throw notFound(`evidence "${evidenceId}"`);
    return {
      evidence: stored.evidence.filter((e) => e.id !== evidenceId),
      changed: undefined,
      before: removed,
      remove: evidenceId,
    };
  });
  if (removed?.key) await ports.evidenceFiles.remove(removed.key);
}) satisfies EvidenceAction;

const downloadQuerySchema = z.object({
  inline: z.enum(["true", "false"], { error: "true or false" }).optional(),
});

/**
 * A short-lived link to read a file (the unit, reviewers, admins): served as an attachment, or, when
 * `?inline=true` asks for a PDF or an image, to be shown in the page (other types still download).
 */
export async function evidenceDownload(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  evidenceId: string,
  query: Record<string, string | undefined> = {},
): Promise<{ url: string }> {
  const inline = parseQuery(downloadQuerySchema, query).inline === "true";
  const scope = await openUnit(ports, ctx, periodId, unitId);
  const evidence = await findEvidence(ports, scope, evidenceId);
  if (evidence.kind === "url") return { url: evidence.url as string };
  if (evidence.status !== "confirmed")
    throw new Refusal("conflict", "not-confirmed", "the file has not been confirmed yet");
  return {
    url: await ports.evidenceFiles.presignDownload(
      evidence.key as string,
      evidence.fileName as string,
      evidence.contentType as string,
      inline && INLINE_EVIDENCE_TYPES.has(evidence.contentType as string),
    ),
  };
}

export async function editableScope(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
): Promise<UnitScope> {
  const scope = await openUnit(ports, ctx, periodId, unitId);
  if (!canEditUnit(ctx.actor, unitId))
    throw forbidden("only the unit's editors and approver manage its evidence");
  return scope;
}

/** The only key an upload form is ever signed for. */
const uploadKey = (periodId: string, unitId: string, id: string) =>
  `evidence/uploads/${periodId}/${unitId}/${id}`;

/** Where confirmed bytes live, named by their hash; no form ever targets it. */
export const confirmedKey = (periodId: string, unitId: string, id: string, sha256: string) =>
  `evidence/files/${periodId}/${unitId}/${id}/${sha256}`;

async function findEvidence(ports: Ports, scope: UnitScope, evidenceId: string): Promise<Evidence> {
  return evidenceIn(await ports.submissions.load(scope.period.id, scope.unitId, scope.groupId), evidenceId);
}

export function evidenceIn(stored: StoredSubmission, evidenceId: string): Evidence {
  const evidence = stored.evidence.find((e) => e.id === evidenceId);
  if (!evidence) throw notFound(`evidence "${evidenceId}"`);
  return evidence;
}

function checkCodes(scope: UnitScope, codes: readonly string[], kind: "file" | "url"): void {
  const issues: Issue[] = [];
  codes.forEach((code, i) => {
    const leaf = scope.leaves.get(code);
    if (!leaf)
      issues.push({
        path: `indicatorCodes.${i}`,
        message: `"${code}" is not an indicator of this unit's index set`,
      });
    else if (!leaf.evidence.kinds.includes(kind))
      issues.push({
        path: `indicatorCodes.${i}`,
        message: `${code} accepts ${leaf.evidence.kinds.join(" or ")} evidence, not ${kind}`,
      });
  });
  if (new Set(codes).size !== codes.length) issues.push({ path: "indicatorCodes", message: "codes repeat" });
  if (issues.length > 0)
    throw unprocessable("invalid-indicators", "the evidence's indicators are not valid", issues);
}

function checkFile(ports: Ports, request: { fileName: string; contentType: string; size: number }): void {
  const type = EVIDENCE_TYPES[request.contentType];
  if (!type)
    throw new Refusal(
      "unsupported-type",
      "type-not-allowed",
      `files of type ${request.contentType} are not accepted`,
      [
        {
          path: "contentType",
          message: `accepted: ${Object.values(EVIDENCE_TYPES)
            .map((t) => t.label)
            .join(", ")}`,
        },
      ],
    );
  const extension = request.fileName.toLowerCase().split(".").pop() ?? "";
  if (!type.extensions.includes(extension))
    throw new Refusal(
      "unsupported-type",
      "extension-mismatch",
      `a ${type.label} file should end in .${type.extensions.join(" or .")}`,
      [{ path: "fileName", message: `expected .${type.extensions.join(" or .")}` }],
    );
  const max = ports.settings.maxEvidenceBytes;
  if (request.size > max)
    throw new Refusal(
      "too-large",
      "file-too-large",
      `a file may be at most ${Math.floor(max / 1024 / 1024)} MB`,
      [{ path: "size", message: `at most ${max} bytes` }],
    );
}

async function fileProblem(evidence: Evidence, bytes: Uint8Array): Promise<string | undefined> {
  if (bytes.byteLength !== evidence.size)
    return `the file has ${bytes.byteLength} bytes, not the ${evidence.size} declared`;
  const sniffed = await fileTypeFromBuffer(bytes);
  if (!sameType(sniffed?.mime, evidence.contentType))
    return `the file's content is ${sniffed ? sniffed.mime : "not a recognised document"}, not ${evidence.contentType}`;
  return undefined;
}

/** HEIC and HEIF are one format: a phone's ".heic" often sniffs as image/heif (brand mif1). */
const sameType = (sniffed: string | undefined, declared: string | undefined) =>
  sniffed === declared || (!!sniffed && HEIF.has(sniffed) && !!declared && HEIF.has(declared));
const HEIF = new Set(["image/heic", "image/heif"]);

/**
 * Where a unit's evidence write lands: the self-assessment or its supplement (lifecycle.ts), or — in
 * the explanation round, until it closes — the contest evidence (DOMAIN.md §6.5).
 */
function ownWindow(scope: UnitScope, head: StoredSubmission["head"], now: Date): OwnWindow {
  const { period } = scope;
  if (period.state !== "explanation") return writeWindow(period, head, now);
  assertExplanationOpen(period, now);
  return "contest";
}

/** A supplement changes only its reopened leaves; the explanation round only its own new evidence. */
function assertMayChange(
  window: OwnWindow,
  head: StoredSubmission["head"],
  ...items: (Evidence | undefined)[]
): void {
  if (window === "contest") {
    if (items.some((e) => e && e.round !== "explanation"))
      throw conflict(
        "evidence-locked",
        "evidence of the self-assessment cannot change in the explanation round; add new evidence for the contest",
      );
    return;
  }
  assertReopened(
    window,
    head,
    items.flatMap((e) => e?.indicatorCodes ?? []),
  );
}

/** Whether the caller may write to these items now (add, confirm, upload parts): the window's rule. */
export function assertEvidenceWritable(
  scope: UnitScope,
  head: StoredSubmission["head"],
  now: Date,
  ...items: (Evidence | undefined)[]
): void {
  assertMayChange(ownWindow(scope, head, now), head, ...items);
}

/** The new evidence list, or `unchanged` when there is nothing to write (the item as it stands). */
type EvidenceChange = (stored: StoredSubmission) =>
  | {
      evidence: Evidence[];
      changed: Evidence | undefined;
      before: Evidence | undefined;
      remove?: string;
    }
  | { unchanged: Evidence };

/** One evidence change with its audit record and the new self-score, as one write of the submission. */
async function writeEvidence(
  ports: Ports,
  ctx: RequestContext,
  scope: UnitScope,
  action: string,
  change: EvidenceChange,
) {
  return withSubmission(ports, ctx, scope, undefined, async (stored, version) => {
    const window = ownWindow(scope, stored.head, ctx.now);
    const result = change(stored);
    if ("unchanged" in result) return result.unchanged;
    const { evidence, changed, before, remove } = result;
    assertMayChange(window, stored.head, before, changed);
    const time = ctx.now.toISOString();
    const updated = bumped(stored, version, time, { evidence });
    await writeOwnChange(ports, ctx, { scope, stored, version, window }, updated, {
      evidence: changed ? [changed] : [],
      removeEvidence: remove ? [remove] : [],
      audit: [auditEntry(ctx, entityOf(scope), action, before, changed)],
    });
    return changed;
  });
}
