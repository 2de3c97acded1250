/**
 * AWS calls per ECR push, ecs-autopilot against the naive baseline ({@link naiveRedeploy}), on
 * the same moto account, grown from the smallest size to the largest: each size is seeded once
 * and measured three times — autopilot's first push (it builds the repository → services index),
 * autopilot's steady state (the index exists), and the naive push.
 */
import { ApiCallCounter, createAwsClients } from "../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../core/config/index.ts";
import { pushFromEvent, redeployPush } from "../core/redeploy/index.ts";
import { createStateTable, StateTable } from "../core/state/index.ts";
import { ACCOUNT, ecrPushEvent, pushImage } from "../sandbox/seed.ts";
import { BenchFleet, PUSHED_REPOSITORY, type SeedStep } from "./fleet.ts";
import { naiveRedeploy } from "./naiveRedeploy.ts";

export interface PushRun {
  /** AWS calls of the push, all services and operations. */
  readonly calls: number;
  /** Services the push rolled out (each must equal the tracking services). */
  readonly rolledOut: number;
  readonly byOperation: Record<string, number>;
}

export interface PushCallsRow {
  readonly services: number;
  readonly clusters: number;
  readonly tracking: number;
  readonly seed: SeedStep;
  readonly first: PushRun;
  readonly steady: PushRun;
  readonly naive: PushRun;
}

export async function pushCalls(region: string, sizes: readonly number[]): Promise<PushCallsRow[]> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region, counter });
  const fleet = new BenchFleet(clients, region, Math.max(...sizes));
  const registry = `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com`;
  let minor = 0;
  const rows: PushCallsRow[] = [];
  for (const size of sizes) {
    const seed = await fleet.grow(size);
    // A fresh state table per size: the first push finds no index and builds it.
    const table = `bench-push-${size}`;
    await createStateTable(clients, table);
    const context = { clients, state: new StateTable(clients.documents, table), config: DEFAULT_CONFIG };
    const autopilot = async (): Promise<PushRun> => {
      const tag = `1.${++minor}.0`;
      const digest = await pushImage(clients, PUSHED_REPOSITORY, tag);
      counter.reset();
      const report = await redeployPush(
        pushFromEvent(
          ecrPushEvent({ region, repository: PUSHED_REPOSITORY, digest, tag, id: `bench-${tag}` }),
        ),
        context,
      );
      return {
        calls: counter.total(),
        rolledOut: report.outcomes.filter((o) => o.kind === "deployed").length,
        byOperation: counter.byOperation(),
      };
    };
    const first = await autopilot();
    const steady = await autopilot();
    const tag = `1.${++minor}.0`;
    await pushImage(clients, PUSHED_REPOSITORY, tag);
    counter.reset();
    const rolledOut = await naiveRedeploy(clients, { registry, repository: PUSHED_REPOSITORY, tag });
    const naive = { calls: counter.total(), rolledOut, byOperation: counter.byOperation() };
    for (const [name, run] of Object.entries({ first, steady, naive }))
      if (run.rolledOut !== seed.tracking)
        throw new Error(
          `${size} services: the ${name} push rolled out ${run.rolledOut} services, expected the ${seed.tracking} tracking ones`,
        );
    rows.push({
      services: size,
      clusters: seed.clusters,
      tracking: seed.tracking,
      seed,
      first,
      steady,
      naive,
    });
  }
  return rows;
}
