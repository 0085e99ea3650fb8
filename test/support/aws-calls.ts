import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { currentInvocation } from "../../infra/local/invoke.ts";

/**
 * The AWS calls each function makes while the integration suite runs, recorded by the test harness
 * (test/support/integration-setup.ts installs it before the stack starts; production code knows
 * nothing of it) and checked against each function's IAM policy by test/rights/rights.test.ts.
 *
 * A call is recorded by its names only (table, bucket and key, pool, schedule…: `namesOf`), never its
 * data, and each distinct line once: the file is read by the rights project while the run goes on.
 */

const ROOT = resolve(import.meta.dirname, "../..");

/** Where the integration run writes its calls (cleared when the recorder is installed). */
export const AWS_CALLS_DIR = join(ROOT, ".cache/aws-calls");
export const AWS_CALLS_FILE = join(AWS_CALLS_DIR, "calls.jsonl");
/** The run's facts the check needs: the local user pool's id (part of its ARN), when it ran. */
export const AWS_RUN_FILE = join(AWS_CALLS_DIR, "run.json");

export interface AwsCall {
  /** The handler module whose invocation made the call: "periods/transition". */
  handler: string;
  /** The client without "Client": "DynamoDB", "S3", "CognitoIdentityProvider", "SESv2"… */
  service: string;
  /** The operation without "Command": "TransactWriteItems", "GetObject"; "PresignedPost" for a POST form. */
  command: string;
  /** The input's resource names (namesOf). */
  input: Record<string, unknown>;
}

export interface AwsRun {
  startedAt: string;
  userPoolId: string;
  region: string;
}

/** Input fields that name a resource (kept when they are strings). */
const NAME_FIELDS = new Set([
  "TableName",
  "IndexName",
  "Bucket",
  "Key",
  "CopySource",
  "VersionId",
  "UserPoolId",
  "Name",
  "GroupName",
  "RoleArn",
  "FunctionName",
  "Qualifier",
  "FromEmailAddress",
  "FromEmailAddressIdentityArn",
  "ConfigurationSetName",
  "DistributionId",
  "SecretId",
  "ACL",
  "Tagging",
]);
/** Input fields whose inside names resources (transaction items, a schedule's target, S3 batch deletes). */
const NESTED_FIELDS = new Set([
  "TransactItems",
  "Put",
  "Update",
  "Delete",
  "ConditionCheck",
  "Get",
  "Target",
  "Objects",
]);

/** The resource names of a command's input, without its data (items, bodies, passwords). */
export function namesOf(input: unknown): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return undefined;
    const kept: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (NAME_FIELDS.has(key) && typeof item === "string") kept[key] = item;
      else if (NESTED_FIELDS.has(key) && item !== null && typeof item === "object") kept[key] = walk(item);
      // Batch operations: the tables are the keys of RequestItems.
      else if (key === "RequestItems" && item !== null && typeof item === "object")
        kept[key] = Object.fromEntries(Object.keys(item).map((table) => [table, true]));
    }
    return kept;
  };
  return (walk(input) ?? {}) as Record<string, unknown>;
}

/** The file being written and the lines already in it (none before the recorder is installed). */
let recording: { file: string; seen: Set<string> } | undefined;

/** Appends a call of the current invocation (one outside any, the stack's own bootstrap, is not a function's). */
export function recordCall(service: string, command: string, input: unknown): void {
  const invocation = currentInvocation.getStore();
  if (!invocation || !recording) return;
  const call: AwsCall = { handler: invocation.handler, service, command, input: namesOf(input) };
  const line = JSON.stringify(call);
  if (recording.seen.has(line)) return;
  recording.seen.add(line);
  // Synchronous: a line is on disk before the call goes out, whatever happens to the process later.
  appendFileSync(recording.file, `${line}\n`);
}

const RECORDER = Symbol.for("chiso.awsCallRecorder");
const MIDDLEWARE_NAME = "chisoRecordAwsCall";

interface MiddlewareStack {
  add(middleware: unknown, options: { step: string; name: string; override?: boolean }): void;
}
interface CommandPrototype {
  [RECORDER]?: true;
  resolveMiddlewareWithContext: (this: { middlewareStack: MiddlewareStack }, ...args: unknown[]) => unknown;
}

/** The AWS packages the store (shared/store/) uses: each must reach a patched Command class. */
const SDK_PACKAGES = [
  "client-dynamodb",
  "lib-dynamodb",
  "client-s3",
  "s3-request-presigner",
  "client-cognito-identity-provider",
  "client-scheduler",
  "client-lambda",
  "client-sesv2",
  "client-cloudfront",
  "client-secrets-manager",
].map((name) => `@aws-sdk/${name}`);
const COMMAND_MODULES = ["@smithy/core/client", "@smithy/smithy-client"];
const PRESIGNED_POST = "@aws-sdk/s3-presigned-post";

/**
 * The CommonJS copies of the SDK's Command class (@smithy/core/client, or an older nested
 * @smithy/smithy-client), as each AWS package resolves it: what Node loads for a native import.
 */
function commonJsCommandFiles(): string[] {
  const rootRequire = createRequire(join(ROOT, "package.json"));
  const dirs = [ROOT];
  for (const name of SDK_PACKAGES)
    try {
      dirs.push(dirname(rootRequire.resolve(`${name}/package.json`)));
    } catch {
      // not installed
    }
  const files = new Set<string>();
  for (const dir of dirs)
    for (const id of COMMAND_MODULES)
      try {
        files.add(createRequire(join(dir, "package.json")).resolve(id));
      } catch {
        // not this layout
      }
  return [...files];
}

/** Adds the recording middleware to every command resolved through this copy of the class. */
function patchCommand(Command: { prototype: CommandPrototype }): void {
  const prototype = Command.prototype;
  if (prototype[RECORDER]) return;
  prototype[RECORDER] = true;
  const resolveWithContext = prototype.resolveMiddlewareWithContext;
  prototype.resolveMiddlewareWithContext = function (this, ...args: unknown[]) {
    this.middlewareStack.add(
      (next: (args: unknown) => unknown, context: { clientName?: string; commandName?: string }) =>
        (handlerArgs: { input: unknown }) => {
          recordCall(
            (context.clientName ?? "?").replace(/Client$/, ""),
            (context.commandName ?? "?").replace(/Command$/, ""),
            handlerArgs.input,
          );
          return next(handlerArgs);
        },
      { step: "initialize", name: MIDDLEWARE_NAME, override: true },
    );
    return resolveWithContext.apply(this, args);
  };
}

type PresignedPost = ((client: unknown, params: { Bucket: string; Key: string }) => Promise<unknown>) & {
  [RECORDER]?: true;
};

/** createPresignedPost, recording the form it signs: its holder may PutObject that key as the signer. */
function recordingPresignedPost(original: PresignedPost): PresignedPost {
  if (original[RECORDER]) return original;
  const wrapper: PresignedPost = (client, params) => {
    recordCall("S3", "PresignedPost", { Bucket: params.Bucket, Key: params.Key });
    return original(client, params);
  };
  wrapper[RECORDER] = true;
  return wrapper;
}

/**
 * Installs the recorder in this process: an initialize-step middleware on every command any client
 * sends (Command.prototype.resolveMiddlewareWithContext, which Client.send and the presigner both go
 * through), and a wrapper of createPresignedPost (which signs a POST form without sending a command).
 * Starts `file` afresh (and forgets the previous run's facts).
 *
 * The SDK may be loaded twice over: the CommonJS build (Node's own import, as in vitest's workers) and
 * the ES module build (vitest's main process, where the integration stack runs, loads node_modules
 * through its module runner, which picks "module"). Both are patched: the CommonJS exports before any
 * native import copies them (so this must run before the stack's modules load), the runner's module
 * objects in place (their exports are configurable getters). Then every SDK package the store uses
 * is checked to reach a patched class, and a miss throws.
 */
export async function installAwsCallRecorder(file = AWS_CALLS_FILE): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "");
  if (file === AWS_CALLS_FILE) rmSync(AWS_RUN_FILE, { force: true });
  recording = { file, seen: new Set() };

  for (const path of commonJsCommandFiles())
    patchCommand((createRequire(path)(path) as { Command: { prototype: CommandPrototype } }).Command);
  const post = createRequire(join(ROOT, "package.json"))(PRESIGNED_POST) as {
    createPresignedPost: PresignedPost;
  };
  post.createPresignedPost = recordingPresignedPost(post.createPresignedPost);

  for (const id of COMMAND_MODULES) {
    const loaded = (await import(id).catch(() => undefined)) as
      | { Command?: { prototype: CommandPrototype } }
      | undefined;
    if (loaded?.Command) patchCommand(loaded.Command);
  }
  const imported = (await import(PRESIGNED_POST)) as { createPresignedPost: PresignedPost };
  if (!imported.createPresignedPost[RECORDER]) {
    const descriptor = Object.getOwnPropertyDescriptor(imported, "createPresignedPost");
    // A native namespace is sealed: then it was imported before the CommonJS exports were wrapped.
    if (!descriptor?.configurable)
      throw new Error(`aws-calls: ${PRESIGNED_POST} was imported before the recorder was installed`);
    Object.defineProperty(imported, "createPresignedPost", {
      value: recordingPresignedPost(imported.createPresignedPost),
      enumerable: true,
      configurable: true,
    });
  }
  await assertEveryClientRecorded();
}

/** Each SDK package's commands, as this process imports them, extend a patched Command class. */
async function assertEveryClientRecorded(): Promise<void> {
  for (const id of SDK_PACKAGES) {
    const loaded = (await import(id)) as Record<string, unknown>;
    const command = Object.entries(loaded).find(
      ([name, value]) => name.endsWith("Command") && typeof value === "function",
    )?.[1] as { prototype: object } | undefined;
    if (!command) continue; // the presigner has no command of its own
    let prototype: object | null = command.prototype;
    while (prototype && !(prototype as CommandPrototype)[RECORDER])
      prototype = Object.getPrototypeOf(prototype);
    if (!prototype) throw new Error(`aws-calls: the commands of ${id} do not reach a recorded Command class`);
  }
}

/** Writes the run's facts once the stack is up. */
export function recordRun(run: AwsRun): void {
  mkdirSync(AWS_CALLS_DIR, { recursive: true });
  writeFileSync(AWS_RUN_FILE, `${JSON.stringify(run, null, 2)}\n`);
}

/** The recorded run and calls, or undefined when there are none (the integration project has not run). */
export function readRecording(): { run: AwsRun; calls: AwsCall[] } | undefined {
  if (!existsSync(AWS_CALLS_FILE) || !existsSync(AWS_RUN_FILE)) return undefined;
  const calls = readCalls(AWS_CALLS_FILE);
  if (calls.length === 0) return undefined;
  return { run: JSON.parse(readFileSync(AWS_RUN_FILE, "utf8")) as AwsRun, calls };
}

export function readCalls(file: string): AwsCall[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as AwsCall);
}
