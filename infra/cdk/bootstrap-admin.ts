/**
 * Creates the first admin of a deployed stage, so that someone can sign in and create everyone else
 * through the app (POST /api/users). Idempotent: an existing user gets the password and the group again.
 *
 *   npm run bootstrap-admin -- --stage prod [--username admin] [--outputs cdk.out/outputs.json]
 *   npm run bootstrap-admin -- --user-pool-id ap-southeast-1_AbCdEf --region ap-southeast-1
 *
 * The password comes from CHISO_ADMIN_PASSWORD, or is generated and printed once. The user pool id and
 * region come from the outputs file `npm run deploy` writes (or --user-pool-id / --region). AWS
 * credentials are the usual ones (AWS_PROFILE, environment, SSO), with cognito-idp:AdminCreateUser,
 * AdminSetUserPassword and AdminAddUserToGroup on the pool.
 */
import { randomInt } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { ROOT, stackName } from "./settings.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export const DEFAULT_OUTPUTS = join(ROOT, "cdk.out", "outputs.json");

/** 20 characters drawn from the four classes the pool's policy requires, at least one of each. */
export function generatePassword(length = 20): string {
  const classes = ["ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz", "23456789", "!#%+-.:=?@^_"];
  const all = classes.join("");
  const chars = classes.map((set) => set.charAt(randomInt(set.length)));
  while (chars.length < length) chars.push(all.charAt(randomInt(all.length)));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join("");
}

/** The pool's policy (shared/services/users.ts): 8+ characters, upper, lower, digit, symbol. */
export const meetsPolicy = (p: string) =>
  p.length >= 8 && /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p) && /[^A-Za-z0-9]/.test(p);

/** The pool id and region of a stage, from `cdk deploy --outputs-file`. */
export function poolFromOutputs(file: string, stage: string): { userPoolId: string; region: string } {
  if (!existsSync(file))
    throw new Error(
      `${file} not found: run \`npm run deploy\` first, or pass --user-pool-id and --region ` +
        `(aws cloudformation describe-stacks --stack-name ${stackName(stage)} --query "Stacks[0].Outputs")`,
    );
  const outputs = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>;
  const stack = outputs[stackName(stage)];
  if (!stack?.UserPoolId || !stack.Region)
    throw new Error(`${file} has no UserPoolId/Region for the stack ${stackName(stage)}`);
  return { userPoolId: stack.UserPoolId, region: stack.Region };
}

async function main() {
  const { values } = parseArgs({
    options: {
      stage: { type: "string", default: "dev" },
      username: { type: "string", default: "admin" },
      outputs: { type: "string", default: DEFAULT_OUTPUTS },
      "user-pool-id": { type: "string" },
      region: { type: "string" },
    },
  });
  const stage = values.stage as string;
  const { userPoolId, region } = values["user-pool-id"]
    ? { userPoolId: values["user-pool-id"], region: values.region ?? process.env.AWS_REGION ?? "" }
    : poolFromOutputs(values.outputs as string, stage);
  if (!region) throw new Error("no region: pass --region or set AWS_REGION");
  const username = values.username as string;
  const given = process.env.CHISO_ADMIN_PASSWORD;
  if (given !== undefined && !meetsPolicy(given))
    throw new Error("CHISO_ADMIN_PASSWORD: 8+ characters with upper, lower, digit and symbol");
  const password = given ?? generatePassword();

  const cognito = new CognitoIdentityProviderClient({ region });
  try {
    try {
      await cognito.send(
        new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: "SUPPRESS" }),
      );
      console.log(`created the user "${username}" in ${userPoolId}`);
    } catch (error) {
      if ((error as { name?: string }).name !== "UsernameExistsException") throw error;
      console.log(`the user "${username}" exists in ${userPoolId}: setting the password and group again`);
    }
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: username,
        Password: password,
        Permanent: true,
      }),
    );
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: "admin" }),
    );
  } finally {
    cognito.destroy();
  }
  console.log(`"${username}" is an admin.`);
  if (given === undefined) console.log(`password (shown once, store it now): ${password}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main().catch((error: Error) => {
    console.error(`bootstrap-admin: ${error.message}`);
    process.exit(1);
  });
