import { describe, expect, test } from "vitest";
import type { CfnTemplate } from "../../../infra/local/template.ts";
import {
  actionMatches,
  conditionsHold,
  decide,
  functionPolicy,
  globMatch,
  grantsOf,
  type Statement,
} from "../../support/iam-check.ts";

const TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/chiso-data";
const statements: Statement[] = [
  { Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: [TABLE, `${TABLE}/index/*`] },
  { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::chiso-evidence/evidence/*" },
  {
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: "arn:aws:iam::000000000000:role/chiso-scheduler",
    Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
  },
];

describe("IAM's decision on a request (identity policies that only allow)", () => {
  test("ARN globs: * spans / and :, ? is one character, the rest is literal", () => {
    expect(globMatch("arn:aws:s3:::b/evidence/*", "arn:aws:s3:::b/evidence/files/x/y")).toBe(true);
    expect(globMatch("arn:aws:s3:::b/evidence/*", "arn:aws:s3:::b/public/x")).toBe(false);
    expect(globMatch("arn:aws:s3:::b/?", "arn:aws:s3:::b/a")).toBe(true);
    expect(globMatch("arn:aws:s3:::b/?", "arn:aws:s3:::b/ab")).toBe(false);
    expect(globMatch("table/a.b", "table/aXb")).toBe(false);
    expect(globMatch("*", "anything:at/all")).toBe(true);
  });

  test("actions match case-insensitively, with wildcards", () => {
    expect(actionMatches("dynamodb:GetItem", "DynamoDB:getitem")).toBe(true);
    expect(actionMatches("s3:GetObject*", "s3:GetObjectVersion")).toBe(true);
    expect(actionMatches("s3:GetObject*", "s3:PutObject")).toBe(false);
  });

  test("allows an action on a resource some statement grants; anything else is an implicit deny", () => {
    const get = { action: "dynamodb:GetItem", resources: [TABLE] };
    expect(decide(statements, get)).toEqual({
      allowed: true,
      grants: [{ statement: 0, action: "dynamodb:GetItem", resource: TABLE }],
    });
    expect(
      decide(statements, { action: "dynamodb:Query", resources: [`${TABLE}/index/byUnit`] }).allowed,
    ).toBe(true);
    expect(decide(statements, { action: "dynamodb:PutItem", resources: [TABLE] }).allowed).toBe(false);
    expect(decide(statements, { action: "dynamodb:GetItem", resources: [`${TABLE}-other`] }).allowed).toBe(
      false,
    );
    expect(
      decide(statements, { action: "s3:PutObject", resources: ["arn:aws:s3:::chiso-evidence/public/x"] })
        .allowed,
    ).toBe(false);
  });

  test("one resource of several alternatives is enough (an SES From address or its domain)", () => {
    const ses: Statement[] = [
      {
        Effect: "Allow",
        Action: "ses:SendEmail",
        Resource: "arn:aws:ses:us-east-1:000000000000:identity/chiso.local",
      },
    ];
    const identity = (name: string) => `arn:aws:ses:us-east-1:000000000000:identity/${name}`;
    expect(
      decide(ses, {
        action: "ses:SendEmail",
        resources: [identity("no-reply@chiso.local"), identity("chiso.local")],
      }).allowed,
    ).toBe(true);
    expect(decide(ses, { action: "ses:SendEmail", resources: [identity("a@other.local")] }).allowed).toBe(
      false,
    );
  });

  test("conditions: the statement holds only with the context it names", () => {
    const role = "arn:aws:iam::000000000000:role/chiso-scheduler";
    const pass = (context?: Record<string, string>) =>
      decide(statements, { action: "iam:PassRole", resources: [role], ...(context ? { context } : {}) })
        .allowed;
    expect(pass({ "iam:PassedToService": "scheduler.amazonaws.com" })).toBe(true);
    expect(pass({ "iam:passedtoservice": "scheduler.amazonaws.com" })).toBe(true);
    expect(pass({ "iam:PassedToService": "lambda.amazonaws.com" })).toBe(false);
    expect(pass()).toBe(false);
    expect(conditionsHold({ StringLike: { "aws:k": ["a*", "b"] } }, { "aws:k": "abc" })).toBe(true);
    expect(conditionsHold({ StringNotEquals: { "aws:k": "a" } }, {})).toBe(true);
    expect(conditionsHold({ StringEqualsIfExists: { "aws:k": "a" } }, {})).toBe(true);
    expect(
      conditionsHold(
        { ArnLike: { "aws:SourceArn": "arn:aws:s3:::b*" } },
        { "aws:SourceArn": "arn:aws:s3:::bx" },
      ),
    ).toBe(true);
    expect(() => conditionsHold({ NumericLessThan: { "aws:k": "1" } }, { "aws:k": "0" })).toThrow(
      /not modelled/,
    );
  });

  test("lists every grant, one per action and resource pattern", () => {
    expect(grantsOf(statements)).toHaveLength(6);
  });
});

describe("a function's policy in the template", () => {
  const template = (
    extra: Record<string, unknown> = {},
    roleProps: Record<string, unknown> = {},
  ): CfnTemplate => ({
    Resources: {
      Fn: { Type: "AWS::Lambda::Function", Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] } } },
      Role: { Type: "AWS::IAM::Role", Properties: roleProps },
      Policy: {
        Type: "AWS::IAM::Policy",
        Properties: {
          Roles: [{ Ref: "Role" }],
          PolicyDocument: {
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: { Ref: "Bucket" } }],
          },
        },
      },
      Other: {
        Type: "AWS::IAM::Policy",
        Properties: {
          Roles: [{ Ref: "OtherRole" }],
          PolicyDocument: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        },
      },
      ...extra,
    } as CfnTemplate["Resources"],
  });
  const resolve = (value: unknown) =>
    JSON.parse(JSON.stringify(value).replaceAll('{"Ref":"Bucket"}', '"arn:aws:s3:::b/*"'));

  test("is its role's policies and inline policies, resolved, and nobody else's", () => {
    const inline = {
      Policies: [
        { PolicyDocument: { Statement: { Effect: "Allow", Action: "sqs:SendMessage", Resource: "q" } } },
      ],
    };
    expect(functionPolicy(template({}, inline), "Fn", resolve)).toEqual([
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: "q" },
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
    ]);
  });

  test("refuses what it does not model: a managed policy, a Deny, NotAction", () => {
    expect(() => functionPolicy(template({}, { ManagedPolicyArns: ["arn:x"] }), "Fn", resolve)).toThrow(
      /managed/,
    );
    const deny = {
      Deny: {
        Type: "AWS::IAM::Policy",
        Properties: {
          Roles: [],
          PolicyDocument: { Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] },
        },
      },
    };
    expect(() => functionPolicy(template(deny), "Fn", resolve)).toThrow(/Deny/);
    const notAction = {
      Policies: [{ PolicyDocument: { Statement: [{ Effect: "Allow", NotAction: "s3:*", Resource: "*" }] } }],
    };
    expect(() => functionPolicy(template({}, notAction), "Fn", resolve)).toThrow(/NotAction/);
  });
});
