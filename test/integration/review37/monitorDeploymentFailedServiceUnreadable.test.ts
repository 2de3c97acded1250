/**
 * Review 37 (issue 11, Must show 2: "Slack reports what actually holds"; the spirit of Must show 4:
 * what could not be read is "unknown", never a verdict): a failed deployment's alert when ECS
 * could not be asked about the service.
 *
 * The monitor's alert on "ECS Deployment State Change" SERVICE_DEPLOYMENT_FAILED lists the images
 * of the service's deployments (MonitorLookups.deploymentImages: DescribeServices, then each
 * revision). That read turns any error — ECS throttling or answering 503 after the SDK's retries,
 * AccessDenied — into `found: false`, and the alert then says "The service is not in this account
 * and region any more; images unknown." for a service that exists and has just failed a
 * deployment. An on-call engineer reads that the service was deleted. ECS answers 503 here (a
 * middleware on the monitor's ECS client, as in test/integration/monitor/monitorFaults.test.ts:
 * moto cannot refuse a call); the service is in moto.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { EcsDeploymentStateChangeEvent } from "../../../core/events/index.ts";
import {
  type MonitorContext,
  MonitorLookups,
  MonitorState,
  monitorDeploymentStateChange,
} from "../../../core/monitor/index.ts";
import { renderPlainText } from "../../../core/notify/index.ts";
import { StateTable } from "../../../core/state/index.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let context: MonitorContext;
let serviceArn: string;

beforeEach(async () => {
  world = await createWorld();
  await createCluster(world.clients, "prod");
  const service = await createService(world.clients, {
    cluster: "prod",
    name: "orders",
    containers: [{ name: "app", image: ecrImage(REGION, "shop/orders", "1.4.0"), essential: true }],
  });
  serviceArn = service.serviceArn ?? "";
  // The monitor's own ECS client, whose every DescribeServices ECS answers with 503.
  const ecs = createAwsClients({ region: REGION, maxAttempts: 1 }).ecs;
  ecs.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      if ((handlerContext as { commandName?: string }).commandName === "DescribeServicesCommand")
        throw Object.assign(new Error("Service Unavailable"), {
          name: "ServiceUnavailable",
          $metadata: { httpStatusCode: 503 },
        });
      return next(args);
    },
    { step: "deserialize", name: "r37-refuse-describe-services" },
  );
  const table = new StateTable(world.clients.documents, world.tableName);
  context = {
    state: new MonitorState(table),
    lookups: new MonitorLookups(ecs, world.clients.ecr, serviceArn.split(":")[4] ?? "", REGION),
    config: parseConfig("{}", "test").monitor,
    table,
  };
});

describe("a failed deployment's alert when DescribeServices fails (review 37)", () => {
  it("does not say the service is gone", async () => {
    const event = EcsDeploymentStateChangeEvent.parse(
      deploymentEvent({
        id: "r37-deployment-failed",
        sample: "ecs-deployment-state-change-failed.json",
        account: serviceArn.split(":")[4] ?? "",
        region: REGION,
        serviceArn,
        deploymentId: "ecs-svc/1234567890123456789",
      }),
    );
    const result = await monitorDeploymentStateChange(event, context);
    expect(result.action).toBe("deployment-failed");
    const text = renderPlainText(result.messages[0]?.message ?? { text: "", blocks: [] });
    expect(text).toContain("Deployment failed: prod/orders");
    // Today: "The service is not in this account and region any more; images unknown."
    expect(text).not.toContain("not in this account and region any more");
    expect(text).toContain(
      "The service could not be read (ECS answered ServiceUnavailable); images unknown.",
    );
  });
});
