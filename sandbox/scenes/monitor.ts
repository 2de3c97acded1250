import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { deploymentEvent, serviceActionEvent, stoppedTaskEvent } from "../ecsEvents.ts";
import type { Sandbox } from "../Sandbox.ts";
import { ACCOUNT, createService, ecrImage } from "../seed.ts";

type Event = { source: string; "detail-type": string; detail: unknown; resources?: string[] };

/** Monitoring: a deployment confirmed, a crash loop told once, its recovery, a placement failure. */
export async function monitorScene(sandbox: Sandbox): Promise<string[]> {
  const { print, clients, region } = sandbox;
  const lines: string[] = [];

  print("\n▶ ECS reports the prod/web deployment (started by the redeploy above) COMPLETED");
  const web = (await clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["web"] })))
    .services?.[0];
  await sandbox.publish(
    deploymentEvent({
      id: "sandbox-deploy-1",
      sample: "ecs-deployment-state-change-completed.json",
      account: ACCOUNT,
      region,
      serviceArn: web?.serviceArn ?? "",
      deploymentId: web?.deployments?.[0]?.id ?? "",
    }) as Event,
  );

  print("\n▶ prod/payments starts crash-looping: 25 tasks in a row exit with code 1 right after start");
  const payments = await createService(clients, {
    cluster: "prod",
    name: "payments",
    containers: [
      {
        name: "payments",
        image: ecrImage(region, "shop/api", "3.1.0"),
        essential: true,
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": "/ecs/payments",
            "awslogs-region": region,
            "awslogs-stream-prefix": "ecs",
          },
        },
      },
    ],
  });
  const before = sandbox.slackMessages;
  for (let i = 0; i < 25; i++) {
    const event = stoppedTaskEvent({
      id: `sandbox-stop-${i}`,
      taskId: `${String(i).padStart(4, "0")}a1b2c3d4e5f60718293a4b5c6d7e`,
      account: ACCOUNT,
      region,
      cluster: "prod",
      service: "payments",
      taskDefinitionArn: payments.taskDefinition ?? "",
      container: "payments",
      exitCode: 1,
    });
    await sandbox.publish(event as Event, { quiet: i > 0 && i < 24 });
  }
  const sent = sandbox.slackMessages - before;
  lines.push(`  crash loop: 25 task stops → ${sent} Slack message${sent === 1 ? "" : "s"}`);

  print("\n▶ prod/payments is steady again (SERVICE_STEADY_STATE)");
  await sandbox.publish(
    serviceActionEvent({
      id: "sandbox-steady-1",
      sample: "ecs-service-action-steady-state.json",
      account: ACCOUNT,
      region,
      cluster: "prod",
      service: "payments",
    }) as Event,
  );

  print("\n▶ prod/checkout cannot place tasks on Fargate Spot, twice");
  for (const id of ["sandbox-placement-1", "sandbox-placement-2"]) {
    await sandbox.publish(
      serviceActionEvent({
        id,
        sample: "ecs-service-action-task-placement-failure-fargate-spot.json",
        account: ACCOUNT,
        region,
        cluster: "prod",
        service: "checkout",
      }) as Event,
    );
  }
  return lines;
}
