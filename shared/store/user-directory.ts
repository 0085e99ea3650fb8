import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { conflict, unprocessable } from "../errors.ts";
import type { UserDirectory } from "../services/context.ts";

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
    try {
      await this.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          Password: user.password,
          Permanent: true,
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === "InvalidPasswordException")
        throw unprocessable("weak-password", (error as Error).message, [
          { path: "password", message: (error as Error).message },
        ]);
      throw error;
    }
    for (const role of user.roles)
      await this.client.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          GroupName: role,
        }),
      );
  }
}
