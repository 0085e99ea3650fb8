import { defineConfig } from "vitest/config";

// The AWS SDK warns about Node 20 on every client; Lambda runs Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export default defineConfig({
  test: {
    // Two files at a time on the 2-core machine (vitest's default is cores − 1 = 1) where a project lets
    // its files run together (unit, web, infra). The projects whose files go one at a time share one
    // sequential queue in a run: `npm test` runs them in two vitest processes (test/run-projects.ts).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          setupFiles: ["test/support/hermetic-env.ts"],
          // The unit files share nothing through module state (checked with the files shuffled), so each
          // worker imports the domain once instead of once per file: 39 s became 19 s.
          isolate: false,
        },
      },
      {
        // The web's own logic (Excel import and template, router, autosave, formatting) in a DOM of
        // happy-dom, with the web's JSX settings; the browser journeys are the e2e project.
        oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
        test: {
          name: "web",
          include: ["test/web/**/*.test.{ts,tsx}"],
          setupFiles: ["test/support/hermetic-env.ts"],
          environment: "happy-dom",
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // One local stack for the whole run (DynamoDB Local is a JVM, startup costs seconds): started
          // here, handed to the files by `provide`. The files share it, one at a time on 2 cores.
          globalSetup: ["test/support/prewarm-bundles.ts", "test/support/integration-setup.ts"],
          fileParallelism: false,
          // Its own group, before "rights" (which reads the calls it records). Without an explicit
          // order, a one-worker project would run in vitest's last, sequential group.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "infra",
          include: ["test/infra/**/*.test.ts"],
          // The CDK app is synthesized once for the whole project (esbuild bundles ~30 functions):
          // here, handed to the files by `provide`; the files only read templates and bundles.
          globalSetup: ["test/infra/synth-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // Integration files again, against the stack in its bundle mode (infra/local/bundles/): each
          // function's shipped esbuild bundle in its own Node.js 22 processes, with only the template's
          // environment. The smoke journey (a whole period: units, evidence by presigned POST, close,
          // appraisal, publication) and the files that reach every route, to keep the cost down
          // (≈ 1 min); all the files run in-process in "integration". Global setups run in the order
          // of this list: infra's synth runs while the bundles' (prewarm-bundles.ts) goes on.
          name: "bundles",
          include: ["test/integration/{smoke,submission,publication,access,contract}.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          globalSetup: ["test/support/bundles-setup.ts"],
          fileParallelism: false,
          // Before "rights", which reads the variables the functions read (test/rights/environment.test.ts).
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "rights",
          include: ["test/rights/**/*.test.ts"],
          // Each file synthesizes the app once (no bundling, no cdk-nag): ≈ 10–20 s.
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // After the integration project: the calls it recorded (test/support/aws-calls.ts) are checked
          // against each function's IAM policy.
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // The journey runs the shipped bundles (the stack's bundle mode), synthesized here first.
          env: { CHISO_E2E_BUNDLES: "journey" },
          globalSetup: ["test/support/bundles-synth.ts"],
          // Chromium against a local stack that the test file starts (after `npm run build:web`): one
          // browser journey whose steps build on each other, so long timeouts and one file at a time.
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
