import type { TestProject } from "vitest/node";
import { startMotoServer } from "../../scripts/moto-server.ts";

/**
 * The moto server of a mutation run (`vitest.mutation-moto.config.ts`). `npm run test:mutation`
 * starts one server for the whole Stryker run of a moto-backed group and names it in
 * `MUTATION_MOTO_ENDPOINT`: Stryker restarts its test runner after every mutant that times out,
 * and each restart would otherwise boot moto again (2.5–3 s on the shared 2-core machine). Each
 * test file still resets the server before it runs (`test/setup/aws-environment.ts`). Without
 * the variable (`npx stryker run` by hand) this starts a server of its own: Stryker runs one
 * test worker, so one server.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const shared = process.env.MUTATION_MOTO_ENDPOINT;
  if (shared) {
    project.provide("motoEndpoints", [shared]);
    return undefined;
  }
  const server = await startMotoServer();
  project.provide("motoEndpoints", [server.endpoint]);
  return () => server.stop();
}
