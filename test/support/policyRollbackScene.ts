/**
 * The policy's enforce-mode scene of the review tests (test/integration/review31*): a service
 * `prod-<suffix>/billing` runs a compliant revision of `billing-<suffix>`; someone's UpdateService
 * puts it on a privileged one (ECS001, high). What comes back: both revisions and the CloudTrail
 * event of that call (AWS's sample record with this call's request and response). Against moto.
 */
import {
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { AwsClients } from "../../core/aws/index.ts";
import { parseConfig } from "../../core/config/index.ts";
import { createPolicyHandler } from "../../functions/policy.ts";
import { createRuntime } from "../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "./fixtures.ts";
import { REGION, type World } from "./world.ts";

/** Enforce mode at `high`, as a config file's text and as loaded. */
export const ENFORCE_AT_HIGH_TEXT = JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } });
export const ENFORCE_AT_HIGH = parseConfig(ENFORCE_AT_HIGH_TEXT, "enforce");

export interface PolicyRollbackScene {
  readonly cluster: string;
  /** The compliant revision the service ran, and the privileged one it was moved onto. */
  readonly good: string;
  readonly bad: string;
  /** The service's full ARN (the key of its one-change-at-a-time lease). */
  readonly serviceArn: string;
  /** The CloudTrail "UpdateService" event of that move, with `eventId`. */
  readonly event: Record<string, unknown> & { readonly id: string };
  /** The revision the service runs now. */
  serviceNow(): Promise<string | undefined>;
}

export async function serviceMovedOntoPrivileged(
  world: World,
  suffix: string,
  eventId: string,
): Promise<PolicyRollbackScene> {
  const cluster = `prod-${suffix}`;
  const family = `billing-${suffix}`;
  const good: RegisterTaskDefinitionCommandInput = {
    family,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    executionRoleArn: "arn:aws:iam::123456789012:role/billing-exec",
    containerDefinitions: [
      {
        name: "app",
        image: ecrImage(REGION, "shop/billing", "1.0.0"),
        user: "1000",
        readonlyRootFilesystem: true,
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/billing" } },
        linuxParameters: { capabilities: { drop: ["ALL"] } },
      },
    ],
  };
  await createCluster(world.clients, cluster);
  const { containerDefinitions, ...properties } = good;
  const service = await createService(world.clients, {
    cluster,
    name: "billing",
    family,
    containers: containerDefinitions ?? [],
    taskDefinition: properties,
  });
  const privileged = {
    ...good,
    containerDefinitions: [{ ...containerDefinitions?.[0], name: "app", privileged: true }],
  };
  const bad =
    (await world.clients.ecs.send(new RegisterTaskDefinitionCommand(privileged))).taskDefinition
      ?.taskDefinitionArn ?? "";
  const updated = await world.clients.ecs.send(
    new UpdateServiceCommand({ cluster, service: "billing", taskDefinition: bad }),
  );
  const event = {
    ...cloudTrailEnvelope({
      ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
      eventName: "UpdateService",
      awsRegion: REGION,
      requestParameters: { cluster, service: "billing", taskDefinition: bad },
      responseElements: {
        service: {
          serviceName: "billing",
          serviceArn: updated.service?.serviceArn,
          clusterArn: updated.service?.clusterArn,
          taskDefinition: bad,
        },
      },
    }),
    id: eventId,
  };
  return {
    cluster,
    good: service.taskDefinition ?? "",
    bad,
    serviceArn: updated.service?.serviceArn ?? "",
    event,
    serviceNow: async () =>
      (await world.clients.ecs.send(new DescribeServicesCommand({ cluster, services: ["billing"] })))
        .services?.[0]?.taskDefinition,
  };
}

/**
 * The policy function as deployed: enforce at high, its messages to this outbox queue; its AWS
 * clients the world's, or `clients` (one with a fault injected on it).
 */
export const deployedPolicy = (world: World, outboxQueueUrl: string, clients: AwsClients = world.clients) =>
  createPolicyHandler(
    createRuntime("policy", {
      clients,
      tableName: world.tableName,
      config: ENFORCE_AT_HIGH,
      outboxQueueUrl,
    }),
  );
