import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One moto server per worker (started once in globalSetup); each test file resets its own.
    globalSetup: ["test/setup/moto.global.ts"],
    setupFiles: ["test/setup/aws-environment.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The JSON report gives CI its closing "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "reports/vitest.json" }]],
  },
});
