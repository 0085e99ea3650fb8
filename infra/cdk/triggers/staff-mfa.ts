import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import type { PreTokenGenerationTriggerEvent } from "aws-lambda";

/**
 * Cognito pre token generation trigger (event V1, available on the Lite plan): the groups that must
 * sign in with TOTP. Cognito cannot require MFA per group, so the pool's MFA is OPTIONAL (TOTP only)
 * and this trigger keeps those groups out of the tokens of a user who has no TOTP enabled:
 *
 * - a user in none of these groups: tokens unchanged, no call made;
 * - a user in one, with SOFTWARE_TOKEN_MFA enabled: Cognito challenged them for a TOTP code before
 *   issuing tokens (an OPTIONAL pool challenges every user who enabled a factor), tokens unchanged;
 * - a user in one, without: the tokens carry the other groups only, and the claim
 *   `chiso_mfa: "setup-required"` in the ID token. The API sees no admin/reviewer role; the web app
 *   uses the access token to enrol TOTP (AssociateSoftwareToken, VerifySoftwareToken,
 *   SetUserMFAPreference), then signs in again and answers the SOFTWARE_TOKEN_MFA challenge.
 *
 * The same holds on every refresh (TokenGeneration_RefreshTokens): a staff user who turns TOTP off
 * loses the role at the next refresh, within the ID token's hour.
 */
export const MFA_GROUPS: readonly string[] = ["admin", "reviewer"];
export const MFA_CLAIM = "chiso_mfa";
export const MFA_SETUP_REQUIRED = "setup-required";

/** The part of AdminGetUser the decision reads. */
export type MfaSettingsOf = (userPoolId: string, username: string) => Promise<readonly string[]>;

export async function requireStaffMfa(
  event: PreTokenGenerationTriggerEvent,
  mfaSettingsOf: MfaSettingsOf,
  groups: readonly string[] = MFA_GROUPS,
): Promise<PreTokenGenerationTriggerEvent> {
  const member = event.request.groupConfiguration.groupsToOverride ?? [];
  if (!member.some((g) => groups.includes(g))) return event;
  const enabled = await mfaSettingsOf(event.userPoolId, event.userName);
  if (enabled.includes("SOFTWARE_TOKEN_MFA")) return event;
  event.response.claimsOverrideDetails = {
    ...event.response.claimsOverrideDetails,
    claimsToAddOrOverride: {
      ...event.response.claimsOverrideDetails?.claimsToAddOrOverride,
      [MFA_CLAIM]: MFA_SETUP_REQUIRED,
    },
    groupOverrideDetails: {
      ...event.response.claimsOverrideDetails?.groupOverrideDetails,
      groupsToOverride: member.filter((g) => !groups.includes(g)),
    },
  };
  return event;
}

let client: CognitoIdentityProviderClient | undefined;

const adminMfaSettings: MfaSettingsOf = async (userPoolId, username) => {
  client ??= new CognitoIdentityProviderClient({});
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  return user.UserMFASettingList ?? [];
};

export const handler = (event: PreTokenGenerationTriggerEvent) => requireStaffMfa(event, adminMfaSettings);
