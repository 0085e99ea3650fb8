import { localFunctionName } from "./invoke.ts";

/**
 * The synthesized CloudFormation template read on one machine: what each resource is called locally,
 * and a resolver of the intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select) the template uses in
 * functions' environments and roles' policies. The bundle mode gives each function the environment the
 * template gives it, resolved here; the rights test reads each role's policy with the same names.
 */

export const LOCAL_ACCOUNT = "000000000000";

/** The local stack's own resources (infra/local/stack.ts creates them under these names). */
export const LOCAL_NAMES = {
  dataTable: "chiso-data",
  auditTable: "chiso-audit",
  evidenceBucket: "chiso-evidence",
  siteBucket: "chiso-site",
  logsBucket: "chiso-logs",
  distributionId: "ELOCALCHISO",
} as const;

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

export interface LocalValues {
  /** The template's region (the stack's env); ARNs are built with it. */
  region: string;
  account?: string;
  /** The local user pool's id (cognito-local makes it at start). */
  userPoolId?: string;
}

/** A resource's local identity: what Ref gives and its attributes (Arn…). */
interface Identity {
  ref: string;
  attributes: Record<string, string>;
}

/** The construct path below the stack: "Chiso-test/Data/DataTable/Resource" → "Data-DataTable". */
function constructName(resource: CfnResource, logicalId: string): string {
  const path = resource.Metadata?.["aws:cdk:path"];
  if (typeof path !== "string") return logicalId;
  const parts = path.split("/").filter((part) => part !== "Resource" && part !== "Default");
  return parts.slice(1).join("-") || logicalId;
}

/** The handler module a chiso function runs, from its description "chiso <handler>". */
export function handlerOf(resource: CfnResource): string | undefined {
  if (resource.Type !== "AWS::Lambda::Function") return undefined;
  const description = resource.Properties?.Description;
  const match = typeof description === "string" ? /^chiso (\S+)$/.exec(description) : null;
  return match?.[1];
}

export class TemplateResolver {
  readonly account: string;
  private readonly identities = new Map<string, Identity>();

  constructor(
    readonly template: CfnTemplate,
    readonly local: LocalValues,
  ) {
    this.account = local.account ?? LOCAL_ACCOUNT;
    for (const [id, resource] of Object.entries(template.Resources))
      this.identities.set(id, this.identify(id, resource));
  }

  /** The chiso functions of the template: logical id, handler module, resource. */
  functions(): { logicalId: string; handler: string; resource: CfnResource }[] {
    return Object.entries(this.template.Resources).flatMap(([logicalId, resource]) => {
      const handler = handlerOf(resource);
      return handler ? [{ logicalId, handler, resource }] : [];
    });
  }

  /** A function's environment variables, resolved to local values. */
  environment(logicalId: string): Record<string, string> {
    const resource = this.require(logicalId);
    const environment = resource.Properties?.Environment as
      | { Variables?: Record<string, unknown> }
      | undefined;
    return Object.fromEntries(
      Object.entries(environment?.Variables ?? {}).map(([name, value]) => [name, this.string(value)]),
    );
  }

  /** Resolves an intrinsic (or a literal) to a string. */
  string(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== "string" && typeof resolved !== "number" && typeof resolved !== "boolean")
      throw new Error(`the template value ${JSON.stringify(value)} does not resolve to a string`);
    return String(resolved);
  }

  /** Resolves intrinsics anywhere in a value (policy documents, environments). */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, argument] = entries[0] as [string, unknown];
      if (key === "Ref") return this.ref(argument as string);
      if (key === "Fn::GetAtt") {
        const [id, attribute] = (typeof argument === "string" ? argument.split(".") : argument) as string[];
        return this.attribute(id as string, attribute as string);
      }
      if (key === "Fn::Join") {
        const [separator, parts] = argument as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).map(String).join(separator);
      }
      if (key === "Fn::Select") {
        const [index, list] = argument as [number | string, unknown];
        return (this.resolve(list) as unknown[])[Number(index)];
      }
      if (key === "Fn::Split") {
        const [separator, text] = argument as [string, unknown];
        return this.string(text).split(separator);
      }
      if (key === "Fn::Sub") return this.sub(argument as string | [string, Record<string, unknown>]);
      if (key.startsWith("Fn::")) throw new Error(`the intrinsic ${key} is not resolved locally`);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  private sub(argument: string | [string, Record<string, unknown>]): string {
    const [text, variables] = typeof argument === "string" ? [argument, {}] : argument;
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return this.string(variables[name]);
      const [id, attribute] = name.split(".");
      return attribute ? this.attribute(id as string, attribute) : this.ref(id as string);
    });
  }

  private ref(id: string): string {
    const pseudo: Record<string, string> = {
      "AWS::AccountId": this.account,
      "AWS::Region": this.local.region,
      "AWS::Partition": "aws",
      "AWS::URLSuffix": "amazonaws.com",
      "AWS::StackName": "chiso-local",
      "AWS::NoValue": "",
    };
    if (id in pseudo) return pseudo[id] as string;
    return this.identityOf(id).ref;
  }

  private attribute(id: string, attribute: string): string {
    const value = this.identityOf(id).attributes[attribute];
    if (value === undefined) throw new Error(`${id}.${attribute} has no local value`);
    return value;
  }

  private identityOf(id: string): Identity {
    const identity = this.identities.get(id);
    if (!identity) throw new Error(`the template has no resource ${id}`);
    return identity;
  }

  private require(id: string): CfnResource {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`the template has no resource ${id}`);
    return resource;
  }

  /** What a resource is on this machine: the local stack's tables and buckets, names for the rest. */
  private identify(id: string, resource: CfnResource): Identity {
    const { region } = this.local;
    const account = this.account;
    const name = constructName(resource, id);
    // Tables and buckets are known by their own construct's name ("Data-DataTable" → "DataTable").
    const own = name.split("-").at(-1) ?? name;
    const arn = (service: string, resourcePart: string, withRegion = true, withAccount = true) =>
      `arn:aws:${service}:${withRegion ? region : ""}:${withAccount ? account : ""}:${resourcePart}`;
    switch (resource.Type) {
      case "AWS::DynamoDB::Table": {
        const table =
          own === "DataTable" ? LOCAL_NAMES.dataTable : own === "AuditTable" ? LOCAL_NAMES.auditTable : name;
        return { ref: table, attributes: { Arn: arn("dynamodb", `table/${table}`) } };
      }
      case "AWS::S3::Bucket": {
        const bucket =
          (
            {
              EvidenceBucket: LOCAL_NAMES.evidenceBucket,
              SiteBucket: LOCAL_NAMES.siteBucket,
              LogsBucket: LOCAL_NAMES.logsBucket,
            } as Record<string, string>
          )[own] ?? `chiso-${name.toLowerCase()}`;
        return {
          ref: bucket,
          attributes: { Arn: `arn:aws:s3:::${bucket}`, DomainName: `${bucket}.s3.amazonaws.com` },
        };
      }
      case "AWS::Cognito::UserPool": {
        const pool = this.local.userPoolId ?? "local_pool";
        return { ref: pool, attributes: { Arn: arn("cognito-idp", `userpool/${pool}`) } };
      }
      case "AWS::Lambda::Function": {
        const functionName = localFunctionName(handlerOf(resource) ?? name);
        return { ref: functionName, attributes: { Arn: arn("lambda", `function:${functionName}`) } };
      }
      case "AWS::IAM::Role":
        return { ref: `chiso-${name}`, attributes: { Arn: arn("iam", `role/chiso-${name}`, false) } };
      case "AWS::SQS::Queue":
        return {
          ref: `http://sqs.local/${account}/chiso-${name}`,
          attributes: { Arn: arn("sqs", `chiso-${name}`), QueueName: `chiso-${name}` },
        };
      case "AWS::CloudFront::Distribution":
        return {
          ref: LOCAL_NAMES.distributionId,
          attributes: { DomainName: "local.cloudfront.net", Id: LOCAL_NAMES.distributionId },
        };
      case "AWS::SecretsManager::Secret": {
        const secretArn = arn("secretsmanager", `secret:chiso-${name}`);
        return { ref: secretArn, attributes: { Id: secretArn } };
      }
      case "AWS::Logs::LogGroup": {
        const group = `/aws/lambda/chiso-${name}`;
        return { ref: group, attributes: { Arn: arn("logs", `log-group:${group}:*`) } };
      }
      case "AWS::Scheduler::ScheduleGroup":
        return {
          ref: String(resource.Properties?.Name ?? `chiso-${name}`),
          attributes: { Arn: arn("scheduler", `schedule-group/${resource.Properties?.Name ?? name}`) },
        };
      default:
        return { ref: `chiso-${name}`, attributes: { Arn: arn("local", `${resource.Type}/${name}`) } };
    }
  }
}
