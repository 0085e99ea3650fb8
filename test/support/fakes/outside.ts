import type { JobKind } from "../../../shared/model/period.ts";
import type {
  CloseScheduler,
  DirectoryUser,
  EvidenceFiles,
  JobQueue,
  Mailer,
  PublishedFiles,
  UserDirectory,
} from "../../../shared/services/context.ts";

const bytesOf = (body: Uint8Array | string) =>
  typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body);

/** An evidence bucket in memory: a test "uploads" with `upload`, as a browser posts the signed form. */
export class MemoryEvidenceFiles implements EvidenceFiles {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
  readonly signed: { key: string; contentType: string; size: number }[] = [];

  async presignUpload(key: string, contentType: string, size: number) {
    this.signed.push({ key, contentType, size });
    return { url: "memory://evidence", fields: { key, "Content-Type": contentType } };
  }

  upload(key: string, bytes: Uint8Array, contentType = "application/octet-stream"): void {
    this.objects.set(key, { bytes: new Uint8Array(bytes), contentType });
  }

  async read(key: string) {
    const found = this.objects.get(key);
    return found ? new Uint8Array(found.bytes) : undefined;
  }

  async keep(key: string, bytes: Uint8Array, contentType: string) {
    this.upload(key, bytes, contentType);
  }

  async copy(from: string, to: string) {
    const found = this.objects.get(from);
    if (!found) return false;
    this.objects.set(to, { bytes: new Uint8Array(found.bytes), contentType: found.contentType });
    return true;
  }

  async remove(key: string) {
    this.objects.delete(key);
  }

  async presignDownload(key: string, fileName: string) {
    return `memory://evidence/${key}?name=${encodeURIComponent(fileName)}`;
  }

  /** Multipart uploads by id: a test "sends" a part with `uploadPart`, as a browser PUTs it. */
  readonly multipart = new Map<
    string,
    { key: string; contentType: string; parts: Map<number, Uint8Array> }
  >();

  async startMultipart(key: string, contentType: string) {
    const id = `upload-${this.multipart.size + 1}`;
    this.multipart.set(id, { key, contentType, parts: new Map() });
    return id;
  }

  async presignPart(key: string, uploadId: string, partNumber: number) {
    return `memory://evidence/${key}?uploadId=${uploadId}&partNumber=${partNumber}`;
  }

  uploadPart(uploadId: string, partNumber: number, bytes: Uint8Array): void {
    this.multipart.get(uploadId)?.parts.set(partNumber, new Uint8Array(bytes));
  }

  async listParts(key: string, uploadId: string) {
    const upload = this.multipart.get(uploadId);
    if (!upload || upload.key !== key) return undefined;
    return [...upload.parts]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, bytes]) => ({ partNumber, etag: `"${partNumber}"`, size: bytes.length }));
  }

  async completeMultipart(key: string, uploadId: string, parts: readonly { partNumber: number }[]) {
    const upload = this.multipart.get(uploadId);
    if (!upload || upload.key !== key) throw new Error("NoSuchUpload");
    const chunks = parts.map((p) => upload.parts.get(p.partNumber) ?? new Uint8Array());
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    this.upload(key, bytes, upload.contentType);
    this.multipart.delete(uploadId);
  }

  async abortMultipart(_key: string, uploadId: string) {
    this.multipart.delete(uploadId);
  }
}

/** The public files in memory, with what was invalidated. */
export class MemoryPublishedFiles implements PublishedFiles {
  readonly files = new Map<
    string,
    { body: Uint8Array; contentType: string; cache: string; downloadName?: string | undefined }
  >();
  readonly invalidated: string[] = [];

  async put(
    key: string,
    body: Uint8Array | string,
    contentType: string,
    cache: "immutable" | "pointer",
    downloadName?: string,
  ) {
    this.files.set(key, { body: bytesOf(body), contentType, cache, downloadName });
  }

  async get(key: string) {
    const found = this.files.get(key);
    return found ? new Uint8Array(found.body) : undefined;
  }

  async invalidate(keys: string[]) {
    this.invalidated.push(...keys);
  }

  /** A file as text (JSON, CSV), or undefined. */
  text(key: string): string | undefined {
    const found = this.files.get(key);
    return found ? new TextDecoder().decode(found.body) : undefined;
  }
}

/** A user pool that keeps whom it was asked to create; a name taken twice is refused as Cognito does. */
export class MemoryUserDirectory implements UserDirectory {
  readonly users: Parameters<UserDirectory["create"]>[0][] = [];

  /** The state the account calls change (unit tests read create's arguments from `users`). */
  readonly state = new Map<string, DirectoryUser>();

  async create(user: Parameters<UserDirectory["create"]>[0]) {
    if (this.users.some((u) => u.username === user.username)) throw new Error(`user ${user.username} exists`);
    this.users.push(structuredClone(user));
    const attributes: Record<string, string> = {
      ...(user.unitId ? { unitId: user.unitId } : {}),
      ...(user.scope?.groups ? { scopeGroups: user.scope.groups.join(",") } : {}),
      ...(user.scope?.nodes ? { scopeNodes: user.scope.nodes.join(",") } : {}),
    };
    this.state.set(user.username, {
      username: user.username,
      roles: [...user.roles],
      attributes,
      enabled: true,
      status: "CONFIRMED",
    });
  }

  async list() {
    return [...this.state.values()].map((u) => structuredClone(u));
  }

  async get(username: string) {
    const found = this.state.get(username);
    return found ? structuredClone(found) : undefined;
  }

  private must(username: string): DirectoryUser {
    const found = this.state.get(username);
    if (!found) throw new Error(`no user ${username}`);
    return found;
  }

  async setAttributes(username: string, attributes: Record<string, string>) {
    const user = this.must(username);
    for (const [name, value] of Object.entries(attributes))
      if (value) user.attributes[name] = value;
      else delete user.attributes[name];
  }

  async setRoles(username: string, add: readonly string[], remove: readonly string[]) {
    const user = this.must(username);
    user.roles = [...new Set([...user.roles, ...add])].filter((r) => !remove.includes(r));
  }

  async setEnabled(username: string, enabled: boolean) {
    this.must(username).enabled = enabled;
  }

  async setPassword(username: string, _password: string, permanent: boolean) {
    this.must(username).status = permanent ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
  }
}

/** The close schedule, the job queue and the mailer as recorders: a test decides when a job runs. */
export class Recorders implements CloseScheduler, JobQueue, Mailer {
  readonly armed: { periodId: string; closesAt: string | null }[] = [];
  readonly queued: { periodId: string; kind: JobKind }[] = [];
  readonly mail: { to: string[]; unitId: string; subject: string; text: string }[] = [];
  /** Set to make the next sends fail (a mail server down). */
  failMail = false;

  async arm(periodId: string, closesAt: string) {
    this.armed.push({ periodId, closesAt });
  }

  async disarm(periodId: string) {
    this.armed.push({ periodId, closesAt: null });
  }

  async enqueue(job: { periodId: string; kind: JobKind }) {
    this.queued.push({ ...job });
  }

  async send(message: { to: string[]; unitId: string; subject: string; text: string }) {
    if (this.failMail) throw new Error("the mail server is down");
    this.mail.push(structuredClone(message));
  }
}
