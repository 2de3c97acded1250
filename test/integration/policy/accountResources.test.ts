import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from "@aws-sdk/client-ec2";
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { renderPlainText, type SlackMessage } from "../../../core/notify/index.ts";
import type { AuditedResource } from "../../../core/policy/index.ts";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const posts: SlackMessage[] = [];
const ENFORCE = parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }), "enforce");

const handler = () =>
  createPolicyHandler(
    createRuntime("policy", {
      clients: world.clients,
      tableName: world.tableName,
      config: ENFORCE,
      notifier: { post: async (m) => void posts.push(m) },
    }),
  );

/** A task definition that passes every task-definition rule, so that only the service and cluster speak. */
const COMPLIANT: RegisterTaskDefinitionCommandInput = {
  family: "checkout",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  executionRoleArn: "arn:aws:iam::123456789012:role/checkout-exec",
  containerDefinitions: [
    {
      name: "app",
      image: `${ecrImage(REGION, "shop/checkout", "1.0.0").split(":")[0]}@sha256:${"e".repeat(64)}`,
      user: "1000",
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/checkout" } },
      linuxParameters: { capabilities: { drop: ["ALL"] } },
    },
  ],
};

describe("policy in the account: services, task sets, clusters and capacity providers (moto)", () => {
  let subnet = "";
  let securityGroup = "";
  let taskDefinition = "";

  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    // moto checks a service's subnets and security groups against its EC2 model.
    const vpc = await world.insight.ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
    const vpcId = vpc.Vpc?.VpcId ?? "";
    subnet = (
      await world.insight.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.0.1.0/24" }))
    ).Subnet?.SubnetId as string;
    securityGroup = (
      await world.insight.ec2.send(
        new CreateSecurityGroupCommand({
          VpcId: vpcId,
          GroupName: "checkout",
          Description: "checkout tasks",
        }),
      )
    ).GroupId as string;
    await world.clients.ecs.send(
      new CreateCapacityProviderCommand({
        name: "on-demand",
        autoScalingGroupProvider: {
          autoScalingGroupArn:
            "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1f2e3d4c-aaaa-bbbb-cccc-000000000001:autoScalingGroupName/ecs-on-demand",
          managedTerminationProtection: "DISABLED",
        },
      }),
    );
    await world.clients.ecs.send(
      new CreateClusterCommand({
        clusterName: "prod",
        settings: [{ name: "containerInsights", value: "disabled" }],
        configuration: { executeCommandConfiguration: { logging: "NONE" } },
        capacityProviders: ["on-demand", "FARGATE"],
      }),
    );
    await world.clients.ecs.send(
      new CreateClusterCommand({
        clusterName: "tools",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    taskDefinition =
      (await world.clients.ecs.send(new RegisterTaskDefinitionCommand(COMPLIANT))).taskDefinition
        ?.taskDefinitionArn ?? "";
    await world.clients.ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "checkout",
        taskDefinition,
        desiredCount: 2,
        launchType: "FARGATE",
        platformVersion: "1.3.0",
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [subnet],
            securityGroups: [securityGroup],
            assignPublicIp: "ENABLED",
          },
        },
      }),
    );
    await world.clients.ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "edge",
        desiredCount: 1,
        deploymentController: { type: "EXTERNAL" },
      }),
    );
    await world.clients.ecs.send(
      new CreateTaskSetCommand({
        cluster: "prod",
        service: "edge",
        taskDefinition,
        launchType: "FARGATE",
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [subnet],
            securityGroups: [securityGroup],
            assignPublicIp: "ENABLED",
          },
        },
      }),
    );
  });

  it("the daily audit reads services (with task sets), clusters and capacity providers and reports their findings", async () => {
    posts.length = 0;
    world.counter.reset();
    const response = (await handler()(loadFixture("scheduled-event.json"), localContext("policy"))) as {
      resources: AuditedResource[];
      resourceTotals: Record<string, number>;
      revisions: Array<{ taskDefinition: string; findings: number }>;
    };
    const found = response.resources
      .map(
        (r) => `${r.resourceType} ${r.name.replace(/\/edge\/.+$/, "/edge/<task set>")}: ${r.rules.join(" ")}`,
      )
      .sort();
    expect(found).toEqual([
      "capacityProvider on-demand: ECS026",
      "cluster prod: ECS023 ECS024",
      "cluster tools: ",
      // moto stores no deployment configuration: no circuit breaker (ECS038) on a rolling-update service.
      "service prod/checkout: ECS008 ECS021 ECS038",
      "service prod/edge: ",
      "taskSet prod/edge/<task set>: ECS022",
    ]);
    expect(response.resourceTotals).toMatchObject({ resources: 6, compliant: 2, high: 2, unknown: 0 });
    // The revision itself is compliant: the service's findings are not the revision's.
    expect(response.revisions.find((r) => r.taskDefinition === "checkout:1")?.findings).toBe(0);
    const calls = world.counter.byOperation();
    expect(calls).toMatchObject({ "ECS.DescribeClusters": 1, "ECS.DescribeCapacityProviders": 1 });
    const text = renderPlainText(posts[0] ?? { text: "", blocks: [] });
    expect(text).toContain(
      "6 services, task sets, clusters and capacity providers · 2 compliant · findings: 2 high, 4 medium, 1 low (reported, never changed)",
    );
    expect(text).toContain("• service `prod/checkout` 1 high, 1 medium, 1 low (ECS008 ECS021 ECS038)");
  });

  it("enforce reports a service's own findings on UpdateService but never changes the service", async () => {
    posts.length = 0;
    const event = cloudTrailEnvelope({
      ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
      eventName: "UpdateService",
      awsRegion: REGION,
      requestParameters: { cluster: "prod", service: "checkout", taskDefinition },
      responseElements: {},
    });
    const response = (await handler()(event, localContext("policy"))) as {
      compliant: boolean;
      actions: unknown[];
      resourceFindings: string[];
    };
    // The revision is compliant: no rollback, no deregistration, whatever the service's findings.
    expect(response).toMatchObject({ compliant: true, actions: [] });
    expect(response.resourceFindings).toEqual([
      "service prod/checkout ECS021 networkConfiguration.awsvpcConfiguration.assignPublicIp",
      "service prod/checkout ECS038 deploymentConfiguration.deploymentCircuitBreaker.enable",
      "service prod/checkout ECS008 platformVersion",
    ]);
    const text = renderPlainText(posts[0] ?? { text: "", blocks: [] });
    expect(text).toContain("The service itself (reported, not changed)");
    expect(text).toContain("ECS021 Service assigns public IP addresses (service prod/checkout)");
    const service = (
      await world.clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["checkout"] }))
    ).services?.[0];
    expect(service?.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe("ENABLED");
    expect(service?.platformVersion).toBe("1.3.0");
  });
});
