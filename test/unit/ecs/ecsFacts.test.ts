import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ContainerInstance } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { containerInstanceFacts, taskReservation } from "../../../core/ecs/containerInstanceFacts.ts";
import { hasLinuxArm64, platformsOfIndex } from "../../../core/ecs/indexPlatforms.ts";
import { cpuUnits, memoryMiB } from "../../../core/ecs/units.ts";

const IMAGES = resolve(import.meta.dirname, "..", "..", "fixtures", "images");
const fixture = (file: string) => readFileSync(resolve(IMAGES, file), "utf8");

describe("cpuUnits: task or container CPU in units (1024 = 1 vCPU)", () => {
  it("reads units as a number or as text", () => {
    expect(cpuUnits(256)).toBe(256);
    expect(cpuUnits("256")).toBe(256);
    expect(cpuUnits("4096")).toBe(4096);
  });

  it("reads vCPU (any case, spaces or none) as 1024 units each, rounded to a unit", () => {
    expect(cpuUnits("1 vCPU")).toBe(1024);
    expect(cpuUnits(" 2 VCPU ")).toBe(2048);
    expect(cpuUnits("0.25 vCPU")).toBe(256);
    expect(cpuUnits(".5vcpu")).toBe(512);
    expect(cpuUnits("0.1 vcpu")).toBe(102);
  });

  it("is undefined for what is not a CPU figure", () => {
    for (const value of [
      undefined,
      null,
      "",
      "  ",
      "abc",
      "x256",
      "2 vCPUs",
      "256 cores",
      "1.5.2",
      "-256",
      [256],
      {},
      true,
    ])
      expect(cpuUnits(value)).toBeUndefined();
  });
});

describe("memoryMiB: memory in MiB", () => {
  it("reads MiB as a number or as text, with or without MB / MiB", () => {
    expect(memoryMiB(512)).toBe(512);
    expect(memoryMiB("512")).toBe(512);
    expect(memoryMiB("512 MiB")).toBe(512);
    expect(memoryMiB("512mb")).toBe(512);
  });

  it("reads GB and GiB (any case, spaces or none) as 1024 MiB each, rounded to a MiB", () => {
    expect(memoryMiB("2GB")).toBe(2048);
    expect(memoryMiB(" 1 GiB ")).toBe(1024);
    expect(memoryMiB("0.5 GB")).toBe(512);
    expect(memoryMiB(".5gb")).toBe(512);
    expect(memoryMiB("0.1 GB")).toBe(102);
    expect(memoryMiB("0.25 GB")).toBe(256);
  });

  it("is undefined for what is not a memory figure", () => {
    for (const value of [
      undefined,
      null,
      "",
      "abc",
      "x512",
      "1 TB",
      "2 GBs",
      "512 bytes",
      "1.5.2",
      [512],
      {},
      false,
    ])
      expect(memoryMiB(value)).toBeUndefined();
  });
});

describe("taskReservation: what a task reserves on a container instance", () => {
  it("is the task-level CPU and memory when the task definition sets them, whatever its containers say", () => {
    expect(
      taskReservation({
        cpu: "1 vCPU",
        memory: "2 GB",
        containerDefinitions: [{ name: "app", cpu: 256, memory: 512 }],
      }),
    ).toEqual({ cpu: 1024, memory: 2048 });
  });

  it("sums the containers' CPU and memory when the task sets none", () => {
    expect(
      taskReservation({
        containerDefinitions: [
          { name: "app", cpu: 512, memory: 1024 },
          { name: "sidecar", cpu: 128, memory: 256 },
        ],
      }),
    ).toEqual({ cpu: 640, memory: 1280 });
  });

  it("takes a container's memoryReservation (the soft limit ECS places by) before its memory", () => {
    expect(
      taskReservation({
        containerDefinitions: [
          { name: "app", cpu: 512, memory: 2048, memoryReservation: 1024 },
          { name: "log-router", memoryReservation: 50 },
        ],
      }),
    ).toEqual({ cpu: 512, memory: 1074 });
  });

  it("counts a container without CPU or memory as none, and mixes task-level and container figures", () => {
    expect(
      taskReservation({
        memory: "3072",
        containerDefinitions: [{ name: "app" }, { name: "worker", cpu: 256 }],
      }),
    ).toEqual({ cpu: 256, memory: 3072 });
    expect(
      taskReservation({
        cpu: "512",
        containerDefinitions: [{ name: "app", memory: 700 }, { name: "sidecar" }],
      }),
    ).toEqual({ cpu: 512, memory: 700 });
  });

  it("is nothing for a missing task definition or one without containers", () => {
    expect(taskReservation(undefined)).toEqual({ cpu: 0, memory: 0 });
    expect(taskReservation({})).toEqual({ cpu: 0, memory: 0 });
  });
});

describe("containerInstanceFacts: a described container instance", () => {
  const described: ContainerInstance = {
    containerInstanceArn: "arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/0f3b7c1e9d2a4b5c8e6f",
    ec2InstanceId: "i-0abc1234def567890",
    status: "DRAINING",
    agentConnected: true,
    runningTasksCount: 3,
    capacityProviderName: "prod-asg",
    registeredResources: [
      { name: "CPU", type: "INTEGER", integerValue: 2048 },
      { name: "MEMORY", type: "INTEGER", integerValue: 7680 },
      { name: "PORTS", type: "STRINGSET", stringSetValue: ["22", "2375"] },
    ],
    remainingResources: [
      { name: "MEMORY", type: "INTEGER", integerValue: 5632 },
      { name: "CPU", type: "INTEGER", integerValue: 1024 },
    ],
    attributes: [
      { name: "ecs.availability-zone", value: "eu-west-1b" },
      { name: "ecs.os-type", value: "linux" },
      { name: "ecs.instance-type", value: "m5.large" },
    ],
  };

  it("reads its resources by name, its instance type, zone and capacity provider", () => {
    expect(containerInstanceFacts(described)).toStrictEqual({
      arn: "arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/0f3b7c1e9d2a4b5c8e6f",
      ec2InstanceId: "i-0abc1234def567890",
      instanceType: "m5.large",
      status: "DRAINING",
      agentConnected: true,
      registered: { cpu: 2048, memory: 7680 },
      remaining: { cpu: 1024, memory: 5632 },
      runningTasks: 3,
      capacityProvider: "prod-asg",
      availabilityZone: "eu-west-1b",
    });
  });

  it("leaves out what the instance does not say, and takes a missing agent state as disconnected", () => {
    expect(
      containerInstanceFacts({ registeredResources: [{ name: "CPU", integerValue: 1024 }] }),
    ).toStrictEqual({
      arn: "",
      ec2InstanceId: "",
      status: "",
      agentConnected: false,
      registered: { cpu: 1024, memory: 0 },
      remaining: { cpu: 0, memory: 0 },
      runningTasks: 0,
    });
  });

  it("says a disconnected agent is disconnected", () => {
    expect(containerInstanceFacts({ ...described, agentConnected: false }).agentConnected).toBe(false);
  });
});

describe("platformsOfIndex: the platforms an image index names", () => {
  it("reads a Docker manifest list (os/architecture, in order)", () => {
    expect(platformsOfIndex(fixture("docker-manifest-list.spec-example.json"))).toEqual([
      "linux/ppc64le",
      "linux/amd64",
    ]);
  });

  it("leaves BuildKit's attestation manifests (unknown/unknown) out", () => {
    expect(platformsOfIndex(fixture("oci-index-amd64-arm64-attested.json"))).toEqual([
      "linux/amd64",
      "linux/arm64",
    ]);
    expect(platformsOfIndex(fixture("oci-index-buildx-provenance.json"))).toEqual([
      "linux/amd64",
      "linux/arm64",
    ]);
  });

  const index = (manifests: unknown[]) =>
    JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests });

  it("leaves out an entry annotated as an attestation manifest whatever platform it names", () => {
    expect(
      platformsOfIndex(
        index([
          { platform: { os: "linux", architecture: "amd64" } },
          {
            platform: { os: "linux", architecture: "arm64" },
            annotations: { "vnd.docker.reference.type": "attestation-manifest" },
          },
          {
            platform: { os: "linux", architecture: "s390x" },
            annotations: { "vnd.docker.reference.type": "something-else" },
          },
        ]),
      ),
    ).toEqual(["linux/amd64", "linux/s390x"]);
  });

  it("leaves out an entry without an os, an architecture or a platform, and the unknown os", () => {
    expect(
      platformsOfIndex(
        index([
          { platform: { architecture: "arm64" } },
          { platform: { os: "linux" } },
          {},
          { platform: { os: "unknown", architecture: "arm64" } },
          { platform: { os: "windows", architecture: "amd64" } },
        ]),
      ),
    ).toEqual(["windows/amd64"]);
  });

  it("adds the variant, and names a platform once", () => {
    expect(
      platformsOfIndex(
        index([
          { platform: { os: "linux", architecture: "arm", variant: "v7" } },
          { platform: { os: "linux", architecture: "arm64", variant: "v8" } },
          { platform: { os: "linux", architecture: "amd64" } },
          { platform: { os: "linux", architecture: "amd64", features: ["sse4"] } },
        ]),
      ),
    ).toEqual(["linux/arm/v7", "linux/arm64/v8", "linux/amd64"]);
  });

  it("is no platform for a document without manifests (a single-platform image manifest)", () => {
    expect(platformsOfIndex(fixture("docker-manifest.spec-example.json"))).toEqual([]);
  });
});

describe("hasLinuxArm64: whether an image runs on Graviton and Fargate ARM", () => {
  it("is true for linux/arm64, with or without its variant", () => {
    expect(hasLinuxArm64(["linux/amd64", "linux/arm64"])).toBe(true);
    expect(hasLinuxArm64(["linux/arm64/v8"])).toBe(true);
  });

  it("is false for other architectures, other operating systems and none", () => {
    expect(hasLinuxArm64([])).toBe(false);
    expect(hasLinuxArm64(["linux/amd64", "linux/ppc64le"])).toBe(false);
    expect(hasLinuxArm64(["linux/arm/v7"])).toBe(false);
    expect(hasLinuxArm64(["windows/arm64"])).toBe(false);
    // Big-endian arm64 (GOARCH arm64be) is another architecture, not a variant of arm64.
    expect(hasLinuxArm64(["linux/arm64be"])).toBe(false);
    expect(hasLinuxArm64(["darwin/arm64/v8"])).toBe(false);
  });
});
