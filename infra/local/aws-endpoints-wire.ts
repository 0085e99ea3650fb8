import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

/**
 * The wire side of the local AWS endpoints (aws-endpoints.ts): errors in each protocol's shape, and
 * the three services that only record what they are sent (SESv2 SendEmail, CloudFront
 * CreateInvalidation, Secrets Manager GetSecretValue).
 */

/** A refusal in the service's own error shape: the SDK turns `type` into its exception class. */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** restJson1 and awsJson1_1: the type in x-amzn-errortype and in the body, as the services send it. */
export function sendJsonError(response: ServerResponse, error: AwsError, json = "application/json"): void {
  response.writeHead(error.status, {
    "content-type": json,
    "x-amzn-errortype": error.type,
    "x-amzn-requestid": randomUUID(),
  });
  response.end(JSON.stringify({ __type: error.type, Message: error.message, message: error.message }));
}

/** restXml (CloudFront). */
export function sendXmlError(response: ServerResponse, error: AwsError): void {
  response.writeHead(error.status, { "content-type": "text/xml", "x-amzn-requestid": randomUUID() });
  response.end(
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${CLOUDFRONT_NS}"><Error><Type>Sender</Type>` +
      `<Code>${error.type}</Code><Message>${xml(error.message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

export function sendJson(response: ServerResponse, status: number, body: unknown, type = "application/json") {
  response.writeHead(status, { "content-type": type, "x-amzn-requestid": randomUUID() });
  response.end(JSON.stringify(body));
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return value;
  } catch {
    // answered below
  }
  throw new AwsError(400, "ValidationException", "the request body is not a JSON object");
}

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const unxml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** An email SendEmail accepted: where the outbox keeps it. */
export interface SentEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  file: string;
}

/**
 * SESv2 SendEmail (Content.Simple only, as SesMailer sends it): the message becomes a file in the
 * outbox folder, `<time>-<first recipient>.txt`, in OutboxMailer's format, and a line in the log.
 */
export async function sendEmail(
  input: Record<string, unknown>,
  outbox: string,
  log: (line: string) => void,
): Promise<SentEmail> {
  const to = ((input.Destination as { ToAddresses?: unknown })?.ToAddresses ?? []) as unknown[];
  const simple = (input.Content as { Simple?: Record<string, { Data?: string }> } | undefined)?.Simple as
    | { Subject?: { Data?: string }; Body?: { Text?: { Data?: string }; Html?: { Data?: string } } }
    | undefined;
  if (!simple) throw new AwsError(400, "BadRequestException", "only Content.Simple is served locally");
  if (!Array.isArray(to) || to.length === 0 || !to.every((a) => typeof a === "string"))
    throw new AwsError(400, "BadRequestException", "Destination.ToAddresses must name at least one address");
  if (typeof input.FromEmailAddress !== "string" || !input.FromEmailAddress)
    throw new AwsError(400, "BadRequestException", "FromEmailAddress is required");
  const subject = simple.Subject?.Data ?? "";
  const text = simple.Body?.Text?.Data ?? simple.Body?.Html?.Data ?? "";
  await mkdir(outbox, { recursive: true });
  const name = String(to[0]).replace(/[^\w.@+-]/g, "_");
  const file = join(outbox, `${new Date().toISOString().replace(/[:.]/g, "-")}-${name}.txt`);
  await writeFile(
    file,
    `From: ${input.FromEmailAddress}\nTo: ${to.join(", ")}\nSubject: ${subject}\n\n${text}`,
  );
  log(`ses: ${to.join(", ")} — ${subject} (${file})`);
  return { from: input.FromEmailAddress, to: to as string[], subject, text, file };
}

export const CLOUDFRONT_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

/** An invalidation CreateInvalidation accepted. */
export interface Invalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
  createdAt: string;
}

/** CloudFront CreateInvalidation: parses the InvalidationBatch and answers the Invalidation (201). */
export function createInvalidation(
  distributionId: string,
  body: string,
  response: ServerResponse,
): Invalidation {
  const callerReference = /<CallerReference>([\s\S]*?)<\/CallerReference>/.exec(body)?.[1];
  const quantity = Number(/<Quantity>(\d+)<\/Quantity>/.exec(body)?.[1] ?? Number.NaN);
  const paths = [...body.matchAll(/<Path>([\s\S]*?)<\/Path>/g)].map((m) => unxml(m[1] as string));
  if (callerReference === undefined || quantity !== paths.length)
    throw new AwsError(
      400,
      "InvalidArgument",
      "the InvalidationBatch needs a CallerReference and Quantity paths",
    );
  if (paths.some((path) => !path.startsWith("/")))
    throw new AwsError(400, "InvalidArgument", "every invalidation path starts with /");
  const invalidation: Invalidation = {
    id: `I${randomUUID().replace(/-/g, "").slice(0, 13).toUpperCase()}`,
    distributionId,
    callerReference: unxml(callerReference),
    paths,
    createdAt: new Date().toISOString(),
  };
  const items = paths.map((path) => `<Path>${xml(path)}</Path>`).join("");
  response.writeHead(201, {
    "content-type": "text/xml",
    location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${distributionId}/invalidation/${invalidation.id}`,
    "x-amzn-requestid": randomUUID(),
  });
  response.end(
    `<?xml version="1.0"?>\n<Invalidation xmlns="${CLOUDFRONT_NS}"><Id>${invalidation.id}</Id>` +
      `<Status>InProgress</Status><CreateTime>${invalidation.createdAt}</CreateTime><InvalidationBatch>` +
      `<Paths><Quantity>${paths.length}</Quantity>${paths.length ? `<Items>${items}</Items>` : ""}</Paths>` +
      `<CallerReference>${xml(invalidation.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`,
  );
  return invalidation;
}

/** Secrets Manager GetSecretValue of a secret the stack registered (by ARN or name). */
export function getSecretValue(input: Record<string, unknown>, secrets: Map<string, string>) {
  const id = String(input.SecretId ?? "");
  const arn = [...secrets.keys()].find((known) => known === id || known.endsWith(`:secret:${id}`));
  if (!arn)
    throw new AwsError(
      400,
      "ResourceNotFoundException",
      `Secrets Manager can't find the specified secret: ${id}`,
    );
  return {
    ARN: arn,
    Name: arn.split(":secret:")[1] ?? arn,
    VersionId: "00000000-0000-0000-0000-000000000001",
    SecretString: secrets.get(arn),
    VersionStages: ["AWSCURRENT"],
    CreatedDate: 0,
  };
}

/**
 * The instant a Scheduler `at(yyyy-mm-ddThh:mm:ss)` names in a time zone (IANA, default UTC): the
 * zone's offset is read from Intl at that instant (twice, so a DST change in between is taken).
 */
export function atExpressionTime(expression: string, timeZone = "UTC"): number {
  const wall = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression)?.[1];
  if (!wall)
    throw new AwsError(
      400,
      "ValidationException",
      `the schedule expression ${expression} is not served locally: only at(yyyy-mm-ddThh:mm:ss)`,
    );
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    throw new AwsError(400, "ValidationException", `unknown time zone ${timeZone}`);
  }
  const offset = (t: number) => {
    const part = (type: string) => Number(format.formatToParts(t).find((p) => p.type === type)?.value);
    return (
      Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second")) - t
    );
  };
  const asUtc = Date.parse(`${wall}Z`);
  if (Number.isNaN(asUtc))
    throw new AwsError(400, "ValidationException", `${expression} is not a valid time`);
  return asUtc - offset(asUtc - offset(asUtc));
}
