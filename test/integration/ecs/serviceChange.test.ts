/**
 * One change to a service at a time, and only to the service as it was planned from: the guard
 * that redeploy, right-sizing and the policy's rollback share (core/ecs/changeServiceAlone.ts),
 * against moto's ECS and the state table.
 */
import {
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { changeServiceAlone } from "../../../core/serviceChange.ts";
import { acquireLease, stateKeys } from "../../../core/state/index.ts";
import { createCluster, createService } from "../../../sandbox/seed.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;
let service: { clusterArn: string; serviceArn: string };
let first: string;
let second: string;
let serial = 0;

const runs = async () =>
  (
    await world.clients.ecs.send(
      new DescribeServicesCommand({ cluster: service.clusterArn, services: [service.serviceArn] }),
    )
  ).services?.[0]?.taskDefinition;

const moveTo = (taskDefinition: string) => () =>
  world.clients.ecs.send(
    new UpdateServiceCommand({
      cluster: service.clusterArn,
      service: service.serviceArn,
      taskDefinition,
    }),
  );

const guard = (overrides: { expected?: string; owner?: string } = {}) => ({
  ecs: world.clients.ecs,
  state: world.state,
  service,
  expected: overrides.expected ?? first,
  owner: overrides.owner ?? "event-a",
  change: "the roll-out of shop/web:1.1.0 (event event-a)",
  leaseSeconds: 300,
});

describe("changeServiceAlone", () => {
  beforeEach(async () => {
    world = await createWorld();
    const name = `web${++serial}`;
    await createCluster(world.clients, "prod");
    const created = await createService(world.clients, {
      cluster: "prod",
      name,
      desiredCount: 1,
      containers: [{ name, image: "public.ecr.aws/nginx/nginx:1.27", essential: true }],
    });
    service = { clusterArn: created.clusterArn ?? "", serviceArn: created.serviceArn ?? "" };
    first = created.taskDefinition ?? "";
    const registered = await world.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: name,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name, image: "public.ecr.aws/nginx/nginx:1.28", essential: true }],
      }),
    );
    second = registered.taskDefinition?.taskDefinitionArn ?? "";
  });

  it("changes a service that runs the planned revision, then gives the lease back", async () => {
    const result = await changeServiceAlone(guard(), moveTo(second));
    expect(result.kind).toBe("changed");
    expect(await runs()).toBe(second);
    expect(await world.state.get(stateKeys.serviceUpdate(service.serviceArn))).toBeUndefined();
  });

  it("changes nothing while another change holds the service, and names that change", async () => {
    await acquireLease(world.state, stateKeys.serviceUpdate(service.serviceArn), "rightsize-run-7", {
      leaseSeconds: 300,
      attributes: { change: "the right-sizing step 1024/2048 → 512/1024" },
    });
    let called = false;
    const result = await changeServiceAlone(guard(), async () => {
      called = true;
    });
    expect(result).toEqual({
      kind: "busy",
      holder: "rightsize-run-7",
      change: "the right-sizing step 1024/2048 → 512/1024",
    });
    expect(called).toBe(false);
    expect(await runs()).toBe(first);
  });

  it("takes its own lease over (the retry of an attempt that died holding it)", async () => {
    await acquireLease(world.state, stateKeys.serviceUpdate(service.serviceArn), "event-a", {
      leaseSeconds: 300,
    });
    expect((await changeServiceAlone(guard(), moveTo(second))).kind).toBe("changed");
    expect(await runs()).toBe(second);
  });

  it("changes nothing when the service moved since the plan, and says what it runs and which deployment moved it", async () => {
    await moveTo(second)();
    let called = false;
    const result = await changeServiceAlone(guard({ expected: first }), async () => {
      called = true;
    });
    expect(called).toBe(false);
    expect(result).toMatchObject({ kind: "moved", runs: second });
    const primary = (
      await world.clients.ecs.send(
        new DescribeServicesCommand({ cluster: service.clusterArn, services: [service.serviceArn] }),
      )
    ).services?.[0]?.deployments?.find((d) => d.status === "PRIMARY")?.id;
    expect(result.kind === "moved" && result.deploymentId).toBe(primary);
    // The lease is given back: the next change (planned from what runs now) goes through.
    expect(
      (await changeServiceAlone(guard({ expected: second, owner: "event-b" }), moveTo(first))).kind,
    ).toBe("changed");
  });

  it("gives the lease back when the change throws, and throws", async () => {
    await expect(
      changeServiceAlone(guard(), async () => {
        throw new Error("UpdateService failed: ServiceUnavailable");
      }),
    ).rejects.toThrow("UpdateService failed");
    expect(await world.state.get(stateKeys.serviceUpdate(service.serviceArn))).toBeUndefined();
  });
});
