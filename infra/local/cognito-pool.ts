import {
  AddCustomAttributesCommand,
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";

import { ROLES } from "../../shared/access/roles.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** The roles of API.md, as Cognito groups. */
export const ROLE_GROUPS = ROLES;
const REGION = "local";
const UNIT_ATTRIBUTE = "custom:unitId";

export interface UserPool {
  userPoolId: string;
  clientId: string;
  /** What the IdToken's `iss` holds: `<endpoint>/<userPoolId>`. */
  issuer: string;
  jwksUri: string;
  region: string;
}

export interface CognitoUser {
  username: string;
  password: string;
  groups: string[];
  unitId?: string;
}

export function localCognitoClientConfig(endpoint: string) {
  return { endpoint, region: REGION, credentials: { accessKeyId: "local", secretAccessKey: "local" } };
}

function clientFor(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient(localCognitoClientConfig(endpoint));
}

/**
 * Finds the pool and its app client by name, or creates them: the `custom:unitId` attribute, the
 * four role groups, and a public client for USER_PASSWORD_AUTH (+ SRP, refresh). Idempotent, so a
 * restart on the same data keeps the same ids.
 */
export async function ensureUserPool(endpoint: string, options: { poolName: string }): Promise<UserPool> {
  const cognito = clientFor(endpoint);
  try {
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((pool) => pool.Name === options.poolName)?.Id;
    if (!userPoolId) {
      const created = await cognito.send(
        new CreateUserPoolCommand({
          PoolName: options.poolName,
          // Every custom attribute: AdminUpdateUserAttributes refuses one the schema lacks.
          Schema: CUSTOM_ATTRIBUTES.map((Name) => ({ Name, AttributeDataType: "String", Mutable: true })),
        }),
      );
      userPoolId = created.UserPool?.Id;
      if (!userPoolId) throw new Error("CreateUserPool returned no id");
    } else {
      await ensureUnitAttribute(cognito, userPoolId);
    }
    await ensureGroups(cognito, userPoolId);
    const clientId = await ensureAppClient(cognito, userPoolId, `${options.poolName}-web`);
    const issuer = `${endpoint}/${userPoolId}`;
    return { userPoolId, clientId, issuer, jwksUri: `${issuer}/.well-known/jwks.json`, region: REGION };
  } finally {
    cognito.destroy();
  }
}

/** The pool's custom attributes: a user's unit, and a reviewer's scope (groups, top-level nodes). */
const CUSTOM_ATTRIBUTES = ["unitId", "scopeGroups", "scopeNodes"];

async function ensureUnitAttribute(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<void> {
  const pool = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  const present = new Set(pool.UserPool?.SchemaAttributes?.map((attribute) => attribute.Name));
  const missing = CUSTOM_ATTRIBUTES.filter((name) => !present.has(`custom:${name}`));
  if (missing.length === 0) return;
  await cognito.send(
    new AddCustomAttributesCommand({
      UserPoolId: userPoolId,
      CustomAttributes: missing.map((Name) => ({ Name, AttributeDataType: "String", Mutable: true })),
    }),
  );
}

async function ensureGroups(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<void> {
  const existing = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
  const names = new Set(existing.Groups?.map((group) => group.GroupName));
  for (const group of ROLE_GROUPS) {
    if (!names.has(group))
      await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
  }
}

async function ensureAppClient(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clientName: string,
): Promise<string> {
  const clients = await cognito.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  const found = clients.UserPoolClients?.find((client) => client.ClientName === clientName)?.ClientId;
  if (found) return found;
  const created = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: clientName,
      GenerateSecret: false,
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      // Amazon Cognito's defaults: 60-minute ID and access tokens, 30-day refresh tokens.
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { IdToken: "minutes", AccessToken: "minutes", RefreshToken: "days" },
    }),
  );
  const clientId = created.UserPoolClient?.ClientId;
  if (!clientId) throw new Error("CreateUserPoolClient returned no id");
  return clientId;
}

/**
 * Makes sure the user exists with a permanent password, the unit and (at least) the groups.
 * An existing, confirmed user keeps its password: a restart must not undo a change made since.
 * Returns true when the user was created.
 */
export async function ensureUser(endpoint: string, pool: UserPool, user: CognitoUser): Promise<boolean> {
  const cognito = clientFor(endpoint);
  try {
    return await ensureUserWith(cognito, pool.userPoolId, user);
  } finally {
    cognito.destroy();
  }
}

/**
 * ensureUser for many users, several at a time over one client: cognito-local rewrites the
 * pool's file on every change, and overlapping calls share those writes (see cognito-main.ts).
 * Measured here: 329 users in ≈ 2.3 s at 8 at a time, ≈ 7 s one by one. Returns how many were
 * created.
 */
export async function ensureUsers(
  endpoint: string,
  pool: UserPool,
  users: CognitoUser[],
  options: { concurrency?: number } = {},
): Promise<number> {
  const cognito = clientFor(endpoint);
  let created = 0;
  let next = 0;
  const worker = async () => {
    for (let user = users[next++]; user; user = users[next++]) {
      if (await ensureUserWith(cognito, pool.userPoolId, user)) created++;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    return created;
  } finally {
    cognito.destroy();
  }
}

async function ensureUserWith(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  user: CognitoUser,
): Promise<boolean> {
  const Username = user.username;
  const existing = await cognito
    .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username }))
    .catch((error: unknown) => {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    });
  const unit = user.unitId === undefined ? [] : [{ Name: UNIT_ATTRIBUTE, Value: user.unitId }];
  if (!existing) {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username,
        UserAttributes: unit,
        MessageAction: "SUPPRESS",
      }),
    );
  } else if (user.unitId !== undefined) {
    const current = existing.UserAttributes?.find((attribute) => attribute.Name === UNIT_ATTRIBUTE)?.Value;
    if (current !== user.unitId) {
      await cognito.send(
        new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username, UserAttributes: unit }),
      );
    }
  }
  if (existing?.UserStatus !== "CONFIRMED") {
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username,
        Password: user.password,
        Permanent: true,
      }),
    );
  }
  const groups = existing
    ? new Set(
        (
          await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username }))
        ).Groups?.map((group) => group.GroupName),
      )
    : new Set<string | undefined>();
  for (const GroupName of user.groups) {
    if (!groups.has(GroupName)) {
      await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username, GroupName }));
    }
  }
  return !existing;
}
