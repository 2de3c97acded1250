import { defineConfig } from "vitest/config";
import FastestFirstSequencer from "./test/setup/fastestFirstSequencer.ts";

/**
 * The tests Stryker runs against a mutant of a module whose decisions are reached through the
 * state table or ECS (the monitor's incident state, event and sweep decisions; the policy's
 * enforce mode): the unit tests plus the moto-backed tests of the monitor and the policy, against one moto server for the whole Stryker run
 * (`test/setup/moto.mutation.global.ts`), quickest files first (`fastestFirstSequencer.ts`).
 */
export default defineConfig({
  test: {
    include: [
      "test/unit/**/*.test.ts",
      "test/integration/monitor/**/*.test.ts",
      // What enforce mode does about a CloudTrail call (policy-enforce) reads ECS.
      "test/integration/policy/**/*.test.ts",
      // The policy rollback's faults (policy-rollback): lost replies, refusals, read-backs.
      "test/integration/review31*/policy*.test.ts",
      "test/integration/review32/policy*.test.ts",
      "test/integration/review37/monitor*.test.ts",
    ],
    exclude: [
      "test/unit/architecture.test.ts",
      // Deploy-time config loading (infra/): process.chdir(), which Stryker's worker threads refuse.
      "test/unit/infra/**",
    ],
    globalSetup: ["test/setup/moto.mutation.global.ts"],
    setupFiles: ["test/setup/aws-environment.ts"],
    sequence: { sequencer: FastestFirstSequencer },
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
