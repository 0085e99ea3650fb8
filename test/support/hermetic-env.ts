/**
 * Unit and web tests run without the local stack's environment: the integration project's stack runs
 * in the test runner's process and puts its names and endpoints in process.env, which the workers
 * inherit. A unit test of the API edge must not find an origin secret to check, a schedule group or
 * an endpoint there (nor in a developer's shell).
 */
const STACK_VARIABLES = [
  "ORIGIN_SECRET_PARAM",
  "ORIGIN_SECRET_HEADER",
  "DISTRIBUTION_ID",
  "SCHEDULE_GROUP",
  "SCHEDULER_ROLE_ARN",
  "CLOSE_DLQ_ARN",
  "JOB_FUNCTION_ARN",
  "JOB_FUNCTION_NAME",
  "REMINDER_FROM",
  "CHISO_CHECK_RESPONSES",
];
for (const name of Object.keys(process.env))
  if (STACK_VARIABLES.includes(name) || name.startsWith("AWS_ENDPOINT_URL")) delete process.env[name];
