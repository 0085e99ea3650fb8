import { defineConfig } from "vitest/config";

// The AWS SDK warns about Node 20 on every client; Lambda runs Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Each file starts its own stack (DynamoDB Local is a JVM): one file at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
