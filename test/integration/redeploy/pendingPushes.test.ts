/**
 * No push is lost to a roll-out in progress: it waits for the deployment to finish and is then
 * deployed, the newest one winning. moto 5.2.1 never finishes a deployment of a service with more
 * than 2 desired tasks (MOTO_ECS_SERVICE_RUNNING=2), which gives a deployment that stays
 * IN_PROGRESS; the "ECS Deployment State Change" event is then authoritative for what it names,
 * as in AWS (DescribeServices can lag behind events).
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { rolloutIdOfAction } from "../../../core/redeploy/applyDecisions.ts";
import { applyRedeployPlan } from "../../../core/redeploy/applyRedeployPlan.ts";
import { pushFromEvent, redeployPush } from "../../../core/redeploy/index.ts";
import { listPendingPushes, queuePendingPush } from "../../../core/redeploy/pendingPushes.ts";
import { acquireLease, stateKeys } from "../../../core/state/index.ts";
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
import { eventTime, nextSecond } from "../../support/redeploy.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let slack: TerminalNotifier;
let serial = 0;

async function setUp(service: string, desiredCount: number) {
  world = await createWorld();
  slack = new TerminalNotifier(() => undefined);
  await createCluster(world.clients, "prod");
  await createRepository(world.clients, `shop/${service}`);
  await pushImage(world.clients, `shop/${service}`, "1.0.0");
  const created = await createService(world.clients, {
    cluster: "prod",
    name: service,
    desiredCount,
    tags: { "autopilot:redeploy": "minor" },
    containers: [{ name: service, image: ecrImage(REGION, `shop/${service}`, "1.0.0"), essential: true }],
  });
  const handler = createRedeployHandler(
    createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
  );
  return { handler, serviceArn: created.serviceArn ?? "", deployment: created.deployments?.[0]?.id ?? "" };
}

async function pushed(service: string, tag: string, time: string, content = tag) {
  const digest = await pushImage(world.clients, `shop/${service}`, tag, content);
  const id = `00000000-0000-4000-8000-${String(++serial).padStart(12, "0")}`;
  return {
    digest,
    event: ecrPushEvent({ region: REGION, repository: `shop/${service}`, digest, tag, id, time }),
  };
}

async function running(service: string) {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "prod", services: [service] }),
  );
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
  );
  return definition.taskDefinition?.containerDefinitions?.[0]?.image ?? "";
}

const finished = (serviceArn: string, deploymentId: string, sample = "completed" as "completed" | "failed") =>
  deploymentEvent({
    id: `deployment-${++serial}`,
    sample: `ecs-deployment-state-change-${sample}.json`,
    account: "123456789012",
    region: REGION,
    serviceArn,
    deploymentId,
  });

describe("pushes during a roll-out (redeploy)", () => {
  beforeEach(() => {
    serial += 100;
  });

  it("queues two pushes 10 s apart behind the running deployment and deploys the newer when it completes", async () => {
    const { handler, serviceArn, deployment } = await setUp("api", 4);
    const first = await pushed("api", "1.1.0", "2026-11-26T10:00:00Z");
    const second = await pushed("api", "1.2.0", "2026-11-26T10:00:10Z");

    expect(await handler(first.event, localContext("redeploy"))).toMatchObject({ queued: 1, deployed: 0 });
    expect(await handler(second.event, localContext("redeploy"))).toMatchObject({ queued: 1, deployed: 0 });
    const queued = await listPendingPushes(world.state);
    expect(queued.map((p) => [p.push.tag, p.behind])).toEqual([["1.2.0", deployment]]);
    expect(await running("api")).toContain(":1.0.0");

    const released = await handler(finished(serviceArn, deployment), localContext("redeploy"));
    expect(released).toMatchObject({ status: "released", reports: [{ tag: "1.2.0", deployed: 1 }] });
    expect(await running("api")).toBe(
      `${ecrImage(REGION, "shop/api", "1.0.0").split(":")[0]}@${second.digest}`,
    );
    expect(await listPendingPushes(world.state)).toEqual([]);

    expect(slack.messages.map((m) => m.text)).toEqual([
      "shop/api:1.1.0: deployed to 0 service(s), 1 queued, 0 failed, 0 skipped",
      "shop/api:1.2.0: deployed to 0 service(s), 1 queued, 0 failed, 0 skipped",
      "shop/api:1.2.0: deployed to 1 service(s), 0 failed, 0 skipped",
    ]);
    const plain = slack.messages.map((m) => JSON.stringify(m.blocks));
    expect(plain[0]).toContain(`queued behind deployment \`${deployment}\``);
    expect(plain[1]).toContain("Replaces the queued `1.1.0`");
    expect(plain[2]).toContain(`queued behind deployment \`${deployment}\`, which has finished`);
  });

  it("two pushes handled at the same time for an idle service: one rolls out, the other queues behind it and is released when it ends; the newer runs, in either order", async () => {
    // Both plan from the idle service before either updates it. Without one roll-out per service
    // at a time, both deployed and the older often ended up running (5 of 6 rounds in review).
    // The one that finds the service busy (or already moved) never fails: it queues.
    let queuedBehindAChange = 0;
    for (const [round, newerFirst] of [false, true, false, true, false, true].entries()) {
      const service = `race${round}`;
      const { handler, serviceArn } = await setUp(service, 1);
      const older = await pushed(service, "1.1.0", "2026-11-26T10:00:00Z");
      const newer = await pushed(service, "1.2.0", "2026-11-26T10:00:10Z");
      const events = newerFirst ? [newer.event, older.event] : [older.event, newer.event];
      const results = await Promise.all(events.map((event) => handler(event, localContext("redeploy"))));
      const deployed = results.filter((r) => (r as { deployed?: number }).deployed === 1).length;
      expect(deployed, `round ${round}`).toBeGreaterThanOrEqual(1);
      const queued = await listPendingPushes(world.state);
      for (const pending of queued) {
        if (!pending.behind.startsWith("ecs-svc/")) {
          queuedBehindAChange++;
          expect(pending.behind).toMatch(/^the roll-out of shop\/race\d:1\.[12]\.0 \(event [0-9a-f-]+\)$/);
        }
        // Its release: the end of the service's newest deployment (moto never sends it).
        const described = await world.clients.ecs.send(
          new DescribeServicesCommand({ cluster: "prod", services: [service] }),
        );
        const newest = described.services?.[0]?.deployments?.find((d) => d.status === "PRIMARY")?.id ?? "";
        await handler(finished(serviceArn, newest), localContext("redeploy"));
      }
      expect(await listPendingPushes(world.state), `round ${round}`).toEqual([]);
      expect(await running(service), `round ${round}`).toContain(`@${newer.digest}`);
    }
    // The race this test is about happened (the loser found the other's lease) in some rounds.
    expect(queuedBehindAChange).toBeGreaterThan(0);
  });

  it("a retry that resumes its own roll-out still looks at the service first: the older push never replaces a newer one deployed in between", async () => {
    world = await createWorld();
    slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/resume");
    await pushImage(world.clients, "shop/resume", "1.0.0");
    await createService(world.clients, {
      cluster: "prod",
      name: "resume",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "resume", image: ecrImage(REGION, "shop/resume", "1.0.0"), essential: true }],
    });
    const runtime = createRuntime("redeploy", {
      clients: world.clients,
      tableName: world.tableName,
      notifier: slack,
    });
    const handler = createRedeployHandler(runtime);
    const older = await pushed("resume", "1.1.0", "2026-11-26T10:00:00Z");
    const newer = await pushed("resume", "1.2.0", "2026-11-26T10:00:10Z");
    // The older push's retry plans from the idle service; its first attempt died holding its
    // (service, images) lease, so this attempt resumes it.
    const { plan } = await redeployPush(pushFromEvent(older.event), await runtime.flowContext(), {
      dryRun: true,
    });
    const action = plan.actions.find((a) => a.kind === "deploy");
    if (action?.kind !== "deploy") throw new Error("the older push should plan a deploy");
    await acquireLease(
      world.state,
      stateKeys.rollout(action.service.serviceArn, rolloutIdOfAction(action)),
      older.event.id,
      {
        leaseSeconds: 300,
      },
    );
    // The newer push deploys in between.
    expect(await handler(newer.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
    const [outcome] = await applyRedeployPlan(plan, { ecs: world.clients.ecs, state: world.state });
    expect(outcome?.kind === "failed" && outcome.error).toMatch(
      /^the service changed since this push was planned/,
    );
    expect(await running("resume")).toContain(`@${newer.digest}`);
  });

  it("never deploys the older push when the events arrive out of order", async () => {
    const { handler, serviceArn, deployment } = await setUp("cart", 4);
    const older = await pushed("cart", "1.1.0", "2026-11-26T10:00:00Z");
    const newer = await pushed("cart", "1.2.0", "2026-11-26T10:00:10Z");
    await handler(newer.event, localContext("redeploy"));
    const late = await handler(older.event, localContext("redeploy"));
    expect(late).toMatchObject({ queued: 0, skipped: 1, services: [{ result: "skip:superseded" }] });
    await handler(finished(serviceArn, deployment), localContext("redeploy"));
    expect(await running("cart")).toContain(`@${newer.digest}`);
  });

  it("never deploys an older push of a mutable tag delivered after the newer one (force, `main`)", async () => {
    world = await createWorld();
    slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/site");
    await pushImage(world.clients, "shop/site", "main", "build-0");
    await createService(world.clients, {
      cluster: "prod",
      name: "site",
      desiredCount: 2,
      tags: { "autopilot:redeploy": "force" },
      containers: [{ name: "site", image: ecrImage(REGION, "shop/site", "main"), essential: true }],
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    // ECR keeps an image whose tag moved on untagged; moto drops it, so build-1 keeps a second tag.
    await pushImage(world.clients, "shop/site", "keep-build-1", "build-1");
    const older = await pushed("site", "main", "2026-11-26T10:00:00Z", "build-1");
    const newer = await pushed("site", "main", "2026-11-26T10:00:10Z", "build-2");
    expect(await handler(newer.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
    expect(await handler(older.event, localContext("redeploy"))).toMatchObject({
      deployed: 0,
      services: [{ result: "skip:superseded" }],
    });
    expect(await running("site")).toContain(`@${newer.digest}`);
  });

  it("deploys a mutable tag moved back to an earlier digest: that digest's first roll-out is history, not a duplicate", async () => {
    world = await createWorld();
    slack = new TerminalNotifier(() => undefined);
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, "shop/docs");
    await pushImage(world.clients, "shop/docs", "main", "build-0");
    await createService(world.clients, {
      cluster: "prod",
      name: "docs",
      desiredCount: 2,
      tags: { "autopilot:redeploy": "force" },
      containers: [{ name: "docs", image: ecrImage(REGION, "shop/docs", "main"), essential: true }],
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
    );
    // Event times as ECR gives them (each push's own time, a second apart): the image that runs is
    // dated by ECR's push time too, and an event dated before that push would be an older one.
    await pushImage(world.clients, "shop/docs", "keep-build-1", "build-1");
    await nextSecond();
    const first = await pushed("docs", "main", eventTime(), "build-1");
    expect(await handler(first.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
    await nextSecond();
    await handler((await pushed("docs", "main", eventTime(), "build-2")).event, localContext("redeploy"));
    // `main` is moved back to build-1 (a revert): a new push of a digest deployed earlier.
    await nextSecond();
    const revert = await pushed("docs", "main", eventTime(), "build-1");
    expect(revert.digest).toBe(first.digest);
    expect(await handler(revert.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
    expect(await running("docs")).toContain(`@${first.digest}`);
    // Its redelivery is answered from its record: still one roll-out.
    expect(await handler(revert.event, localContext("redeploy"))).toMatchObject({ deployed: 1 });
    expect(await running("docs")).toContain(`@${first.digest}`);
  });

  it("also releases a queued push when its deployment FAILED (the circuit breaker rolled it back)", async () => {
    const { handler, serviceArn, deployment } = await setUp("feed", 4);
    const next = await pushed("feed", "1.1.0", "2026-11-26T10:00:00Z");
    await handler(next.event, localContext("redeploy"));
    await handler(finished(serviceArn, deployment, "failed"), localContext("redeploy"));
    expect(await running("feed")).toContain(`@${next.digest}`);
  });

  it("releases a queued push from the sweep when no event came and the service is idle", async () => {
    const { handler, serviceArn } = await setUp("mail", 2);
    const next = await pushed("mail", "1.1.0", "2026-11-26T10:00:00Z");
    // Queued behind a deployment that has since finished, without its event reaching us (moto
    // cannot finish a deployment, so the queue entry is written as the push would have left it).
    await queuePendingPush(
      world.state,
      {
        push: pushFromEvent(next.event),
        serviceArn,
        clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
        behind: "ecs-svc/finished-unheard",
        queuedAt: "2026-11-25T10:00:01Z",
      },
      undefined,
    );
    const sweep = { ...sampleEvent("scheduled-event.json"), id: `sweep-${++serial}` };
    const released = await handler(sweep, localContext("redeploy"));
    expect(released).toMatchObject({ status: "released", reports: [{ tag: "1.1.0", deployed: 1 }] });
    expect(await running("mail")).toContain(`@${next.digest}`);
    expect(await listPendingPushes(world.state)).toEqual([]);
  });

  it("two releases of one queued push at once (its deployment's end and the sweep) deploy it once; the queue entry goes when it is settled", async () => {
    // Each release rolls out under its own trigger's name: before, both used the push's event id,
    // so both passed both leases and the push was deployed twice (3 ACTIVE revisions in review).
    for (const round of [0, 1, 2, 3]) {
      const service = `twice${round}`;
      const { handler, serviceArn, deployment } = await setUp(service, 2);
      const next = await pushed(service, "1.1.0", "2026-11-26T10:00:00Z");
      await queuePendingPush(
        world.state,
        {
          push: pushFromEvent(next.event),
          serviceArn,
          clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
          behind: deployment,
          queuedAt: "2026-11-25T10:00:01Z",
        },
        undefined,
      );
      const sweep = { ...sampleEvent("scheduled-event.json"), id: `sweep-${++serial}` };
      const ends = finished(serviceArn, deployment);
      const results = await Promise.all(
        (round % 2 === 0 ? [ends, sweep] : [sweep, ends]).map((event) =>
          handler(event, localContext("redeploy")),
        ),
      );
      const deployedBy = results.flatMap((r) =>
        ((r as { reports?: Array<{ deployed: number }> }).reports ?? []).map((x) => x.deployed),
      );
      expect(
        deployedBy.reduce((a, b) => a + b, 0),
        `round ${round}`,
      ).toBe(1);
      const revisions = await world.clients.ecs.send(
        new ListTaskDefinitionsCommand({ familyPrefix: service, status: "ACTIVE" }),
      );
      expect(revisions.taskDefinitionArns, `round ${round}`).toHaveLength(2);
      expect(await running(service)).toContain(`@${next.digest}`);
      expect(await listPendingPushes(world.state)).toEqual([]);
      // Slack hears of the deploy once (the release that lost says nothing).
      expect(slack.messages.filter((m) => m.text.includes("deployed to 1 service(s)"))).toHaveLength(1);
    }
  });

  it("a release that finds another release rolling the push out leaves the queue entry for it (that one may still fail and be retried)", async () => {
    const { handler, serviceArn, deployment } = await setUp("relay", 2);
    const next = await pushed("relay", "1.1.0", "2026-11-26T10:00:00Z");
    const push = pushFromEvent(next.event);
    await queuePendingPush(
      world.state,
      {
        push,
        serviceArn,
        clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
        behind: deployment,
        queuedAt: "2026-11-25T10:00:01Z",
      },
      undefined,
    );
    const context = await createRuntime("redeploy", {
      clients: world.clients,
      tableName: world.tableName,
      notifier: slack,
    }).flowContext();
    const { plan } = await redeployPush(push, context, { dryRun: true });
    const action = plan.actions.find((a) => a.kind === "deploy");
    if (action?.kind !== "deploy") throw new Error("the queued push should plan a deploy");
    // The sweep's release holds the roll-out (service, images) right now.
    await acquireLease(
      world.state,
      stateKeys.rollout(serviceArn, rolloutIdOfAction(action)),
      `${push.eventId} released by sweep-1`,
      { leaseSeconds: 600 },
    );
    const told = slack.messages.length;
    const released = await handler(finished(serviceArn, deployment), localContext("redeploy"));
    expect(released).toMatchObject({
      status: "released",
      reports: [{ deployed: 0, services: [{ result: "skip:duplicate" }] }],
    });
    expect((await listPendingPushes(world.state)).map((p) => p.push.eventId)).toEqual([push.eventId]);
    expect(slack.messages).toHaveLength(told);
    expect(await running("relay")).toContain(":1.0.0");
  });

  it("a push that finds another change holding the service queues behind it instead of failing (a holder that died leaves its lease for minutes)", async () => {
    const { handler, serviceArn, deployment } = await setUp("held", 2);
    // A right-sizing step, say, that died before giving its lease back.
    await acquireLease(world.state, stateKeys.serviceUpdate(serviceArn), "rightsize-run-1", {
      leaseSeconds: 600,
      attributes: { change: "the right-sizing step 1024/2048 → 512/1024" },
    });
    const next = await pushed("held", "1.1.0", "2026-11-26T10:00:00Z");
    expect(await handler(next.event, localContext("redeploy"))).toMatchObject({ queued: 1, deployed: 0 });
    expect((await listPendingPushes(world.state)).map((p) => p.behind)).toEqual([
      "the right-sizing step 1024/2048 → 512/1024",
    ]);
    expect(JSON.stringify(slack.messages.at(-1)?.blocks)).toContain(
      "queued behind the right-sizing step 1024/2048 → 512/1024: deploys when it finishes",
    );
    expect(await running("held")).toContain(":1.0.0");
    // The lease runs out (its holder is gone): the next release deploys the push.
    await acquireLease(
      world.state,
      stateKeys.serviceUpdate(serviceArn),
      "rightsize-run-1",
      { leaseSeconds: 1 },
      new Date(Date.now() - 60_000),
    );
    await handler(finished(serviceArn, deployment), localContext("redeploy"));
    expect(await running("held")).toContain(`@${next.digest}`);
    expect(await listPendingPushes(world.state)).toEqual([]);
  });

  it("a second push while a dead invocation's lease holds the service: a newer one replaces the queued push, an older one is superseded, none fails", async () => {
    const { handler, serviceArn, deployment } = await setUp("stuck", 2);
    // A roll-out whose invocation died holding the service (its lease: the time it had left + 30 s).
    await acquireLease(world.state, stateKeys.serviceUpdate(serviceArn), "dead-invocation", {
      leaseSeconds: 320,
      attributes: { change: "the roll-out of shop/stuck:1.0.1 (event dead-invocation)" },
    });
    const first = await pushed("stuck", "1.2.0", "2026-11-26T10:00:00Z");
    const newer = await pushed("stuck", "1.3.0", "2026-11-26T10:00:20Z");
    const older = await pushed("stuck", "1.1.0", "2026-11-26T09:59:50Z");
    expect(await handler(first.event, localContext("redeploy"))).toMatchObject({ queued: 1 });
    // Before: "another push changed this service's queue" — failed on every attempt, then the DLQ.
    expect(await handler(newer.event, localContext("redeploy"))).toMatchObject({ queued: 1, failed: 0 });
    expect(await handler(older.event, localContext("redeploy"))).toMatchObject({
      failed: 0,
      services: [{ result: "skip:superseded" }],
    });
    expect((await listPendingPushes(world.state)).map((p) => p.push.tag)).toEqual(["1.3.0"]);
    expect(JSON.stringify(slack.messages.at(-1)?.blocks)).toContain("Replaces the queued `1.2.0`");
    // The dead holder's lease runs out; the deployment's end releases the newest push.
    await acquireLease(
      world.state,
      stateKeys.serviceUpdate(serviceArn),
      "dead-invocation",
      { leaseSeconds: 1 },
      new Date(Date.now() - 60_000),
    );
    await handler(finished(serviceArn, deployment), localContext("redeploy"));
    expect(await running("stuck")).toContain(`@${newer.digest}`);
  });

  it("never deploys an older push delivered late while a newer one is queued for the idle service (its deployment's end not handled yet)", async () => {
    const { handler, serviceArn } = await setUp("late", 2);
    const newer = await pushed("late", "1.2.0", "2026-11-26T10:00:10Z");
    const older = await pushed("late", "1.1.0", "2026-11-26T10:00:00Z");
    await queuePendingPush(
      world.state,
      {
        push: pushFromEvent(newer.event),
        serviceArn,
        clusterArn: serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1"),
        behind: "ecs-svc/just-finished",
        queuedAt: new Date().toISOString(),
      },
      undefined,
    );
    expect(await handler(older.event, localContext("redeploy"))).toMatchObject({
      deployed: 0,
      services: [{ result: "skip:superseded" }],
    });
    expect(await running("late")).toContain(":1.0.0");
    expect((await listPendingPushes(world.state)).map((p) => p.push.tag)).toEqual(["1.2.0"]);
  });

  it("three pushes handled at the same moment for an idle service: none fails, and the newest ends up running", async () => {
    for (const round of [0, 1, 2]) {
      const service = `trio${round}`;
      const { handler, serviceArn } = await setUp(service, 2);
      const pushes = [];
      for (const [i, tag] of ["1.1.0", "1.2.0", "1.3.0"].entries())
        pushes.push(await pushed(service, tag, `2026-11-26T10:00:${String(i * 10).padStart(2, "0")}Z`));
      const order = round === 1 ? [...pushes].reverse() : pushes;
      // Before: one of the three failed in 6 of 6 review rounds (its queue write lost the race).
      const results = await Promise.all(order.map((p) => handler(p.event, localContext("redeploy"))));
      expect(
        results.map((r) => (r as { failed?: number }).failed),
        `round ${round}`,
      ).toEqual([0, 0, 0]);
      for (let i = 0; i < 3 && (await listPendingPushes(world.state)).length > 0; i++) {
        const described = await world.clients.ecs.send(
          new DescribeServicesCommand({ cluster: "prod", services: [service] }),
        );
        const newest = described.services?.[0]?.deployments?.find((d) => d.status === "PRIMARY")?.id ?? "";
        await handler(finished(serviceArn, newest), localContext("redeploy"));
      }
      expect(await listPendingPushes(world.state)).toEqual([]);
      expect(await running(service), `round ${round}`).toContain(`@${pushes[2]?.digest}`);
    }
  });

  it("releases the other queued pushes when one release fails, keeps that one queued and fails the run", async () => {
    const { handler, serviceArn } = await setUp("letters", 2);
    await createRepository(world.clients, "shop/parcels");
    await pushImage(world.clients, "shop/parcels", "1.0.0");
    const post = await createService(world.clients, {
      cluster: "prod",
      name: "parcels",
      desiredCount: 2,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "parcels", image: ecrImage(REGION, "shop/parcels", "1.0.0"), essential: true }],
    });
    const postArn = post.serviceArn ?? "";
    const clusterArn = serviceArn.replace(/:service\/([^/]+)\/.*$/, ":cluster/$1");
    // Both queued behind deployments whose end was never heard (moto cannot finish one).
    const digests = new Map<string, string>();
    for (const [service, arn] of [
      ["letters", serviceArn],
      ["parcels", postArn],
    ] as const) {
      const next = await pushed(service, "1.1.0", "2026-11-26T10:00:00Z");
      digests.set(service, next.digest);
      await queuePendingPush(
        world.state,
        {
          push: pushFromEvent(next.event),
          serviceArn: arn,
          clusterArn,
          behind: "ecs-svc/finished-unheard",
          queuedAt: "2026-11-25T10:00:01Z",
        },
        undefined,
      );
    }
    // A lasting throttle on reading one service: moto cannot throttle, so the fault is injected
    // between the SDK and moto for DescribeServices of that service only.
    const fault = world.clients.ecs.middlewareStack;
    fault.add(
      (next, context) => async (args) => {
        const input = args.input as { services?: string[] };
        if (context.commandName === "DescribeServicesCommand" && input.services?.includes(postArn))
          throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
        return next(args);
      },
      { step: "initialize", name: "throttlePost" },
    );
    const sweep = { ...sampleEvent("scheduled-event.json"), id: `sweep-${++serial}` };
    const failed = await handler(sweep, localContext("redeploy")).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain(`${postArn}: the queued push could not be released`);
    expect(await running("letters")).toContain(`@${digests.get("letters")}`);
    expect(await running("parcels")).toContain(":1.0.0");
    expect((await listPendingPushes(world.state)).map((p) => p.serviceArn)).toEqual([postArn]);

    fault.remove("throttlePost");
    const retried = { ...sampleEvent("scheduled-event.json"), id: `sweep-${++serial}` };
    expect(await handler(retried, localContext("redeploy"))).toMatchObject({
      status: "released",
      reports: [{ tag: "1.1.0", deployed: 1 }],
    });
    expect(await running("parcels")).toContain(`@${digests.get("parcels")}`);
    expect(await listPendingPushes(world.state)).toEqual([]);
  });

  it("leaves a queued push alone in the sweep while its deployment still runs, and says nothing new", async () => {
    const { handler } = await setUp("jobs", 4);
    const next = await pushed("jobs", "1.1.0", new Date(Date.now() - 3_600_000).toISOString());
    await handler(next.event, localContext("redeploy"));
    expect(slack.messages.map((m) => m.text)).toEqual([
      "shop/jobs:1.1.0: deployed to 0 service(s), 1 queued, 0 failed, 0 skipped",
    ]);
    // Three sweeps of a long roll-out, each finding the entry older than the sweep's 5 minutes.
    for (let i = 0; i < 3; i++) {
      const [entry] = await listPendingPushes(world.state);
      if (!entry) throw new Error("the push is no longer queued");
      await queuePendingPush(
        world.state,
        { ...entry, queuedAt: new Date(Date.now() - 600_000).toISOString() },
        entry,
      );
      const sweep = { ...sampleEvent("scheduled-event.json"), id: `sweep-${++serial}` };
      expect(await handler(sweep, localContext("redeploy"))).toEqual({ status: "released", reports: [] });
    }
    expect(await running("jobs")).toContain(":1.0.0");
    expect((await listPendingPushes(world.state)).map((p) => p.push.tag)).toEqual(["1.1.0"]);
    // Slack heard "queued" once, not once per sweep.
    expect(slack.messages).toHaveLength(1);
  });

  it("a dry run of a deployment's end prints what the release would do and changes nothing", async () => {
    const { handler, serviceArn, deployment } = await setUp("dry", 4);
    const queued = await pushed("dry", "1.1.0", "2026-11-26T10:00:00Z");
    expect(await handler(queued.event, localContext("redeploy"))).toMatchObject({ queued: 1 });
    const dryRun = createRedeployHandler(
      createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
      { dryRun: true },
    );
    world.counter.reset();
    expect(await dryRun(finished(serviceArn, deployment), localContext("redeploy"))).toMatchObject({
      status: "released",
      reports: [
        {
          tag: "1.1.0",
          dryRun: true,
          deployed: 1,
          releasedBehind: deployment,
          services: [{ service: "prod/dry", result: "would-deploy" }],
        },
      ],
    });
    // Nothing applied, nothing forgotten: the push still waits, the service still runs 1.0.0.
    const calls = Object.keys(world.counter.byOperation());
    expect(
      calls.filter((c) => /Register|UpdateService|PutItem|DeleteItem|UpdateItem|BatchWrite/.test(c)),
    ).toEqual([]);
    expect(await running("dry")).toContain(":1.0.0");
    expect((await listPendingPushes(world.state)).map((p) => p.push.tag)).toEqual(["1.1.0"]);
    expect(slack.messages.at(-1)?.text).toBe(
      "shop/dry:1.1.0: would deploy to 1 service(s), 0 failed, 0 skipped",
    );
  });

  it("ignores the end of a deployment when nothing is queued", async () => {
    const { handler, serviceArn, deployment } = await setUp("idle", 2);
    expect(await handler(finished(serviceArn, deployment), localContext("redeploy"))).toEqual({
      status: "ignored",
      reason: "no push is queued for this service",
    });
  });
});
