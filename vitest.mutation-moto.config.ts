import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against a mutant of a module whose decisions are reached through the
 * state table (the monitor's incident state): the unit tests plus the moto-backed tests of
 * that module, with the moto server the normal suite starts.
 */
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/monitor/**/*.test.ts"],
    exclude: [
      "test/unit/architecture.test.ts",
      // Deploy-time config loading (infra/): process.chdir(), which Stryker's worker threads refuse.
      "test/unit/infra/**",
    ],
    globalSetup: ["test/setup/moto.global.ts"],
    setupFiles: ["test/setup/aws-environment.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
