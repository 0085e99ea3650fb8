import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { CloseScheduler } from "../../shared/services/context.ts";
import {
  AwsError,
  atExpressionTime,
  createInvalidation,
  getSecretValue,
  type Invalidation,
  parseJson,
  readBody,
  type SentEmail,
  sendEmail,
  sendJson,
  sendJsonError,
  sendXmlError,
} from "./aws-endpoints-wire.ts";
import { invoker, localFunctionName } from "./invoke.ts";
import type { LocalCloseScheduler, LocalJobQueue } from "./jobs.ts";
import { LOCAL_HOST } from "./ports.ts";
import { LOCAL_ACCOUNT } from "./template.ts";

/**
 * Just enough of five AWS services, on one private port, for what the cloud adapters send
 * (shared/store): Lambda Invoke (LambdaJobQueue), EventBridge Scheduler Create/Update/Delete/GetSchedule
 * (EventBridgeCloseScheduler), SESv2 SendEmail (SesMailer), CloudFront CreateInvalidation
 * (S3PublishedFiles) and Secrets Manager GetSecretValue (the origin secret). The SDK clients reach it
 * by its standard variables (`env`), so the code that ships runs here unchanged, and every call is a
 * real SDK call. Anything else is refused with a 400 naming it.
 */
export interface AwsEndpointsOptions {
  region: string;
  /** The handler modules under functions/ that are functions (infra/cdk/access.ts NEEDS). */
  handlers: readonly string[];
  /** Keeps the schedules' timers (the close lag, the retries). */
  schedules: LocalCloseScheduler;
  /** Runs Event invocations (after the answer, retried with backoff). */
  jobs: LocalJobQueue;
  /** Where SendEmail writes each message. */
  outbox: string;
  /** The distribution ids CreateInvalidation knows. */
  distributions: readonly string[];
  /** Secret ARN → SecretString. */
  secrets: Record<string, string>;
  log?: (line: string) => void;
}

/** A schedule as CreateSchedule was given it, with its group. */
type Schedule = Record<string, unknown> & { Name: string; GroupName: string; at: number };

export interface AwsEndpoints {
  url: string;
  /** AWS_ENDPOINT_URL_<service id> of each served service: the SDK clients read them. */
  env: Record<string, string>;
  /** The invalidations asked for, oldest first (tests read them). */
  invalidations: Invalidation[];
  /** The emails sent, oldest first. */
  emails: SentEmail[];
  /** Secret ARN → value: a caller (the bundle mode) may register the template's ARN too. */
  secrets: Map<string, string>;
  /** The schedules now waiting, by "<group>/<name>". */
  schedules: ReadonlyMap<string, Schedule>;
  /** A period's close armed in `group` as the adapter would name it (resumeLifecycle, at start). */
  closes(group: string, targetArn: string): CloseScheduler;
  close(): Promise<void>;
}

/** The SDK's service ids (AWS_ENDPOINT_URL_ + the id upper-cased, spaces as _: @smithy/core). */
const SERVICE_IDS = ["Lambda", "Scheduler", "SESv2", "CloudFront", "Secrets Manager"];

const SERVED =
  "Lambda Invoke, Scheduler CreateSchedule/UpdateSchedule/DeleteSchedule/GetSchedule, SESv2 SendEmail, " +
  "CloudFront CreateInvalidation, Secrets Manager GetSecretValue";

export async function startAwsEndpoints(options: AwsEndpointsOptions): Promise<AwsEndpoints> {
  const log = options.log ?? (() => undefined);
  const account = LOCAL_ACCOUNT;
  const byName = new Map(options.handlers.map((handler) => [localFunctionName(handler), handler]));
  const schedules = new Map<string, Schedule>();
  const invalidations: Invalidation[] = [];
  const emails: SentEmail[] = [];
  const secrets = new Map(Object.entries(options.secrets));

  /** A function by name, ARN or partial ARN (with or without a qualifier). */
  function handlerOf(nameOrArn: string): string | undefined {
    const name = /^(?:arn:aws:lambda:[^:]*:)?(?:\d{12}:)?(?:function:)?([^:]+)(?::[^:]+)?$/.exec(
      nameOrArn,
    )?.[1];
    return name ? byName.get(name) : undefined;
  }

  async function lambda(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    const handler = handlerOf(name);
    if (!handler)
      throw new AwsError(
        404,
        "ResourceNotFoundException",
        `Function not found: arn:aws:lambda:${options.region}:${account}:function:${name}`,
      );
    const body = await readBody(request);
    let event: unknown = {};
    try {
      if (body.length > 0) event = JSON.parse(body.toString("utf8"));
    } catch {
      throw new AwsError(400, "InvalidRequestContentException", "Could not parse request body into json");
    }
    const type = String(request.headers["x-amz-invocation-type"] ?? "RequestResponse");
    const requestId = randomUUID();
    const headers = { "x-amzn-requestid": requestId, "x-amz-executed-version": "$LATEST" };
    if (type === "Event") {
      options.jobs.submit({ handler, event });
      response.writeHead(202, headers);
      response.end();
      return;
    }
    if (type === "DryRun") {
      response.writeHead(204, headers);
      response.end();
      return;
    }
    if (type !== "RequestResponse")
      throw new AwsError(400, "InvalidParameterValueException", `unknown invocation type ${type}`);
    try {
      const result = await invoker().invoke(handler, event, requestId);
      response.writeHead(200, { ...headers, "content-type": "application/json" });
      response.end(result === undefined ? "null" : JSON.stringify(result));
    } catch (error) {
      // A function's own failure is a 200 with X-Amz-Function-Error, as Lambda answers it.
      response.writeHead(200, {
        ...headers,
        "content-type": "application/json",
        "x-amz-function-error": "Unhandled",
      });
      response.end(
        JSON.stringify({
          errorType: (error as Error).name ?? "Error",
          errorMessage: (error as Error).message,
        }),
      );
    }
  }

  const scheduleArn = (group: string, name: string) =>
    `arn:aws:scheduler:${options.region}:${account}:schedule/${group}/${name}`;

  /** Stores a schedule and arms its timer; the schedule is deleted as it fires (ActionAfterCompletion). */
  function putSchedule(schedule: Schedule): void {
    const key = `${schedule.GroupName}/${schedule.Name}`;
    const target = schedule.Target as { Arn?: string; Input?: string } | undefined;
    const handler = handlerOf(String(target?.Arn ?? ""));
    if (!handler)
      throw new AwsError(
        400,
        "ValidationException",
        `the target ${target?.Arn} is not a function of the stack`,
      );
    let event: unknown = {};
    if (target?.Input !== undefined) {
      try {
        event = JSON.parse(target.Input);
      } catch {
        event = target.Input;
      }
    }
    schedules.set(key, schedule);
    options.schedules.schedule(key, schedule.at, { handler, event, label: `${schedule.Name}` }, () => {
      if (schedules.get(key) === schedule && schedule.ActionAfterCompletion !== "NONE") schedules.delete(key);
    });
  }

  async function scheduler(request: IncomingMessage, response: ServerResponse, url: URL, name: string) {
    const method = request.method ?? "GET";
    const input = method === "POST" || method === "PUT" ? parseJson(await readBody(request)) : {};
    const group = String((input.GroupName ?? url.searchParams.get("groupName")) || "default");
    const key = `${group}/${name}`;
    const missing = () =>
      new AwsError(404, "ResourceNotFoundException", `Schedule ${name} does not exist in group ${group}.`);
    if (method === "POST" || method === "PUT") {
      if (method === "POST" && schedules.has(key))
        throw new AwsError(409, "ConflictException", `Schedule ${name} already exists.`);
      if (method === "PUT" && !schedules.has(key)) throw missing();
      const at = atExpressionTime(
        String(input.ScheduleExpression),
        input.ScheduleExpressionTimezone as string,
      );
      const previous = schedules.get(key);
      const now = Date.now() / 1000;
      putSchedule({
        ...input,
        Name: name,
        GroupName: group,
        at,
        CreationDate: (previous?.CreationDate as number) ?? now,
        LastModificationDate: now,
      });
      log(`scheduler: ${method === "POST" ? "created" : "updated"} ${key} ${input.ScheduleExpression}`);
      return sendJson(response, 200, { ScheduleArn: scheduleArn(group, name) });
    }
    if (method === "DELETE") {
      const had = schedules.delete(key);
      // A close armed at start (resumeLifecycle) has a timer and no stored definition.
      if (!options.schedules.unschedule(key) && !had) throw missing();
      log(`scheduler: deleted ${key}`);
      return sendJson(response, 200, {});
    }
    if (method === "GET") {
      const found = schedules.get(key);
      if (!found) throw missing();
      const { at: _, ...schedule } = found;
      return sendJson(response, 200, { ...schedule, Arn: scheduleArn(group, name), State: "ENABLED" });
    }
    throw unknown(request, url);
  }

  async function serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const method = request.method ?? "GET";
    const target = request.headers["x-amz-target"];
    const label = (pattern: RegExp) => {
      const found = pattern.exec(path)?.[1];
      return found === undefined ? undefined : decodeURIComponent(found);
    };
    const functionName = label(/^\/2015-03-31\/functions\/([^/]+)\/invocations$/);
    if (method === "POST" && functionName) return lambda(request, response, functionName);
    const scheduleName = label(/^\/schedules\/([^/]+)$/);
    if (scheduleName) return scheduler(request, response, url, scheduleName);
    if (method === "POST" && path === "/v2/email/outbound-emails") {
      const email = await sendEmail(parseJson(await readBody(request)), options.outbox, log);
      emails.push(email);
      return sendJson(response, 200, { MessageId: randomUUID() });
    }
    const id = label(/^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/);
    if (method === "POST" && id) {
      if (!options.distributions.includes(id))
        throw new AwsError(404, "NoSuchDistribution", `The specified distribution does not exist: ${id}`);
      const invalidation = createInvalidation(id, (await readBody(request)).toString("utf8"), response);
      invalidations.push(invalidation);
      log(`cloudfront: invalidated ${invalidation.paths.join(" ")} on ${id}`);
      return;
    }
    if (method === "POST" && path === "/" && target === "secretsmanager.GetSecretValue")
      return sendJson(
        response,
        200,
        getSecretValue(parseJson(await readBody(request)), secrets),
        "application/x-amz-json-1.1",
      );
    throw unknown(request, url);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    serve(request, response, url).catch((error: unknown) => {
      if (response.headersSent) return void response.end();
      const refusal =
        error instanceof AwsError ? error : new AwsError(500, "ServiceException", (error as Error).message);
      if (refusal.status >= 500)
        log(`aws endpoints: ${request.method} ${url.pathname} failed: ${refusal.message}`);
      if (url.pathname.startsWith("/2020-05-31/")) sendXmlError(response, refusal);
      else if (request.headers["x-amz-target"])
        sendJsonError(response, refusal, "application/x-amz-json-1.1");
      else sendJsonError(response, refusal);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, LOCAL_HOST, done);
  });
  const address = server.address();
  const url = `http://${LOCAL_HOST}:${typeof address === "object" && address ? address.port : 0}`;
  return {
    url,
    env: Object.fromEntries(
      SERVICE_IDS.map((id) => [`AWS_ENDPOINT_URL_${id.toUpperCase().replace(/ /g, "_")}`, url]),
    ),
    invalidations,
    emails,
    secrets,
    schedules,
    closes: (group, targetArn) => ({
      arm: async (periodId, closesAt) => {
        // As the adapter arms it, to the second (shared/store/close-scheduler.ts).
        const at = Math.ceil(Date.parse(closesAt) / 1000) * 1000;
        const input = JSON.stringify({ periodId, kind: "close" });
        putSchedule({
          Name: `close-${periodId}`,
          GroupName: group,
          at,
          ActionAfterCompletion: "DELETE",
          Target: { Arn: targetArn, Input: input },
        });
      },
      disarm: async (periodId) => {
        schedules.delete(`${group}/close-${periodId}`);
        options.schedules.unschedule(`${group}/close-${periodId}`);
      },
    }),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function unknown(request: IncomingMessage, url: URL): AwsError {
  const target = request.headers["x-amz-target"];
  const what = `${request.method} ${url.pathname}${typeof target === "string" ? ` (X-Amz-Target ${target})` : ""}`;
  return new AwsError(
    400,
    "UnknownOperationException",
    `the local AWS endpoints do not serve ${what}: only ${SERVED}`,
  );
}
