/** What the integration global setup hands to the test files (serialisable: it crosses processes). */
export interface StackInfo {
  /** The gateway: the one origin of API.md. */
  url: string;
  auth: { region: string; userPoolId: string; clientId: string; endpoint: string };
  /** s3rver, for checking the evidence bucket directly. */
  s3Endpoint: string;
  evidenceBucket: string;
  /** The stack's temporary data folder (logs under logs/). */
  dataDir: string;
  /** The environment the stack gives its functions (emulator endpoints, table and bucket names). */
  env: Record<string, string>;
}

export const ADMIN_PASSWORD = "Admin@12345";
/** The local scheduler closes a period this long after its deadline (see integration-setup.ts). */
export const CLOSE_LAG_MS = 15_000;

declare module "vitest" {
  export interface ProvidedContext {
    chisoStack: StackInfo;
  }
}
