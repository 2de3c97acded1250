import type { Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import type { FleetState } from "../../../core/rightsize/analyzeFleet.ts";
import { oneStepDown, planRightsize } from "../../../core/rightsize/planRightsize.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import type { ServiceFacts } from "../../../core/rightsize/profile.ts";
import type { Recommendation } from "../../../core/rightsize/recommend.ts";

/**
 * Bundled Fargate On-Demand rates (AWS offer file 2025-08-28, via opencost's test data):
 * us-east-1 x86_64 $0.04048 per vCPU-hour and $0.004445 per GB-hour. eu-central-1 has no
 * bundled arm64 rate.
 */
const US_EAST_1 = bundledPriceBook("us-east-1");
const EU_CENTRAL_1 = bundledPriceBook("eu-central-1");

describe("oneStepDown: the one step a right-sized service takes", () => {
  it("takes the dearest valid size that is cheaper and still covers the need (the smallest reduction)", () => {
    // Below 1 vCPU / 2 GB ($0.04937/h), covering 360 units / 840 MiB: 0.5 vCPU with 1 GB
    // ($0.024685/h) or 2 GB ($0.02913/h); the dearer is the smaller step.
    expect(oneStepDown({ cpu: 1024, memory: 2048 }, { cpu: 360, memory: 840 }, US_EAST_1, "X86_64")).toEqual({
      cpu: 512,
      memory: 2048,
    });
    // 2 vCPU / 4 GB: 1 vCPU / 4 GB ($0.05826/h), not 0.5 vCPU / 4 GB ($0.03802/h).
    expect(oneStepDown({ cpu: 2048, memory: 4096 }, { cpu: 360, memory: 840 }, US_EAST_1, "X86_64")).toEqual({
      cpu: 1024,
      memory: 4096,
    });
  });

  it("ranks by the price book's rates, whatever they are: under a price file where a GB-hour costs 10 times a vCPU-hour, CPU is shed first and never grown", () => {
    // Made-up rates, chosen to invert AWS's ratio (a price file may hold any): $0.001 per
    // vCPU-hour, $0.01 per GB-hour.
    const inverted = { ...US_EAST_1, fargate: { X86_64: { vcpuHour: 0.001, gbHour: 0.01 } } };
    const need = { cpu: 256, memory: 512 };
    // From 1 vCPU / 4 GB ($0.041/h): 0.5 vCPU / 4 GB ($0.0405/h) is the smallest reduction, not
    // 1 vCPU / 3 GB ($0.031/h).
    expect(oneStepDown({ cpu: 1024, memory: 4096 }, need, inverted, "X86_64")).toEqual({
      cpu: 512,
      memory: 4096,
    });
    // From 1 vCPU / 8 GB ($0.081/h): 2 vCPU / 7 GB ($0.072/h) is cheaper and dearer than 1 vCPU /
    // 7 GB ($0.071/h), but it grows CPU: the step is 1 vCPU / 7 GB.
    expect(oneStepDown({ cpu: 1024, memory: 8192 }, need, inverted, "X86_64")).toEqual({
      cpu: 1024,
      memory: 7168,
    });
  });

  it("prefers shedding memory to shedding CPU, which costs more (the smallest reduction)", () => {
    // From 1 vCPU / 4 GB ($0.05826/h): 1 vCPU / 3 GB ($0.053815/h), not 0.5 vCPU / 4 GB ($0.03802/h).
    expect(oneStepDown({ cpu: 1024, memory: 4096 }, { cpu: 360, memory: 840 }, US_EAST_1, "X86_64")).toEqual({
      cpu: 1024,
      memory: 3072,
    });
  });

  it("steps memory down alone when CPU cannot go lower", () => {
    // 0.25 vCPU would not cover 360 units: 0.5 vCPU stays, memory goes from 4 GB to 3 GB.
    expect(oneStepDown({ cpu: 512, memory: 4096 }, { cpu: 360, memory: 1024 }, US_EAST_1, "X86_64")).toEqual({
      cpu: 512,
      memory: 3072,
    });
  });

  it("takes a size that covers the need exactly", () => {
    expect(oneStepDown({ cpu: 1024, memory: 2048 }, { cpu: 512, memory: 2048 }, US_EAST_1, "X86_64")).toEqual(
      {
        cpu: 512,
        memory: 2048,
      },
    );
  });

  it("takes no step from the smallest size that covers the need (the same size is no step)", () => {
    expect(
      oneStepDown({ cpu: 512, memory: 1024 }, { cpu: 360, memory: 840 }, US_EAST_1, "X86_64"),
    ).toBeUndefined();
    expect(
      oneStepDown({ cpu: 512, memory: 2048 }, { cpu: 512, memory: 2048 }, US_EAST_1, "X86_64"),
    ).toBeUndefined();
  });

  it("never takes a size with more memory, though 0.5 vCPU / 4 GB costs less than 1 vCPU / 2 GB", () => {
    // $0.03802/h < $0.04937/h, but the step would grow memory: 0.5 vCPU / 2 GB instead.
    expect(oneStepDown({ cpu: 1024, memory: 2048 }, { cpu: 360, memory: 1800 }, US_EAST_1, "X86_64")).toEqual(
      {
        cpu: 512,
        memory: 2048,
      },
    );
  });

  it("still ranks the sizes of an architecture the price book has no rate for (arm64 in eu-central-1)", () => {
    expect(
      oneStepDown({ cpu: 1024, memory: 2048 }, { cpu: 360, memory: 840 }, EU_CENTRAL_1, "ARM64"),
    ).toEqual({ cpu: 512, memory: 2048 });
  });
});

const ARN = "arn:aws:ecs:us-east-1:123456789012";

const facts = (serviceName: string, extra: Partial<ServiceFacts> = {}): ServiceFacts => ({
  serviceArn: `${ARN}:service/prod/${serviceName}`,
  clusterName: "prod",
  serviceName,
  runsOn: "FARGATE",
  desiredCount: 2,
  taskCpu: 1024,
  taskMemory: 2048,
  architecture: "X86_64",
  ec2Only: [],
  interruptible: false,
  rightsizeMode: "apply",
  ...extra,
});

/** A recommendation as planRightsize reads it: the facts, the capacity and the need (the rest is for reports). */
const recommendation = (
  f: ServiceFacts,
  need = { cpu: 360, memory: 840 },
  capacity: Recommendation["capacity"] = "FARGATE",
): Recommendation =>
  ({
    profile: { facts: f },
    capacity,
    architecture: f.architecture,
    need,
    risk: "low",
    reason: "",
  }) as unknown as Recommendation;

const taskDefinition = (
  f: ServiceFacts,
  containers: TaskDefinition["containerDefinitions"] = [{ name: "app", image: "shop/api:1.4" }],
): TaskDefinition => ({
  taskDefinitionArn: `${ARN}:task-definition/${f.serviceName}:7`,
  family: f.serviceName,
  revision: 7,
  status: "ACTIVE",
  networkMode: "awsvpc",
  requiresCompatibilities: ["FARGATE"],
  compatibilities: ["EC2", "FARGATE"],
  cpu: String(f.taskCpu),
  memory: String(f.taskMemory),
  containerDefinitions: containers,
});

const service = (f: ServiceFacts, extra: Partial<Service> = {}): Service => ({
  serviceArn: f.serviceArn,
  serviceName: f.serviceName,
  clusterArn: `${ARN}:cluster/prod`,
  taskDefinition: `${ARN}:task-definition/${f.serviceName}:7`,
  deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
  ...extra,
});

const fleet = (
  ...entries: Array<[ServiceFacts, TaskDefinition?, Partial<Service>?, Record<string, string>?]>
): FleetState =>
  new Map(
    entries.map(([f, definition, extra, tags]) => [
      f.serviceArn,
      { service: service(f, extra), taskDefinition: definition ?? taskDefinition(f), tags: tags ?? {} },
    ]),
  );

describe("planRightsize: what `autopilot:rightsize=apply` changes", () => {
  it("registers a copy one step smaller, tagged with the size it came from, rolled out with the circuit breaker's rollback on", () => {
    const f = facts("indexer");
    const definition = taskDefinition(f, [
      { name: "app", image: "shop/api:1.4", memory: 1536 },
      // No hard limit: it counts for nothing against the new size.
      { name: "log-router", image: "fluent-bit:3.1", memoryReservation: 64 },
    ]);
    const plan = planRightsize(
      [recommendation(f)],
      fleet([
        f,
        definition,
        {
          deploymentConfiguration: {
            maximumPercent: 150,
            minimumHealthyPercent: 50,
            deploymentCircuitBreaker: { enable: false, rollback: false },
          },
        },
        { team: "search", "autopilot:rightsize": "apply" },
      ]),
      US_EAST_1,
    );
    expect(plan).toEqual({
      actions: [
        {
          clusterName: "prod",
          serviceName: "indexer",
          serviceArn: `${ARN}:service/prod/indexer`,
          clusterArn: `${ARN}:cluster/prod`,
          fromTaskDefinitionArn: `${ARN}:task-definition/indexer:7`,
          from: { cpu: 1024, memory: 2048 },
          to: { cpu: 512, memory: 2048 },
          register: {
            family: "indexer",
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            cpu: "512",
            memory: "2048",
            containerDefinitions: [
              { name: "app", image: "shop/api:1.4", memory: 1536 },
              { name: "log-router", image: "fluent-bit:3.1", memoryReservation: 64 },
            ],
            tags: [
              { key: "team", value: "search" },
              { key: "autopilot:rightsized-from", value: "1024/2048" },
            ],
          },
          deploymentConfiguration: {
            maximumPercent: 150,
            minimumHealthyPercent: 50,
            deploymentCircuitBreaker: { enable: true, rollback: true },
          },
        },
      ],
      skipped: [],
    });
  });

  it("steps a service whose containers' memory limits add up to exactly the new size", () => {
    // 0.5 vCPU / 4 GB, covering 360 units / 1 GB: one step is 0.5 vCPU / 3 GB.
    const f = facts("indexer", { taskCpu: 512, taskMemory: 4096 });
    const plan = planRightsize(
      [recommendation(f, { cpu: 360, memory: 1024 })],
      fleet([
        f,
        taskDefinition(f, [
          { name: "app", image: "shop/api:1.4", memory: 2560 },
          { name: "sidecar", image: "envoy:1.31", memory: 512 },
        ]),
      ]),
      US_EAST_1,
    );
    expect(plan.actions.map((a) => [a.serviceName, a.to])).toEqual([["indexer", { cpu: 512, memory: 3072 }]]);
    expect(plan.skipped).toEqual([]);
  });

  it("leaves a service whose containers' memory limits would not fit the smaller size, and says so", () => {
    const f = facts("indexer", { taskCpu: 512, taskMemory: 4096 });
    const plan = planRightsize(
      [recommendation(f, { cpu: 360, memory: 1024 })],
      fleet([
        f,
        taskDefinition(f, [
          { name: "app", image: "shop/api:1.4", memory: 3072 },
          { name: "sidecar", image: "envoy:1.31", memory: 512 },
        ]),
      ]),
      US_EAST_1,
    );
    expect(plan).toEqual({
      actions: [],
      skipped: [
        { service: "prod/indexer", reason: "its containers' memory limits (3584 MiB) exceed 3072 MiB" },
      ],
    });
  });

  it("leaves a service already at the smallest size that covers its need, and says so", () => {
    const f = facts("indexer", { taskCpu: 512, taskMemory: 1024 });
    expect(planRightsize([recommendation(f)], fleet([f]), US_EAST_1)).toEqual({
      actions: [],
      skipped: [{ service: "prod/indexer", reason: "already the smallest size that covers its need" }],
    });
  });

  it("only reports a move between EC2 and Fargate, either way", () => {
    const onEc2 = facts("ledger", { runsOn: "EC2" });
    const toEc2 = facts("indexer");
    expect(
      planRightsize(
        [recommendation(onEc2, undefined, "FARGATE"), recommendation(toEc2, undefined, "EC2")],
        fleet([onEc2], [toEc2]),
        US_EAST_1,
      ),
    ).toEqual({
      actions: [],
      skipped: [
        { service: "prod/ledger", reason: "moving between EC2 and Fargate is report-only" },
        { service: "prod/indexer", reason: "moving between EC2 and Fargate is report-only" },
      ],
    });
  });

  it("steps a Fargate Spot service that stays on Fargate Spot", () => {
    const f = facts("batch", { runsOn: "FARGATE_SPOT" });
    const plan = planRightsize([recommendation(f, undefined, "FARGATE_SPOT")], fleet([f]), US_EAST_1);
    expect(plan.actions.map((a) => [a.serviceName, a.from, a.to])).toEqual([
      ["batch", { cpu: 1024, memory: 2048 }, { cpu: 512, memory: 2048 }],
    ]);
  });

  it("changes nothing and lists nothing for services tagged report or off", () => {
    const report = facts("indexer", { rightsizeMode: "report" });
    const off = facts("ledger", { rightsizeMode: "off" });
    expect(
      planRightsize([recommendation(report), recommendation(off)], fleet([report], [off]), US_EAST_1),
    ).toEqual({
      actions: [],
      skipped: [],
    });
  });

  it("changes nothing for a service the analysis did not describe", () => {
    expect(planRightsize([recommendation(facts("indexer"))], new Map(), US_EAST_1)).toEqual({
      actions: [],
      skipped: [],
    });
  });

  it("plans each service on its own, in the order of the recommendations", () => {
    const big = facts("api", { taskCpu: 2048, taskMemory: 4096 });
    const small = facts("indexer", { taskCpu: 512, taskMemory: 1024 });
    const plan = planRightsize(
      [recommendation(small), recommendation(big)],
      fleet([small], [big]),
      US_EAST_1,
    );
    expect(plan.actions.map((a) => [a.serviceName, a.from, a.to])).toEqual([
      ["api", { cpu: 2048, memory: 4096 }, { cpu: 1024, memory: 4096 }],
    ]);
    expect(plan.skipped).toEqual([
      { service: "prod/indexer", reason: "already the smallest size that covers its need" },
    ]);
  });
});
