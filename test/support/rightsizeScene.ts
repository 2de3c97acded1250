/**
 * Right-sizing scenes shared by its integration tests: the test price book, the `shop` cluster
 * with Container Insights, an oversized service with two hours of measured usage, one step
 * planned by hand (`fleet/web`), and the size a service runs now.
 */
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import type { RightsizePlan } from "../../core/rightsize/planRightsize.ts";
import type { PriceBook } from "../../core/rightsize/recommend.ts";
import { createCluster, createService, ecrImage, putContainerInsights } from "../../sandbox/seed.ts";
import { REGION, type World } from "./world.ts";

/**
 * Prices of the tests only, round so that figures can be derived by hand in a test (what the
 * tests assert is the step and who is told; the bundled price book has its own tests and source).
 */
export const TEST_PRICES: PriceBook = {
  region: REGION,
  fargate: { X86_64: { vcpuHour: 0.04, gbHour: 0.005 } },
  fargateSpotDiscount: 0.7,
  ec2: new Map([["m6i.large", 0.1]]),
  source: "test prices",
};

/** The cluster `shop`, Container Insights on (where the usage metrics are read from). */
export async function insightsCluster(world: World): Promise<void> {
  await world.clients.ecs.send(
    new CreateClusterCommand({
      clusterName: "shop",
      settings: [{ name: "containerInsights", value: "enabled" }],
    }),
  );
}

/** Two tasks of `shop/<service>` using 300 CPU units and 700 MiB each, every 5 minutes for the last two hours. */
export async function writeUsage(world: World, service: string): Promise<void> {
  const now = Date.now();
  await putContainerInsights(
    world.insight.cloudwatch,
    "shop",
    service,
    Array.from({ length: 24 }, (_, i) => ({
      at: new Date(now - (i + 1) * 300_000),
      tasks: 2,
      cpu: 300,
      memory: 700,
    })),
  );
}

/**
 * A service in `shop` tagged to be stepped down (`autopilot:rightsize=apply`), at 4096/8192 and
 * using 300 CPU units and 700 MiB for the last two hours: one step down is 2048/8192.
 */
export async function oversizedService(world: World, name: string): Promise<void> {
  await createService(world.clients, {
    cluster: "shop",
    name,
    desiredCount: 2,
    containers: [{ name: "app", image: ecrImage(REGION, `shop/${name}`, "1.0.0"), essential: true }],
    // The copied revision names this role, so the step down passes it (iam:PassRole).
    taskDefinition: {
      cpu: "4096",
      memory: "8192",
      executionRoleArn: "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    },
    tags: { "autopilot:rightsize": "apply" },
  });
  await writeUsage(world, name);
}

/** The size a service runs now, `cpu/memory`. */
export async function serviceSize(world: World, cluster: string, service: string): Promise<string> {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster, services: [service] }),
  );
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition }),
  );
  return `${definition.taskDefinition?.cpu}/${definition.taskDefinition?.memory}`;
}

const webContainer = { name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true };

/** `fleet/web` at 2048/4096, and the plan that steps it to 1024/4096 (planned by hand). */
export async function webStepPlan(world: World): Promise<{ from: string; plan: RightsizePlan }> {
  await createCluster(world.clients, "fleet");
  const service = await createService(world.clients, {
    cluster: "fleet",
    name: "web",
    containers: [webContainer],
    taskDefinition: { cpu: "2048", memory: "4096" },
  });
  const from = service.taskDefinition ?? "";
  const register: RegisterTaskDefinitionCommandInput = {
    family: "web",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "1024",
    memory: "4096",
    containerDefinitions: [webContainer],
  };
  return {
    from,
    plan: {
      actions: [
        {
          clusterName: "fleet",
          serviceName: "web",
          serviceArn: service.serviceArn ?? "",
          clusterArn: service.clusterArn ?? "",
          fromTaskDefinitionArn: from,
          from: { cpu: 2048, memory: 4096 },
          to: { cpu: 1024, memory: 4096 },
          register,
          deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
        },
      ],
      skipped: [],
    },
  };
}
