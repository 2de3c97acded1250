import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import {
  DeregisterTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mapWithConcurrency } from "../aws/concurrency.ts";
import type { DeployAction, DeployOutcome, RedeployPlan } from "./types.ts";

/** How long a (service, digest) claim lasts: a digest that failed and rolled back is not retried within it. */
export const DIGEST_CLAIM_SECONDS = 24 * 60 * 60;

export interface Deployed {
  readonly taskDefinitionArn: string;
  readonly deploymentId?: string;
  readonly replayed?: boolean;
}

/** What a rollout needs: the revision to register and the service to move onto it. */
export interface RollOut {
  readonly register: DeployAction["register"];
  readonly service: { readonly clusterArn: string; readonly serviceArn: string };
  readonly deploymentConfiguration: DeployAction["deploymentConfiguration"];
}

/**
 * Registers the new revision and rolls it out with the circuit breaker and rollback on. When the
 * service update fails, the revision just registered is deregistered again, so a failure leaves
 * nothing half-applied. Used by the redeploy and the right-sizing flows.
 */
export async function rollOut(ecs: ECSClient, action: RollOut): Promise<Deployed> {
  const registered = await ecs.send(new RegisterTaskDefinitionCommand(action.register));
  const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn;
  if (!taskDefinitionArn) throw new Error("RegisterTaskDefinition returned no task definition ARN");
  try {
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: action.service.clusterArn,
        service: action.service.serviceArn,
        taskDefinition: taskDefinitionArn,
        deploymentConfiguration: action.deploymentConfiguration,
      }),
    );
    const primary = updated.service?.deployments?.find((d) => d.status === "PRIMARY");
    return { taskDefinitionArn, ...(primary?.id ? { deploymentId: primary.id } : {}) };
  } catch (error) {
    await ecs
      .send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }))
      .catch(() => undefined);
    throw error;
  }
}

export interface ApplyOptions {
  readonly ecs: ECSClient;
  /**
   * Claims (service, digest) pairs so that two events for the same digest (for example tags
   * `1.4.2` and `latest` pushed together, handled concurrently) deploy it once.
   */
  readonly claims: BasePersistenceLayer;
  readonly concurrency?: number;
  /**
   * Time left in the invocation (Lambda's `context.getRemainingTimeInMillis`). A claim whose
   * invocation died mid-deploy stops blocking retries once this time has passed.
   */
  readonly remainingTimeMs?: () => number;
}

/** Without a Lambda deadline (CLI, sandbox), a claim left in progress expires after this. */
const LOCAL_DEADLINE_MS = 15 * 60 * 1000;

/**
 * Executes a plan's deploy actions; skip actions pass through as outcomes. A failure of one
 * service is reported and does not stop the others.
 *
 * @example
 * const outcomes = await applyRedeployPlan(plan, { ecs, claims });
 */
export async function applyRedeployPlan(plan: RedeployPlan, options: ApplyOptions): Promise<DeployOutcome[]> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "[service.serviceArn, register.family, updates[].toImage]",
    expiresAfterSeconds: DIGEST_CLAIM_SECONDS,
    throwOnNoIdempotencyKey: true,
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const started = Date.now();
  const remainingTimeMs = options.remainingTimeMs ?? (() => LOCAL_DEADLINE_MS - (Date.now() - started));
  // Powertools reads only getRemainingTimeInMillis from the Lambda context.
  config.registerLambdaContext({ getRemainingTimeInMillis: remainingTimeMs } as Parameters<
    IdempotencyConfig["registerLambdaContext"]
  >[0]);
  const deployOnce = makeIdempotent((action: DeployAction) => rollOut(options.ecs, action), {
    persistenceStore: options.claims,
    keyPrefix: "redeploy-service-digest",
    config,
  });
  return mapWithConcurrency(
    plan.actions,
    options.concurrency ?? 4,
    async (action): Promise<DeployOutcome> => {
      if (action.kind === "skip") return { kind: "skipped", action };
      const duplicate = (reason: string): DeployOutcome => ({
        kind: "skipped",
        action: { kind: "skip", service: action.service, category: "duplicate", reason },
      });
      try {
        const result = (await deployOnce(action)) as Deployed;
        if (result.replayed)
          return duplicate(
            `${action.updates[0]?.toDigest} was already deployed here as ${result.taskDefinitionArn}`,
          );
        return {
          kind: "deployed",
          action,
          taskDefinitionArn: result.taskDefinitionArn,
          ...(result.deploymentId ? { deploymentId: result.deploymentId } : {}),
        };
      } catch (error) {
        if (error instanceof Error && error.name === "IdempotencyAlreadyInProgressError")
          return duplicate(`another invocation is deploying ${action.updates[0]?.toDigest} here right now`);
        return { kind: "failed", action, error: describeError(error) };
      }
    },
  );
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}
