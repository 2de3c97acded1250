/**
 * The account the call-count benchmarks run against: a moto account grown in steps (10 → 100 →
 * 1,000 → 5,000 services), each step seeded once and reused by every measurement at that size.
 */
import { mapWithConcurrency } from "../core/aws/concurrency.ts";
import type { AwsClients } from "../core/aws/index.ts";
import { SERVICE_TAGS } from "../core/tags.ts";
import { createCluster, createRepository, createService, ecrImage } from "../sandbox/seed.ts";

/** The repository the measured pushes go to. */
export const PUSHED_REPOSITORY = "shop/web";
/** Repositories the other services use (none of them is pushed). */
const OTHER_REPOSITORIES = 20;
/** Services per cluster: a 5,000-service account has 20 clusters. */
const SERVICES_PER_CLUSTER = 250;
/** Every 100th service tracks the pushed repository: 1% (at least one). */
const TRACKING_EVERY = 100;
/** Calls in flight while seeding (moto answers one at a time; a few in flight hide the client's latency). */
const SEED_CONCURRENCY = 6;

export const clusterName = (index: number): string => `bench-${index}`;
export const isTracking = (serviceIndex: number): boolean => serviceIndex % TRACKING_EVERY === 0;
export const trackingCount = (services: number): number => Math.ceil(services / TRACKING_EVERY);

/** Clusters an account of `services` services has (at least 2). */
export const clustersFor = (services: number): number =>
  Math.max(2, Math.ceil(services / SERVICES_PER_CLUSTER));

export interface SeedStep {
  readonly services: number;
  readonly clusters: number;
  readonly tracking: number;
  /** Services added in this step and the seconds it took (RegisterTaskDefinition + CreateService each). */
  readonly added: number;
  readonly seconds: number;
}

/**
 * A growing account: {@link grow} adds services until the account holds `services` of them.
 * Service `i` lives in cluster `i mod clusters(final size)`, has its own task-definition family,
 * carries `autopilot:redeploy=minor`, and runs an image of {@link PUSHED_REPOSITORY} when
 * {@link isTracking}, else one of 20 other repositories.
 */
export class BenchFleet {
  #services = 0;
  #clusters = 0;
  readonly #clients: AwsClients;
  readonly #region: string;
  readonly #finalClusters: number;

  constructor(clients: AwsClients, region: string, finalSize: number) {
    this.#clients = clients;
    this.#region = region;
    this.#finalClusters = clustersFor(finalSize);
  }

  get services(): number {
    return this.#services;
  }

  async grow(services: number): Promise<SeedStep> {
    const started = performance.now();
    if (this.#services === 0) await createRepository(this.#clients, PUSHED_REPOSITORY);
    // Clusters are created as they are first needed, so a 10-service account has 2, not 20.
    const clusters = Math.min(this.#finalClusters, clustersFor(services));
    for (let c = this.#clusters; c < clusters; c++) await createCluster(this.#clients, clusterName(c));
    this.#clusters = Math.max(this.#clusters, clusters);
    const indexes = Array.from({ length: services - this.#services }, (_, i) => this.#services + i);
    await mapWithConcurrency(indexes, SEED_CONCURRENCY, async (i) => {
      const repository = isTracking(i) ? PUSHED_REPOSITORY : `team-${i % OTHER_REPOSITORIES}/app`;
      await createService(this.#clients, {
        cluster: clusterName(i % this.#clusters),
        name: `svc-${i}`,
        family: `svc-${i}`,
        tags: { [SERVICE_TAGS.redeploy]: "minor" },
        containers: [{ name: "app", image: ecrImage(this.#region, repository, "1.0.0"), essential: true }],
      });
    });
    const added = services - this.#services;
    this.#services = services;
    return {
      services,
      clusters: this.#clusters,
      tracking: trackingCount(services),
      added,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  }
}
