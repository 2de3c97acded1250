/**
 * AWS calls of the schedule reconcile (every 15 minutes, every service of every cluster) on a
 * moto account grown from 100 to 2,000 services, a third of them tagged with a schedule: reads
 * per service, and the writes of each run — the first run after growing writes the new services'
 * actions, every later run must write nothing.
 */
import { ApiCallCounter, createAwsClients, mapWithConcurrency } from "../core/aws/index.ts";
import { DEFAULT_CONFIG } from "../core/config/index.ts";
import { reconcileSchedules } from "../core/schedule/index.ts";
import { createStateTable, StateTable } from "../core/state/index.ts";
import { SERVICE_TAGS } from "../core/tags.ts";
import { createCluster, createService, ecrImage } from "../sandbox/seed.ts";
import { CapacityMeter } from "./eventCalls.ts";

const SERVICES_PER_CLUSTER = 250;
const SCHEDULE = "Mon-Fri 07:00-19:00 Europe/Berlin";

/** Reads are what a reconcile does on every run; anything else changes AWS or the state table. */
const READ = /^(ECS\.(Describe|List)|ApplicationAutoScaling\.Describe|DynamoDB\.(Get|BatchGet|Query|Scan))/;

export interface RunCalls {
  readonly reads: number;
  readonly writes: number;
  readonly byOperation: Record<string, number>;
  /** DynamoDB request units (see {@link CapacityMeter}). */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Duration here, against moto. */
  readonly ms: number;
}

export interface ScheduleCallsRow {
  readonly services: number;
  readonly scheduled: number;
  readonly seedSeconds: number;
  /** The first reconcile after the account grew: writes only for the services added. */
  readonly first: RunCalls;
  /** The second and third runs: no writes. */
  readonly second: RunCalls;
  readonly third: RunCalls;
}

function split(
  byOperation: Record<string, number>,
  units: { readUnits: number; writeUnits: number; ms: number },
): RunCalls {
  let reads = 0;
  let writes = 0;
  for (const [operation, count] of Object.entries(byOperation))
    if (READ.test(operation)) reads += count;
    else writes += count;
  return { reads, writes, byOperation, ...units };
}

export async function scheduleCalls(region: string, sizes: readonly number[]): Promise<ScheduleCallsRow[]> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region, counter });
  const meter = new CapacityMeter();
  meter.attach(clients.dynamodb);
  const table = "bench-schedule";
  await createStateTable(clients, table);
  const state = new StateTable(clients.documents, table);
  const rows: ScheduleCallsRow[] = [];
  let seeded = 0;
  let clusters = 0;
  for (const size of sizes) {
    const started = performance.now();
    const needed = Math.ceil(size / SERVICES_PER_CLUSTER);
    for (; clusters < needed; clusters++) await createCluster(clients, `sched-${clusters}`);
    const indexes = Array.from({ length: size - seeded }, (_, i) => seeded + i);
    await mapWithConcurrency(indexes, 6, async (i) => {
      await createService(clients, {
        cluster: `sched-${Math.floor(i / SERVICES_PER_CLUSTER)}`,
        name: `svc-${i}`,
        family: `sched-${i}`,
        containers: [{ name: "app", image: ecrImage(region, "shop/web", "1.0.0"), essential: true }],
        ...(i % 3 === 0 ? { tags: { [SERVICE_TAGS.schedule]: SCHEDULE } } : {}),
      });
    });
    seeded = size;
    const seedSeconds = Math.round((performance.now() - started) / 100) / 10;
    const run = async (): Promise<RunCalls> => {
      counter.reset();
      meter.read = 0;
      meter.write = 0;
      const started = performance.now();
      const report = await reconcileSchedules(clients, state, DEFAULT_CONFIG);
      const ms = Math.round(performance.now() - started);
      const failed = report.services.filter((s) => s.failure || s.status === "invalid");
      if (failed.length > 0)
        throw new Error(
          `${size} services: the reconcile failed for ${failed.length} (${failed[0]?.failure ?? failed[0]?.error})`,
        );
      return split(counter.byOperation(), { readUnits: meter.read, writeUnits: meter.write, ms });
    };
    const first = await run();
    const second = await run();
    const third = await run();
    rows.push({ services: size, scheduled: Math.ceil(size / 3), seedSeconds, first, second, third });
  }
  return rows;
}
