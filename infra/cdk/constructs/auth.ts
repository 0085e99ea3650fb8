import { join } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { ROLES } from "../../../shared/access/roles.ts";
import { ChisoFunction } from "../chiso-function.ts";
import { ROOT, type Settings } from "../settings.ts";
import { webAcl } from "../waf.ts";

/**
 * Sign-in: the Cognito user pool (one group per role), the web app's client, the trigger that keeps
 * admin/reviewer out of the tokens of a user without TOTP, and (waf=on) a per-IP rate limit on it.
 */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** The Cognito pre token generation trigger. Not among the route functions: no route, no table. */
  readonly staffMfa: ChisoFunction;

  constructor(scope: Construct, id: string, { settings }: { settings: Settings }) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, "UserPool", {
      userPoolName: `chiso-${settings.stage}`,
      // Admins create the users (POST /api/users, bootstrap-admin.ts): nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      customAttributes: {
        unitId: new cognito.StringAttribute({ mutable: true, maxLen: 64 }),
        scopeGroups: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
        scopeNodes: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
      },
      // shared/services/users.ts: 8+ characters with an upper- and a lower-case letter, a digit, a symbol.
      passwordPolicy: {
        minLength: 8,
        requireUppercase: true,
        requireLowercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // No e-mail or phone is collected: an admin resets a forgotten password.
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.LITE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) this.userPool.addGroup(`Group-${role}`, { groupName: role });

    // Admins and reviewers must sign in with TOTP: Cognito cannot require MFA per group, so the pool's
    // MFA stays OPTIONAL (TOTP only) and this trigger keeps those groups out of the tokens of a user
    // without TOTP (infra/cdk/triggers/staff-mfa.ts).
    this.staffMfa = new ChisoFunction(this, "CognitoStaffMfa", {
      handler: "triggers/staff-mfa",
      entry: join(ROOT, "infra", "cdk", "triggers", "staff-mfa.ts"),
      description: "Cognito pre token generation (chiso): admin and reviewer groups need TOTP",
      logRetention: settings.logRetention,
      memorySize: 256,
      // Cognito waits 5 s for a trigger.
      timeout: Duration.seconds(5),
    });
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION, this.staffMfa.function);
    // A Policy of its own, not the role's default policy: the function does not wait for it, so the
    // pool (which names the function as its trigger) may be named here without a dependency cycle.
    new iam.Policy(this, "CognitoStaffMfaReadUsers", {
      roles: [this.staffMfa.role],
      statements: [
        new iam.PolicyStatement({
          actions: ["cognito-idp:AdminGetUser"],
          resources: [this.userPool.userPoolArn],
        }),
      ],
    });

    this.userPoolClient = this.userPool.addClient("WebClient", {
      userPoolClientName: `chiso-${settings.stage}-web`,
      generateSecret: false,
      // The web app signs in with the Cognito API (USER_PASSWORD_AUTH / SRP): no hosted UI, no OAuth.
      disableOAuth: true,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
      // The custom attributes are the user's authority (unit, reviewer scope): only admins set them
      // (AdminCreateUser / AdminUpdateUserAttributes), never the user through this client.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    // The browser signs in against cognito-idp directly, not through CloudFront: this regional ACL on
    // the pool is what limits password guessing from one address. Part of waf=on.
    if (settings.waf) {
      const signInAcl = webAcl(this, "SignInWebAcl", {
        scope: "REGIONAL",
        name: `chiso-${settings.stage}-sign-in`,
        rateLimit: settings.wafSignInRateLimit,
        managedGroups: ["AWSManagedRulesAmazonIpReputationList"],
      });
      new wafv2.CfnWebACLAssociation(this, "SignInWebAclAssociation", {
        resourceArn: this.userPool.userPoolArn,
        webAclArn: signInAcl.attrArn,
      });
    }
  }
}
