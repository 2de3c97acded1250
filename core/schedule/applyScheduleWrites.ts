import {
  DeleteScheduledActionCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import type { AwsClients } from "../aws/clients.ts";
import { type StateTable, stateKeys } from "../state/index.ts";
import { DIMENSION, NAMESPACE } from "./scheduleOwnership.ts";
import type { ScheduleWrite, ServiceSchedulePlan } from "./types.ts";

/**
 * Executes one service's planned writes in the order that keeps every failure recoverable:
 * remember the up capacity, register the target, change actions and capacity, and forget the
 * remembered capacity only once everything else is done. Each write is idempotent (actions by
 * name, the target by its id), so a rerun after any fault converges. Each write that was made is
 * added to `done` as it is made, so that a failure part-way can say which were and which were not.
 */
export async function applyScheduleWrites(
  clients: Pick<AwsClients, "autoscaling">,
  table: StateTable,
  plan: ServiceSchedulePlan,
  done: ScheduleWrite[] = [],
): Promise<void> {
  const target = {
    ServiceNamespace: NAMESPACE,
    ResourceId: plan.service.resourceId,
    ScalableDimension: DIMENSION,
  } as const;
  // The up capacity is remembered before the target is ever lowered: a failure after lowering it
  // must never leave a service at its off capacity with nothing to restore.
  for (const write of plan.writes) {
    if (write.kind === "remember-capacity")
      await table.put({
        ...stateKeys.scheduleMemory(plan.service.serviceArn),
        kind: "schedule-memory",
        serviceArn: plan.service.serviceArn,
        upMin: write.capacity.min,
        upMax: write.capacity.max,
        source: write.source,
        recordedAt: new Date().toISOString(),
      });
    if (write.kind === "remember-capacity") done.push(write);
  }
  // Then the target: scheduled actions need a registered scalable target.
  for (const write of plan.writes) {
    if (write.kind === "set-capacity" && write.reason === "register") {
      await clients.autoscaling.send(
        new RegisterScalableTargetCommand({
          ...target,
          MinCapacity: write.capacity.min,
          MaxCapacity: write.capacity.max,
        }),
      );
      done.push(write);
    }
  }
  for (const write of plan.writes) {
    switch (write.kind) {
      case "delete-action":
        await clients.autoscaling.send(
          new DeleteScheduledActionCommand({ ...target, ScheduledActionName: write.name }),
        );
        done.push(write);
        break;
      case "put-action":
        await clients.autoscaling.send(
          new PutScheduledActionCommand({
            ...target,
            ScheduledActionName: write.action.name,
            Schedule: write.action.schedule,
            Timezone: write.action.timezone,
            ...(write.action.startTime ? { StartTime: write.action.startTime } : {}),
            ...(write.action.endTime ? { EndTime: write.action.endTime } : {}),
            ScalableTargetAction: {
              MinCapacity: write.action.capacity.min,
              MaxCapacity: write.action.capacity.max,
            },
          }),
        );
        done.push(write);
        break;
      case "set-capacity":
        if (write.reason !== "register") {
          await clients.autoscaling.send(
            new RegisterScalableTargetCommand({
              ...target,
              MinCapacity: write.capacity.min,
              MaxCapacity: write.capacity.max,
            }),
          );
          done.push(write);
        }
        break;
      case "release-capacity":
        // Only on the memory there is; a retry after it was forgotten writes nothing.
        await table
          .update(stateKeys.scheduleMemory(plan.service.serviceArn), {
            ConditionExpression: "attribute_exists(pk)",
            UpdateExpression: "SET released = :released",
            ExpressionAttributeValues: { ":released": true },
          })
          .catch((error: unknown) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          });
        done.push(write);
        break;
      case "remember-capacity":
        break;
      case "forget-capacity":
        break;
    }
  }
  const forget = plan.writes.find((w) => w.kind === "forget-capacity");
  if (forget) {
    await table.delete(stateKeys.scheduleMemory(plan.service.serviceArn));
    done.push(forget);
  }
}
