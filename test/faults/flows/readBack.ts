/** Reading the final state from moto, as the invariants need it. */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListTaskDefinitionsCommand,
  type Service,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import type { SlackMessage } from "../../../core/notify/SlackMessage.ts";
import type { RunRecord } from "../scenario.ts";

export interface Revision {
  readonly arn: string;
  /** `family:revision`. */
  readonly name: string;
  readonly status: string;
  readonly images: readonly string[];
  readonly cpu?: string;
  readonly memory?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export const revisionName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

export async function describeService(ecs: ECSClient, cluster: string, service: string): Promise<Service> {
  const found = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0];
  if (!found) throw new Error(`${cluster}/${service} is not in moto`);
  return found;
}

export async function describeRevision(ecs: ECSClient, arn: string): Promise<Revision> {
  const response = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }),
  );
  const definition = response.taskDefinition as TaskDefinition;
  return {
    arn: definition.taskDefinitionArn ?? arn,
    name: revisionName(definition.taskDefinitionArn ?? arn),
    status: definition.status ?? "?",
    images: (definition.containerDefinitions ?? []).map((c) => c.image ?? "?"),
    ...(definition.cpu ? { cpu: definition.cpu } : {}),
    ...(definition.memory ? { memory: definition.memory } : {}),
    tags: Object.fromEntries((response.tags ?? []).map((t) => [t.key ?? "", t.value ?? ""])),
  };
}

/** Every revision of a family, ACTIVE and INACTIVE. */
export async function revisionsOf(ecs: ECSClient, family: string): Promise<Revision[]> {
  const arns: string[] = [];
  for (const status of ["ACTIVE", "INACTIVE"] as const)
    arns.push(
      ...((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status })))
        .taskDefinitionArns ?? []),
    );
  return Promise.all(arns.map((arn) => describeRevision(ecs, arn)));
}

/** A message's text as Slack renders its blocks (mrkdwn kept), one string. */
export function messageText(message: SlackMessage): string {
  return [
    message.text,
    ...message.blocks.flatMap((block) => {
      switch (block.type) {
        case "header":
        case "section":
          return [
            block.text.text,
            ...(block.type === "section" ? (block.fields ?? []).map((f) => f.text) : []),
          ];
        case "context":
          return block.elements.map((e) => e.text);
        default:
          return [];
      }
    }),
  ].join("\n");
}

/**
 * The messages that were told: shown in Slack, or kept durably for it — waiting in the outbox
 * for another receive, or parked in its DLQ (`dlq redrive notify` posts them): late, not lost.
 */
export const told = (run: RunRecord): SlackMessage[] => [...run.shown, ...run.queued, ...run.parked];

/** Whether any delivery of the run ended in the DLQ. */
export const anyDeadLettered = (run: RunRecord): boolean =>
  run.deliveries.some((d) => d.delivery.deadLettered);

/** Whether the delivery of one step ended in the DLQ. */
export const deadLettered = (run: RunRecord, step: string): boolean =>
  run.deliveries.some((d) => d.step === step && d.delivery.deadLettered);
