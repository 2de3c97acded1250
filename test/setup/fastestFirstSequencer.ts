import { statSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Runs the quickest test files first (vitest's own order runs the slowest first), for mutation
 * testing (`vitest.mutation-moto.config.ts`). Stryker stops a mutant's run at the first failing
 * test, so a mutant that a file of 1 s kills must not wait for the 1,000-stop flood
 * (`test/integration/monitor/crashLoopFlood.test.ts`, minutes on a loaded machine) to finish first.
 * The same tests run; only their order changes. Files without a recorded duration (never run
 * here) go first, smallest first.
 */
export default class FastestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const duration = (spec: TestSpecification) => this.ctx.cache.getTestSpecificationResult(spec)?.duration;
    const size = (spec: TestSpecification) => statSync(spec.moduleId).size;
    return [...files].sort((a, b) => {
      const [da, db] = [duration(a), duration(b)];
      if (da === undefined || db === undefined)
        return da === undefined && db === undefined ? size(a) - size(b) : da === undefined ? -1 : 1;
      return da - db;
    });
  }
}
