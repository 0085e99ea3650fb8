import type { Actor } from "../access/roles.ts";
import type { JobKind } from "../model/period.ts";
import type {
  AppraisalStore,
  AuditEntry,
  AuditLog,
  FrameworkStore,
  MeasurementStore,
  PeriodStore,
  SourceStore,
  SubmissionStore,
  UnitStore,
} from "./ports.ts";

/** Who asks, under which request id, at what time (the server's clock decides deadlines). */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  now: Date;
}

/** A part S3 has: its number, ETag and size. */
export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** The multipart operations of the evidence bucket, all on an upload key: a large file in resumable parts. */
export interface MultipartUploads {
  startMultipart(key: string, contentType: string): Promise<string>;
  presignPart(key: string, uploadId: string, partNumber: number): Promise<string>;
  /** The parts S3 has, by number; undefined when there is no such upload for this key. */
  listParts(key: string, uploadId: string): Promise<StoredPart[] | undefined>;
  completeMultipart(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
  ): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
}

/** Evidence file storage (S3 in the cloud, s3rver locally). */
export interface EvidenceFiles extends MultipartUploads {
  presignUpload(
    key: string,
    contentType: string,
    size: number,
  ): Promise<{ url: string; fields: Record<string, string> }>;
  /** The object's bytes, or undefined when nothing was uploaded. */
  read(key: string): Promise<Uint8Array | undefined>;
  /** Writes exactly these bytes under a key no upload form targets (a confirmed file). */
  keep(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /**
   * Copies a kept file to another key inside the storage (carried evidence: no bytes pass through);
   * false when `from` holds nothing.
   */
  copy(from: string, to: string): Promise<boolean>;
  remove(key: string): Promise<void>;
  /** A short-lived GET, served as an attachment, or `inline` (shown in the page: a PDF or an image). */
  presignDownload(key: string, fileName: string, contentType: string, inline?: boolean): Promise<string>;
}

/** The user pool (Cognito). */
export interface UserDirectory {
  create(user: {
    username: string;
    password: string;
    roles: string[];
    unitId?: string | undefined;
    scope?: { groups?: string[] | undefined; nodes?: string[] | undefined } | undefined;
  }): Promise<void>;
  /** Every account with its roles (the pool is small: a few hundred accounts). */
  list(): Promise<DirectoryUser[]>;
  get(username: string): Promise<DirectoryUser | undefined>;
  /** Sets custom attributes by name without "custom:" (unitId, scopeGroups, scopeNodes); "" clears one. */
  setAttributes(username: string, attributes: Record<string, string>): Promise<void>;
  setRoles(username: string, add: readonly string[], remove: readonly string[]): Promise<void>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  setPassword(username: string, password: string, permanent: boolean): Promise<void>;
}

/** An account as the pool holds it. */
export interface DirectoryUser {
  username: string;
  roles: string[];
  /** The custom attributes by name without "custom:" (unitId, scopeGroups, scopeNodes). */
  attributes: Record<string, string>;
  enabled: boolean;
  /** Cognito's UserStatus: CONFIRMED, FORCE_CHANGE_PASSWORD, … */
  status: string;
  createdAt?: string | undefined;
}

/** Published open data (the site bucket's public/ prefix; CloudFront in front in the cloud). */
export interface PublishedFiles {
  put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    cache: "immutable" | "pointer",
    /** The name a browser saves it under (Content-Disposition: attachment); none for index.json. */
    downloadName?: string,
  ): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** Drops cached copies of moving files (the pointers); nothing to do without a CDN. */
  invalidate(keys: string[]): Promise<void>;
}

/** Arms the one-time close of a period at its deadline (EventBridge Scheduler, or a local timer). */
export interface CloseScheduler {
  arm(periodId: string, closesAt: string): Promise<void>;
  disarm(periodId: string): Promise<void>;
}

/**
 * Starts a period's job (close, final scoring, publication) in the background: an asynchronous
 * invocation of the job function in the cloud, the same handler module in-process on one machine.
 * Jobs are idempotent and resumable, so a job started twice, or started again after it died, is safe.
 */
export interface JobQueue {
  enqueue(job: { periodId: string; kind: JobKind }): Promise<void>;
}

/** Deadline reminders (SES in the cloud; locally a log line and a file in an outbox folder). */
export interface Mailer {
  send(message: { to: string[]; unitId: string; subject: string; text: string }): Promise<void>;
}

/** Everything the services reach outside themselves (the stores are declared in ports.ts). */
export interface Ports {
  frameworks: FrameworkStore;
  units: UnitStore;
  periods: PeriodStore;
  submissions: SubmissionStore;
  appraisals: AppraisalStore;
  audit: AuditLog;
  sources: SourceStore;
  measurements: MeasurementStore;
  evidenceFiles: EvidenceFiles;
  users: UserDirectory;
  published: PublishedFiles;
  scheduler: CloseScheduler;
  jobs: JobQueue;
  mailer: Mailer;
  settings: { maxEvidenceBytes: number; reminderDays: number[] };
}

/** Audit records made so far per request, so each gets the next sequence number. */
const recorded = new WeakMap<RequestContext, number>();

export function auditEntry(
  ctx: RequestContext,
  entity: string,
  action: string,
  before?: unknown,
  after?: unknown,
): AuditEntry {
  return {
    entity,
    action,
    actor: ctx.actor.username,
    requestId: ctx.requestId,
    time: ctx.now.toISOString(),
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
    seq: nextSeq(ctx),
  };
}

function nextSeq(ctx: RequestContext): number {
  const seq = recorded.get(ctx) ?? 0;
  recorded.set(ctx, seq + 1);
  return seq;
}
