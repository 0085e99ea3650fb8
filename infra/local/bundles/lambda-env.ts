import { localFunctionName } from "../invoke.ts";

/**
 * What the Lambda runtime itself, and this machine, add to the template's environment of a function.
 * Nothing else of the stack's process reaches a function: a variable the code reads and the template
 * does not set is unset, as in the cloud (test/rights/environment.test.ts checks every one read).
 */
export const LAMBDA_ADDITIONS = {
  /** Set by the Lambda runtime in every function (the SDK reads the region; Powertools the name). */
  runtime: [
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_EXECUTION_ENV",
    "LAMBDA_TASK_ROOT",
    "TZ",
    "_HANDLER",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
  ],
  /** The role's credentials, which Lambda puts in the environment: here the stack's local key pair. */
  credentials: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
  /**
   * Where the local services answer, from the stack's environment. The code reads the first four
   * itself (shared/store: DynamoDB Local, s3rver and its public face at the gateway, cognito-local);
   * the SDK reads the standard AWS_ENDPOINT_URL_<service> ones (infra/local/aws-endpoints.ts). In the
   * cloud none is set and each client uses the region's endpoint.
   */
  endpoints: [
    "DYNAMODB_ENDPOINT",
    "S3_ENDPOINT",
    "S3_PUBLIC_ENDPOINT",
    "COGNITO_ENDPOINT",
    "AWS_ENDPOINT_URL_LAMBDA",
    "AWS_ENDPOINT_URL_SCHEDULER",
    "AWS_ENDPOINT_URL_SESV2",
    "AWS_ENDPOINT_URL_CLOUDFRONT",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
  ],
} as const;

/** A function's process environment: the template's (resolved), the runtime's, the local endpoints. */
export function lambdaEnvironment(
  fn: { handler: string; assetDir: string; memoryMb: number },
  templateEnv: Record<string, string>,
  stackEnv: Record<string, string | undefined>,
  region: string,
): Record<string, string> {
  const runtime: Record<(typeof LAMBDA_ADDITIONS.runtime)[number], string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: localFunctionName(fn.handler),
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    LAMBDA_TASK_ROOT: fn.assetDir,
    TZ: ":UTC",
    _HANDLER: "index.handler",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${localFunctionName(fn.handler)}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "local",
  };
  const fromStack = [...LAMBDA_ADDITIONS.credentials, ...LAMBDA_ADDITIONS.endpoints].flatMap((name) => {
    const value = stackEnv[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  return { ...templateEnv, ...runtime, ...Object.fromEntries(fromStack) };
}

/**
 * The heap Lambda's Node.js bootstrap gives a function of `memoryMb`: a tenth for the young generation
 * (two semi-spaces of half that), the rest for the old one.
 */
export function heapArgs(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}
