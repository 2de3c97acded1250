/**
 * The service index under faults: cluster `search` has two services on `shop/search`; the
 * scheduled rebuild runs, then a third service is created and its CloudTrail CreateService call
 * arrives. The index must list all three (the redeploy flow finds services only through it).
 */
import { repositoryKey, ServiceIndex } from "../../../core/redeploy/index.ts";
import { createServiceIndexHandler } from "../../../functions/service-index.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import type { Harness } from "../Harness.ts";
import { ACCOUNT, REGION } from "../Harness.ts";
import type { FlowSpec, Invariant } from "../scenario.ts";
import { cloudTrailCall, scheduledEvent } from "./events.ts";
import { deadLettered } from "./readBack.ts";

const REBUILD = "scheduled rebuild";
const CREATED = "CloudTrail CreateService search/query-2";
const serviceArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/search/${name}`;

interface IndexObservation {
  readonly indexed: readonly string[];
  readonly built: boolean;
  readonly rebuildDeadLettered: boolean;
  readonly createDeadLettered: boolean;
}

const createSearchService = (h: Harness, name: string) =>
  createService(h.direct, {
    cluster: "search",
    name,
    containers: [{ name, image: ecrImage(REGION, "shop/search", "7.1.0"), essential: true }],
  });

const invariants: Invariant<IndexObservation>[] = [
  {
    id: "I1",
    says: "the index lists every service of the repository, unless the event that adds it was dead-lettered",
    breaks: "lost",
    check: (o) => {
      const due = [
        ...(o.rebuildDeadLettered ? [] : ["indexer", "query"]),
        ...(o.createDeadLettered ? [] : ["query-2"]),
      ];
      return due
        .filter((name) => !o.indexed.includes(serviceArn(name)))
        .map((name) => `search/${name} is not in the index: pushes to shop/search will not redeploy it`);
    },
  },
  {
    id: "I2",
    says: "the index is marked built only when the rebuild completed",
    breaks: "inconsistent",
    check: (o) =>
      o.built && !["indexer", "query"].every((name) => o.indexed.includes(serviceArn(name)))
        ? ["the index says it was built but misses services of the rebuild"]
        : [],
  },
];

export const serviceIndexFlow: FlowSpec<undefined, IndexObservation> = {
  name: "service-index",
  functionName: "service-index",
  story:
    "cluster `search` with 2 services on `shop/search`: the scheduled rebuild, then a third service and its CloudTrail CreateService",
  config: {},
  async seed(h) {
    await createCluster(h.direct, "search");
    await createSearchService(h, "indexer");
    await createSearchService(h, "query");
    return undefined;
  },
  steps: (h) => [
    { label: REBUILD, event: scheduledEvent("8b7c6d5e-0000-4000-8000-000000000001") },
    {
      label: CREATED,
      before: async () => {
        await createSearchService(h, "query-2");
      },
      event: cloudTrailCall("8b7c6d5e-0000-4000-8000-000000000002", "CreateService", {
        cluster: "search",
        serviceName: "query-2",
      }),
    },
  ],
  handler: (_h, clients) =>
    createServiceIndexHandler(createRuntime("service-index", { clients: clients.aws })),
  async observe(h, _world, run) {
    const index = new ServiceIndex(h.direct, h.state);
    const entries = await index.lookup(repositoryKey(ACCOUNT, REGION, "shop/search"));
    return {
      indexed: entries.map((e) => e.serviceArn).sort(),
      built: await index.isBuilt(),
      rebuildDeadLettered: deadLettered(run, REBUILD),
      createDeadLettered: deadLettered(run, CREATED),
    };
  },
  invariants,
};
