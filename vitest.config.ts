import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The JSON report gives CI its closing "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["test/**/*.test.ts"],
          exclude: ["test/proof/**"],
          // One moto server per worker (started once in globalSetup); each test file resets its own.
          globalSetup: ["test/setup/moto.global.ts"],
          // Every AWS call a function makes is recorded for the IAM proof.
          setupFiles: ["test/setup/aws-environment.ts", "test/setup/recordAwsCalls.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          // Runs after the suite: it reads what the suite's tests recorded.
          name: "proof",
          include: ["test/proof/**/*.test.ts"],
          testTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
