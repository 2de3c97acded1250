import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import type { EcrImageActionEvent } from "../events/schemas.ts";
import type { FlowContext } from "../flow.ts";
import { idempotencyStore, recordRedeployments } from "../state/index.ts";
import { applyRedeployPlan } from "./applyRedeployPlan.ts";
import { redeploymentRecords } from "./deploymentRecords.ts";
import { loadImageFacts } from "./loadImageFacts.ts";
import { loadSnapshots } from "./loadSnapshots.ts";
import { imageChecksFor, planRedeploy } from "./planRedeploy.ts";
import { repositoryKey, ServiceIndex } from "./ServiceIndex.ts";
import type { ImagePush, RedeployReport } from "./types.ts";

export interface RedeployContext extends Pick<FlowContext, "clients" | "state" | "config"> {
  /** Defaults to a Powertools DynamoDB store in the state table. */
  readonly claims?: BasePersistenceLayer;
  readonly log?: FlowContext["log"];
  /** Time left in the Lambda invocation, when there is one. */
  readonly remainingTimeMs?: () => number;
}

/**
 * Why an "ECR Image Action" event is not a push to act on (a DELETE, a failed push), or
 * undefined when it is one. The deployed rule only delivers successful pushes; this guards
 * local invocations and rules edited by hand.
 */
export function notAPush(event: EcrImageActionEvent): string | undefined {
  const { "action-type": action, result } = event.detail;
  if (action !== "PUSH") return `ECR ${action} event: only pushes are redeployed`;
  if (result !== "SUCCESS") return `the push did not succeed (${result})`;
  return undefined;
}

/** The push an "ECR Image Action" event describes. */
export function pushFromEvent(event: EcrImageActionEvent): ImagePush {
  return {
    account: event.account,
    region: event.region,
    repository: event.detail["repository-name"],
    digest: event.detail["image-digest"],
    ...(event.detail["image-tag"] !== undefined ? { tag: event.detail["image-tag"] } : {}),
    eventId: event.id,
    time: event.time,
  };
}

/**
 * The redeploy flow for one push: find the services using the repository through the index
 * (built on first use), read their fresh state, plan, and (unless `dryRun`) apply.
 *
 * @example
 * const report = await redeployPush(pushFromEvent(event), context, { dryRun: true });
 */
export async function redeployPush(
  push: ImagePush,
  context: RedeployContext,
  options: { dryRun?: boolean } = {},
): Promise<RedeployReport> {
  const index = new ServiceIndex(context.clients, context.state);
  const built = await index.ensureBuilt();
  if (built) context.log?.info("built the service index (first use)", { ...built });
  const entries = await index.lookup(repositoryKey(push.account, push.region, push.repository));
  const { snapshots, missing } = await loadSnapshots(context.clients.ecs, entries);
  for (const serviceArn of missing) {
    context.log?.info("removing a service that no longer exists from the index", { serviceArn });
    if (!options.dryRun) await index.removeService(serviceArn);
  }
  const checks = imageChecksFor(push, snapshots, context.config);
  const image = await loadImageFacts(context.clients.ecr, push, checks);
  const plan = planRedeploy(push, snapshots, context.config, image);
  const dryRun = options.dryRun ?? false;
  if (dryRun) return { plan, outcomes: [], dryRun };
  const outcomes = await applyRedeployPlan(plan, {
    ecs: context.clients.ecs,
    claims: context.claims ?? idempotencyStore(context.clients, context.state.name, "redeploy-claims"),
    concurrency: context.config.redeploy.concurrency,
    ...(context.remainingTimeMs ? { remainingTimeMs: context.remainingTimeMs } : {}),
  });
  const records = redeploymentRecords(push, outcomes);
  // The monitor flow confirms these deployments when ECS reports them COMPLETED.
  if (records.length > 0) await recordRedeployments(context.state, records);
  return { plan, outcomes, dryRun };
}
