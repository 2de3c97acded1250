import {
  DescribeServiceRevisionsCommand,
  type DescribeServiceRevisionsCommandOutput,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
  ServiceDeploymentStatus,
  UnsupportedFeatureException,
} from "@aws-sdk/client-ecs";
import { chunk } from "../aws/concurrency.ts";

/** DescribeServiceRevisions takes at most 20 ARNs per call (ECS API reference). */
const ARNS_PER_CALL = 20;

/**
 * The image digest each container of a service runs, as ECS itself resolved it, by service ARN.
 *
 * ECS resolves every image tag of a task definition to a digest when it creates a service revision
 * (software version consistency), starts every task of that revision on that digest, and a
 * circuit-breaker rollback goes back to the last successful revision and its digests without
 * creating a new one. So for a container whose task definition names a tag, the service revisions
 * DescribeServices reports current (`currentServiceRevisions`) say what actually runs, where the
 * tag's present image in ECR and the deployment's time can only guess.
 *
 * Asked only for services `needed` selects (one DescribeServiceRevisions per 20 revisions, across
 * services). A container is answered only when every current revision names it with the same digest:
 * two revisions that disagree are a roll-out still under way, and a revision without a digest is one
 * ECS did not resolve (version consistency turned off for the container, or a revision created
 * before service revisions existed, 2024-10-25). ECS answers nothing for services it reports no
 * current revision for (moto 5.2.1 reports none, and has no DescribeServiceRevisions), nor where
 * the API is not supported (`UnsupportedFeatureException`). Any other error fails the call.
 *
 * @example
 * const digests = await runningDigests(ecs, services, (s) => true);
 * digests.get(serviceArn); // { web: "sha256:…" }
 */
export async function runningDigests(
  ecs: ECSClient,
  services: readonly Service[],
  needed: (service: Service) => boolean,
): Promise<Map<string, Record<string, string>>> {
  const revisionsOf = new Map<string, string[]>();
  for (const service of services) {
    if (!service.serviceArn || !needed(service)) continue;
    revisionsOf.set(
      service.serviceArn,
      (service.currentServiceRevisions ?? []).flatMap((r) => (r.arn ? [r.arn] : [])),
    );
  }
  const images = await revisionImages(ecs, [...new Set([...revisionsOf.values()].flat())]);
  const result = new Map<string, Record<string, string>>();
  for (const [serviceArn, arns] of revisionsOf) {
    const described = arns.map((arn) => images.get(arn));
    const [first, ...rest] = described;
    // No current revision, or one ECS did not describe (a failure entry): the service is unanswered
    // (below, a container counts only where every revision names the same digest).
    if (!first) continue;
    // Defined, not assigned: a container may be named `__proto__`.
    const digests: Record<string, string> = Object.fromEntries(
      [...first].flatMap(([container, { digest }]) =>
        digest?.startsWith("sha256:") && rest.every((r) => r?.get(container)?.digest === digest)
          ? [[container, digest]]
          : [],
      ),
    );
    if (Object.keys(digests).length > 0) result.set(serviceArn, digests);
  }
  return result;
}

/** A container's image in a service revision: the digest ECS resolved (if it did) and the image it names. */
interface RevisionImage {
  readonly digest?: string;
  readonly image?: string;
}

/** The container images of service revisions: container name → image, by revision ARN. */
type RevisionImages = Map<string, Map<string, RevisionImage>>;

/**
 * DescribeServiceRevisions, 20 ARNs per call. A Region or partition without service revisions
 * (`UnsupportedFeatureException`) describes nothing, as for a service with none; any other error
 * is thrown.
 */
async function revisionImages(ecs: ECSClient, arns: readonly string[]): Promise<RevisionImages> {
  const images: RevisionImages = new Map();
  for (const batch of chunk(arns, ARNS_PER_CALL)) {
    let response: DescribeServiceRevisionsCommandOutput;
    try {
      response = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch }));
    } catch (error) {
      if (error instanceof UnsupportedFeatureException) return new Map();
      throw error;
    }
    for (const revision of response.serviceRevisions ?? []) {
      if (!revision.serviceRevisionArn) continue;
      images.set(
        revision.serviceRevisionArn,
        new Map(
          (revision.containerImages ?? []).map((c) => [
            c.containerName ?? "",
            {
              ...(c.imageDigest !== undefined ? { digest: c.imageDigest } : {}),
              ...(c.image !== undefined ? { image: c.image } : {}),
            },
          ]),
        ),
      );
    }
  }
  return images;
}

/** Pages of 100 rolled-back deployments read at most; more fails the push (never read as "none"). */
const MAX_DEPLOYMENT_PAGES = 10;

/** The service deployment statuses of a deployment ECS rolled back (or is rolling back). */
const ROLLED_BACK = [
  ServiceDeploymentStatus.ROLLBACK_REQUESTED,
  ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS,
  ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL,
  ServiceDeploymentStatus.ROLLBACK_FAILED,
];

/**
 * A deployment ECS rolled back whose images it does not name, so what it deployed cannot be told:
 * a container its target revision gives no digest for (ECS does not resolve the tag of a container
 * whose `versionConsistency` is `disabled`; `ContainerImage.imageDigest` is optional in the API),
 * or no target revision at all (`ServiceDeploymentBrief.targetServiceRevisionArn` is optional too).
 */
export interface UnresolvedRollback {
  /** The rolled-back service deployment's ARN. */
  readonly deployment: string;
  /** The container its target revision names no digest for; undefined: it names no target revision. */
  readonly container?: string;
  /** That container's image as the revision names it (its tag). */
  readonly image?: string;
}

/** What ECS rolled back on a service since a time: the digests, and the deployments it does not say the images of. */
export interface RolledBack {
  readonly digests: ReadonlySet<string>;
  readonly unresolved: readonly UnresolvedRollback[];
}

const NOTHING_ROLLED_BACK: RolledBack = { digests: new Set(), unresolved: [] };

/** The digest a revision's container ran: ECS's resolved one, else the one its image is pinned to. */
function digestOf(image: RevisionImage): string | undefined {
  if (image.digest?.startsWith("sha256:")) return image.digest;
  const pinned = image.image?.match(/@(sha256:[0-9a-f]{64})$/)?.[1];
  return pinned;
}

/**
 * The image digests of the deployments of `service` created after `since` that ECS rolled back
 * (circuit breaker, CloudWatch alarms): ListServiceDeployments (pages of 100, followed; the
 * `createdAt.after` filter is checked again on each result) and one DescribeServiceRevisions of
 * their target revisions per 20. Nothing where ECS reports no service revisions for the service
 * (moto; revisions older than 2024-10-25) or does not support them.
 *
 * Only the digests such a deployment brought: a container's digest that the service runs now
 * (every current service revision, described in the same calls, runs it in that container) was
 * not taken away by the rollback — a settings change on top of build 42, rolled back to the
 * revision running build 42, says nothing against build 42. What a rolled-back deployment
 * replaced is named only by DescribeServiceDeployments (its source revisions), an action the
 * functions are not granted: so a digest the rolled-back target shared with the revision rolled
 * back to, replaced since by a later deployment, still counts (the push is skipped, never
 * deployed wrongly). A current revision ECS does not describe excludes nothing.
 *
 * A rolled-back deployment whose images ECS does not name (a container without a digest, no target
 * revision) is `unresolved`, never read as "not rolled back": the caller decides whether it may
 * have been the pushed image (a container of the pushed repository) and fails closed there.
 *
 * @example
 * (await rolledBackDigests(ecs, service, new Date(push.time))).digests.has(push.digest); // rolled back since
 */
export async function rolledBackDigests(ecs: ECSClient, service: Service, since: Date): Promise<RolledBack> {
  if (!service.serviceArn || (service.currentServiceRevisions ?? []).length === 0) return NOTHING_ROLLED_BACK;
  const targets = new Map<string, string>();
  const unresolved: UnresolvedRollback[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  try {
    do {
      const page = await ecs.send(
        new ListServiceDeploymentsCommand({
          service: service.serviceArn,
          ...(service.clusterArn ? { cluster: service.clusterArn } : {}),
          status: ROLLED_BACK,
          createdAt: { after: since },
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      // The filter is ECS's; the time is checked here too (the API promises no order either).
      for (const deployment of page.serviceDeployments ?? []) {
        if (deployment.createdAt !== undefined && !(deployment.createdAt > since)) continue;
        const name = deployment.serviceDeploymentArn ?? "(a deployment ECS gives no ARN)";
        if (deployment.targetServiceRevisionArn) targets.set(deployment.targetServiceRevisionArn, name);
        else unresolved.push({ deployment: name });
      }
      nextToken = page.nextToken;
    } while (nextToken && ++pages < MAX_DEPLOYMENT_PAGES);
  } catch (error) {
    if (error instanceof UnsupportedFeatureException) return NOTHING_ROLLED_BACK;
    throw error;
  }
  // Not read to the end: "nothing rolled back" would be a guess.
  if (nextToken)
    throw new Error(
      `ListServiceDeployments of ${service.serviceArn} had more than ${MAX_DEPLOYMENT_PAGES * 100} rolled-back deployments since ${since.toISOString()}`,
    );
  if (targets.size === 0) return { digests: new Set(), unresolved };
  const wanted = [...targets.keys()];
  const current = (service.currentServiceRevisions ?? []).flatMap((r) => (r.arn ? [r.arn] : []));
  const images = await revisionImages(ecs, [...new Set([...wanted, ...current])]);
  const missing = wanted.filter((arn) => !images.has(arn));
  if (missing.length > 0)
    throw new Error(
      `DescribeServiceRevisions did not describe ${missing.join(", ")} (a rolled-back deployment's target)`,
    );
  const now = current.map((arn) => images.get(arn));
  const runsNow = (container: string, digest: string) =>
    now.length > 0 && now.every((revision) => revision && digestOf(revision.get(container) ?? {}) === digest);
  const digests = new Set<string>();
  for (const [arn, deployment] of targets)
    for (const [container, image] of images.get(arn) ?? new Map<string, RevisionImage>()) {
      const digest = digestOf(image);
      if (digest === undefined)
        unresolved.push({
          deployment,
          container,
          ...(image.image !== undefined ? { image: image.image } : {}),
        });
      else if (!runsNow(container, digest)) digests.add(digest);
    }
  return { digests, unresolved };
}
