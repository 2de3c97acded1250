import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { mapWithConcurrency } from "../aws/concurrency.ts";
import { type Deployed, rollOut } from "../ecs/rollOut.ts";
import { describeError } from "../errors.ts";
import type { DeployAction, DeployOutcome, RedeployPlan } from "./types.ts";

/** How long a (service, digest) claim lasts: a digest that failed and rolled back is not retried within it. */
export const DIGEST_CLAIM_SECONDS = 24 * 60 * 60;

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
        if (error instanceof IdempotencyAlreadyInProgressError)
          return duplicate(`another invocation is deploying ${action.updates[0]?.toDigest} here right now`);
        return { kind: "failed", action, error: describeError(error) };
      }
    },
  );
}
