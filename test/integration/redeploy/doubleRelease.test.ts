/**
 * A queued push released by its deployment's end and by the sweep, where the second release
 * reads the queue entry after the first has updated the service but before it removed the entry.
 * The interleaving is real: the sweep's UpdateService reply is held (a middleware on the SDK,
 * after moto applied the update — moto cannot delay a reply) while the end event is handled.
 * Found in review: the second release told Slack "already deployed here by this event (an earlier
 * attempt, whose outcome was not reported)", a second message and an untrue one; and with
 * `redeploy.notifySkipped` on, that skip took the deploy's tell-once claim and the real deploy
 * message ("deployed to 1 service(s)") was dropped.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
} from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { pushFromEvent } from "../../../core/redeploy/index.ts";
import { listPendingPushes, queuePendingPush } from "../../../core/redeploy/pendingPushes.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION } from "../../support/world.ts";

describe("a queued push released twice, the second release reading it after the first's UpdateService", () => {
  it.each([
    { notifySkipped: false, name: "dbl", n: "9001" },
    { notifySkipped: true, name: "dbs", n: "9002" },
  ])(
    "deploys it once, and Slack hears of the deploy and nothing untrue (notifySkipped: $notifySkipped)",
    async ({ notifySkipped, name, n }) => {
      const world = await createWorld();
      const slack = new TerminalNotifier(() => undefined);
      await createCluster(world.clients, "prod");
      await createRepository(world.clients, `shop/${name}`);
      await pushImage(world.clients, `shop/${name}`, "1.0.0");
      const created = await createService(world.clients, {
        cluster: "prod",
        name,
        desiredCount: 2,
        tags: { "autopilot:redeploy": "minor" },
        containers: [{ name, image: ecrImage(REGION, `shop/${name}`, "1.0.0"), essential: true }],
      });
      const serviceArn = created.serviceArn ?? "";
      const deployment = created.deployments?.[0]?.id ?? "";
      const handler = createRedeployHandler(
        createRuntime("redeploy", {
          clients: world.clients,
          tableName: world.tableName,
          notifier: slack,
          config: { ...DEFAULT_CONFIG, redeploy: { ...DEFAULT_CONFIG.redeploy, notifySkipped } },
        }),
      );
      const digest = await pushImage(world.clients, `shop/${name}`, "1.1.0", "1.1.0");
      const push = ecrPushEvent({
        region: REGION,
        repository: `shop/${name}`,
        digest,
        tag: "1.1.0",
        id: `00000000-0000-4000-8000-00000000${n}`,
        time: "2026-11-26T10:00:00Z",
      });
      await queuePendingPush(
        world.state,
        {
          push: pushFromEvent(push),
          serviceArn,
          clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
          behind: deployment,
          queuedAt: "2026-11-25T10:00:01Z",
        },
        undefined,
      );
      let updated!: () => void;
      const updateDone = new Promise<void>((resolve) => {
        updated = resolve;
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      (world.clients.ecs.middlewareStack.add as (m: unknown, o: unknown) => void)(
        (next: (a: unknown) => Promise<unknown>, context: { commandName: string }) =>
          async (args: unknown) => {
            const out = await next(args);
            if (context.commandName === "UpdateServiceCommand") {
              updated();
              await gate;
            }
            return out;
          },
        { step: "initialize", name: "holdUpdateReply" },
      );
      const sweep = { ...sampleEvent("scheduled-event.json"), id: `sweep-${n}` };
      const sweeping = handler(sweep, localContext("redeploy")).catch((e: unknown) => e);
      await updateDone;
      const end = deploymentEvent({
        id: `deployment-${n}`,
        sample: "ecs-deployment-state-change-completed.json",
        account: "123456789012",
        region: REGION,
        serviceArn,
        deploymentId: deployment,
      });
      const ended = await handler(end, localContext("redeploy")).catch((e: unknown) => e);
      release();
      const swept = await sweeping;
      expect(swept).toMatchObject({ status: "released", reports: [{ deployed: 1 }] });
      expect(ended).toMatchObject({
        status: "released",
        reports: [{ deployed: 0, services: [{ result: "skip:deployed-earlier" }] }],
      });
      const revisions = await world.clients.ecs.send(
        new ListTaskDefinitionsCommand({ familyPrefix: name, status: "ACTIVE" }),
      );
      expect(await listPendingPushes(world.state)).toEqual([]);
      const described = await world.clients.ecs.send(
        new DescribeServicesCommand({ cluster: "prod", services: [name] }),
      );
      const td = await world.clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
      );
      expect(td.taskDefinition?.containerDefinitions?.[0]?.image).toContain(digest);
      expect(revisions.taskDefinitionArns).toHaveLength(2);
      const texts = slack.messages.map((m) => JSON.stringify(m.blocks));
      expect(texts.filter((t) => t.includes("whose outcome was not reported"))).toEqual([]);
      // The deploy is told once, with the roll-out's details; with notifySkipped the other release's
      // skip may be told beside it, never instead of it.
      expect(slack.messages.filter((m) => m.text.includes("deployed to 1 service(s)"))).toHaveLength(1);
      expect(slack.messages).toHaveLength(notifySkipped ? 2 : 1);
    },
  );
});
