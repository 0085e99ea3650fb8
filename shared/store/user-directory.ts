import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { ROLES } from "../access/roles.ts";
import { conflict, notFound, unprocessable } from "../errors.ts";
import type { DirectoryUser, UserDirectory } from "../services/context.ts";

/** Users in the Cognito user pool: roles are groups, the unit is custom:unitId (API.md "Sign-in"). */
export class CognitoUserDirectory implements UserDirectory {
  private readonly client: CognitoIdentityProviderClient;

  constructor(
    private readonly userPoolId: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.client = new CognitoIdentityProviderClient(
      env.COGNITO_ENDPOINT ? { endpoint: env.COGNITO_ENDPOINT, region: env.AWS_REGION ?? "local" } : {},
    );
  }

  async create(user: Parameters<UserDirectory["create"]>[0]): Promise<void> {
    const attributes = [
      ...(user.unitId ? [{ Name: "custom:unitId", Value: user.unitId }] : []),
      ...(user.scope?.groups ? [{ Name: "custom:scopeGroups", Value: user.scope.groups.join(",") }] : []),
      ...(user.scope?.nodes ? [{ Name: "custom:scopeNodes", Value: user.scope.nodes.join(",") }] : []),
    ];
    try {
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          MessageAction: "SUPPRESS",
          UserAttributes: attributes,
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === "UsernameExistsException")
        throw conflict("user-exists", `user "${user.username}" exists`);
      throw error;
    }
    await this.setPassword(user.username, user.password, true);
    await this.setRoles(user.username, user.roles, []);
  }

  /** ListUsers pages by 60; the roles come from each group's members (4 groups), not a call per user. */
  async list(): Promise<DirectoryUser[]> {
    const users: DirectoryUser[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.userPoolId, Limit: 60, PaginationToken: token }),
      );
      for (const u of page.Users ?? [])
        users.push(toUser(u.Username ?? "", u.Attributes, u.Enabled, u.UserStatus, u.UserCreateDate, []));
      token = page.PaginationToken;
    } while (token);
    const members = await Promise.all(ROLES.map(async (role) => [role, await this.members(role)] as const));
    for (const user of users)
      user.roles = members.filter(([, names]) => names.has(user.username)).map(([role]) => role);
    return users;
  }

  async get(username: string): Promise<DirectoryUser | undefined> {
    try {
      // Independent reads: one round trip's wait, not two.
      const [u, groups] = await Promise.all([
        this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username })),
        this.client.send(
          new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, Limit: 60 }),
        ),
      ]);
      const roles = (groups.Groups ?? []).map((g) => g.GroupName ?? "").filter(Boolean);
      return toUser(
        u.Username ?? username,
        u.UserAttributes,
        u.Enabled,
        u.UserStatus,
        u.UserCreateDate,
        roles,
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async setAttributes(username: string, attributes: Record<string, string>): Promise<void> {
    const list = Object.entries(attributes).map(([name, value]) => ({
      Name: `custom:${name}`,
      Value: value,
    }));
    if (list.length === 0) return;
    await this.guard(() =>
      this.client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          UserAttributes: list,
        }),
      ),
    );
  }

  async setRoles(username: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    for (const GroupName of add)
      await this.guard(() =>
        this.client.send(
          new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName }),
        ),
      );
    for (const GroupName of remove)
      await this.guard(() =>
        this.client.send(
          new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName }),
        ),
      );
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    const input = { UserPoolId: this.userPoolId, Username: username };
    await this.guard(() =>
      this.client.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input)),
    );
  }

  async setPassword(username: string, password: string, permanent: boolean): Promise<void> {
    try {
      await this.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.userPoolId,
          Username: username,
          Password: password,
          Permanent: permanent,
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === "InvalidPasswordException")
        throw unprocessable("weak-password", (error as Error).message, [
          { path: "password", message: (error as Error).message },
        ]);
      if (isNotFound(error)) throw notFound("user");
      throw error;
    }
  }

  private async members(group: string): Promise<Set<string>> {
    const names = new Set<string>();
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListUsersInGroupCommand({
            UserPoolId: this.userPoolId,
            GroupName: group,
            Limit: 60,
            NextToken: token,
          }),
        );
        for (const u of page.Users ?? []) if (u.Username) names.add(u.Username);
        token = page.NextToken;
      } while (token);
    } catch (error) {
      // A role nobody was ever given may have no group yet (a fresh local pool): no members.
      if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
    }
    return names;
  }

  /** A user removed meanwhile is a 404, as for any other entity. */
  private async guard(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (isNotFound(error)) throw notFound("user");
      throw error;
    }
  }
}

const isNotFound = (error: unknown) => (error as { name?: string }).name === "UserNotFoundException";

function toUser(
  username: string,
  attributes: AttributeType[] | undefined,
  enabled: boolean | undefined,
  status: string | undefined,
  created: Date | undefined,
  roles: string[],
): DirectoryUser {
  const custom: Record<string, string> = {};
  for (const { Name, Value } of attributes ?? [])
    if (Name?.startsWith("custom:") && Value) custom[Name.slice("custom:".length)] = Value;
  return {
    username,
    roles,
    attributes: custom,
    enabled: enabled !== false,
    status: status ?? "UNKNOWN",
    ...(created ? { createdAt: new Date(created).toISOString() } : {}),
  };
}
