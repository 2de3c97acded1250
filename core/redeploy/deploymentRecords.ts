import type { RedeploymentRecord } from "../state/index.ts";
import type { DeployOutcome } from "./types.ts";

/** The records of a push's outcomes: deployed services with a deployment id (the monitor confirms them). */
export function redeploymentRecords(
  push: { repository: string; tag?: string; digest: string; eventId: string },
  outcomes: readonly DeployOutcome[],
): RedeploymentRecord[] {
  return outcomes.flatMap((outcome) =>
    outcome.kind === "deployed" && outcome.deploymentId
      ? [
          {
            deploymentId: outcome.deploymentId,
            serviceArn: outcome.action.service.serviceArn,
            repository: push.repository,
            ...(push.tag !== undefined ? { tag: push.tag } : {}),
            digest: push.digest,
            taskDefinitionArn: outcome.taskDefinitionArn,
            eventId: push.eventId,
          },
        ]
      : [],
  );
}
