import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`): the pure unit tests of
 * the decision modules. No moto server: a mutant is run thousands of times. Groups whose
 * decisions are reached through the state table or ECS run with vitest.mutation-moto.config.ts
 * instead (`MOTO_GROUPS` in stryker.config.mjs); a group here is only as good as the unit tests
 * of its modules (a module with none scores its mutants as no coverage).
 */
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    // Reads source files as text, never imports them: nothing to learn from it under mutation.
    exclude: [
      "test/unit/architecture.test.ts",
      // Deploy-time config loading (infra/): process.chdir(), which Stryker's worker threads refuse.
      "test/unit/infra/**",
    ],
    testTimeout: 30_000,
  },
});
