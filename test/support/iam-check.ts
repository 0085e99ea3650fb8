import type { CfnTemplate } from "../../infra/local/template.ts";

/**
 * IAM's decision on one request against identity policies that only Allow (the template has no Deny:
 * `functionPolicy` refuses one): an action and resource that some statement matches, with its
 * conditions true. Only what the template uses is modelled, and anything else fails loudly (NotAction,
 * NotResource, an unknown condition operator) rather than being read wrong.
 */

/** One authorisation IAM makes: the action, on a resource (any one of `resources` will do), with context keys. */
export interface IamRequest {
  action: string;
  resources: readonly string[];
  context?: Readonly<Record<string, string>>;
}

export interface Statement {
  Sid?: string;
  Effect: "Allow";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** One grant: an action pattern on a resource pattern, from one statement. */
export interface Grant {
  statement: number;
  action: string;
  resource: string;
}

export interface Decision {
  allowed: boolean;
  /** Every grant that lets the request through (so a grant counts as used). */
  grants: Grant[];
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** An IAM glob: `*` any run of characters (`/` and `:` too), `?` one character. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

/** Actions are case-insensitive ("dynamodb:getitem" is "dynamodb:GetItem"). */
export const actionMatches = (pattern: string, action: string) => globMatch(pattern, action, true);

type Test = (actual: string, expected: string) => boolean;
const OPERATORS: Record<string, Test> = {
  StringEquals: (a, e) => a === e,
  StringNotEquals: (a, e) => a !== e,
  StringEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringLike: (a, e) => globMatch(e, a),
  StringNotLike: (a, e) => !globMatch(e, a),
  ArnEquals: (a, e) => a === e,
  ArnLike: (a, e) => globMatch(e, a),
  Bool: (a, e) => a.toLowerCase() === e.toLowerCase(),
};
const NEGATED = new Set(["StringNotEquals", "StringNotLike"]);

/** Whether a statement's Condition block holds for the request's context keys (keys are case-insensitive). */
export function conditionsHold(
  condition: Statement["Condition"],
  context: Readonly<Record<string, string>> = {},
): boolean {
  if (!condition) return true;
  const lower = Object.fromEntries(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  return Object.entries(condition).every(([name, keys]) => {
    const ifExists = name.endsWith("IfExists");
    const operator = ifExists ? name.slice(0, -"IfExists".length) : name;
    const test = OPERATORS[operator];
    if (!test) throw new Error(`iam-check: the condition operator ${name} is not modelled`);
    return Object.entries(keys).every(([key, expected]) => {
      const actual = lower[key.toLowerCase()];
      // A key the request lacks: IfExists and the negated operators hold, the others do not.
      if (actual === undefined) return ifExists || NEGATED.has(operator);
      const values = list(expected);
      return NEGATED.has(operator)
        ? values.every((value) => test(actual, value))
        : values.some((value) => test(actual, value));
    });
  });
}

/** Checks the statements can be read by `decide` (Allow, Action and Resource, nothing else). */
export function assertModelled(statements: readonly Statement[], where: string): void {
  for (const statement of statements) {
    const raw = statement as unknown as Record<string, unknown>;
    if (raw.Effect !== "Allow") throw new Error(`iam-check: ${where} has a ${String(raw.Effect)} statement`);
    for (const key of Object.keys(raw))
      if (!["Sid", "Effect", "Action", "Resource", "Condition"].includes(key))
        throw new Error(`iam-check: ${where} has a statement with ${key}, which is not modelled`);
    for (const field of ["Action", "Resource"])
      if (!list(raw[field] as string | string[]).every((value) => typeof value === "string"))
        throw new Error(`iam-check: ${where} has an unresolved ${field}: ${JSON.stringify(raw[field])}`);
  }
}

/** Allow or implicit deny, and the grants that allow. */
export function decide(statements: readonly Statement[], request: IamRequest): Decision {
  const grants: Grant[] = [];
  statements.forEach((statement, index) => {
    if (!conditionsHold(statement.Condition, request.context)) return;
    for (const action of list(statement.Action)) {
      if (!actionMatches(action, request.action)) continue;
      for (const resource of list(statement.Resource))
        if (request.resources.some((wanted) => globMatch(resource, wanted)))
          grants.push({ statement: index, action, resource });
    }
  });
  return { allowed: grants.length > 0, grants };
}

/** Every grant of the statements (one per action and resource pattern). */
export function grantsOf(statements: readonly Statement[]): Grant[] {
  return statements.flatMap((statement, index) =>
    list(statement.Action).flatMap((action) =>
      list(statement.Resource).map((resource) => ({ statement: index, action, resource })),
    ),
  );
}

/**
 * The statements of a function's role in the template, intrinsics resolved by `resolve`: its
 * AWS::IAM::Policy resources and inline Policies. A managed policy attached to it fails (the house
 * rule: each function's own policy only), as does a Deny anywhere in the template.
 */
export function functionPolicy(
  template: CfnTemplate,
  functionId: string,
  resolve: (value: unknown) => unknown,
): Statement[] {
  assertNoDeny(template);
  const fn = template.Resources[functionId];
  const role = fn?.Properties?.Role as { "Fn::GetAtt"?: [string, string] } | undefined;
  const roleId = role?.["Fn::GetAtt"]?.[0];
  if (!roleId || role?.["Fn::GetAtt"]?.[1] !== "Arn")
    throw new Error(`iam-check: ${functionId}'s Role is not its own role's ARN: ${JSON.stringify(role)}`);
  const roleProps = template.Resources[roleId]?.Properties ?? {};
  if (roleProps.ManagedPolicyArns) throw new Error(`iam-check: ${roleId} has managed policies attached`);
  if (roleProps.PermissionsBoundary)
    throw new Error(`iam-check: ${roleId}'s permissions boundary is not modelled`);
  const documents: unknown[] = ((roleProps.Policies ?? []) as { PolicyDocument: unknown }[]).map(
    (policy) => policy.PolicyDocument,
  );
  for (const resource of Object.values(template.Resources)) {
    if (
      resource.Type === "AWS::IAM::ManagedPolicy" &&
      JSON.stringify(resource.Properties?.Roles ?? []).includes(`"${roleId}"`)
    )
      throw new Error(`iam-check: a managed policy is attached to ${roleId}`);
    if (resource.Type !== "AWS::IAM::Policy") continue;
    const roles = (resource.Properties?.Roles ?? []) as { Ref?: string }[];
    if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties?.PolicyDocument);
  }
  const statements = documents.flatMap((document) => {
    const resolved = resolve(document) as { Statement: Statement | Statement[] };
    return Array.isArray(resolved.Statement) ? resolved.Statement : [resolved.Statement];
  });
  assertModelled(statements, functionId);
  return statements;
}

/** The checker reads Allow only: a Deny in any policy of the template would need modelling first. */
function assertNoDeny(template: CfnTemplate): void {
  for (const [id, resource] of Object.entries(template.Resources)) {
    const documents =
      resource.Type === "AWS::IAM::Policy" || resource.Type === "AWS::IAM::ManagedPolicy"
        ? [resource.Properties?.PolicyDocument]
        : resource.Type === "AWS::IAM::Role"
          ? ((resource.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).map(
              (p) => p.PolicyDocument,
            )
          : [];
    for (const document of documents)
      if (JSON.stringify(document).includes('"Effect":"Deny"'))
        throw new Error(`iam-check: ${id} has a Deny statement; the check does not model Deny`);
  }
}
