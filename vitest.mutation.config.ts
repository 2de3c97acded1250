import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`): the pure unit tests of
 * the decision modules. No moto server: a mutant is run thousands of times, and the decisions
 * under mutation are pure functions with unit tests of their own (docs/testing.md says which
 * decisions are only reachable through moto, and how they are covered instead).
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
