/**
 * What the monitor tells the on-call engineer to do about a SERVICE_TASK_PLACEMENT_FAILURE, by the
 * event's `reason`. RESOURCE:CPU and RESOURCE:FARGATE are the reasons of the AWS samples
 * (test/fixtures/events, Amazon ECS Developer Guide "Amazon ECS events"); RESOURCE:MEMORY,
 * RESOURCE:ENI, RESOURCE:GPU, AGENT and ATTRIBUTE are the placement reasons of the Developer Guide's
 * "Amazon ECS API failure reasons"; RESOURCE:PORTS (a taken host port) is not in that list but is
 * what RunTask failures report in the field.
 */
import { describe, expect, it } from "vitest";
import { capacityHint } from "../../../core/monitor/index.ts";
import { loadFixture } from "../../support/fixtures.ts";

const FALLBACK = "ECS could not place the task: see the service's events";

const HINTS: ReadonlyArray<readonly [string | undefined, string]> = [
  [
    "RESOURCE:CPU",
    "no container instance has enough free CPU for the task: turn on managed scaling for the cluster's capacity provider (or raise the Auto Scaling group's maximum), or lower the task's CPU reservation",
  ],
  [
    "RESOURCE:MEMORY",
    "no container instance has enough free memory for the task: turn on managed scaling for the cluster's capacity provider (or raise the Auto Scaling group's maximum), or lower the task's memory reservation",
  ],
  [
    "RESOURCE:FARGATE",
    "Fargate had no capacity for the task (Fargate Spot in these Availability Zones, or the account's Fargate vCPU quota): add FARGATE as a fallback in the capacity provider strategy, give the service subnets in more Availability Zones, and check the Service Quotas 'Fargate On-Demand vCPU resource count'",
  ],
  [
    "RESOURCE:ENI",
    "the container instances have no free network interfaces for awsvpc tasks: turn on awsvpcTrunking or use larger instance types",
  ],
  ["RESOURCE:GPU", "no container instance has a free GPU: add GPU capacity to the capacity provider"],
  [
    "RESOURCE:PORTS",
    "the host port is taken on every instance: use dynamic host ports (hostPort 0) or the awsvpc network mode",
  ],
  [
    "AGENT",
    "the ECS agent of the container instances is disconnected: check the instances and the agent's log",
  ],
  ["ATTRIBUTE", "no container instance satisfies the task's placement constraints or required attributes"],
  // A reason ecs-autopilot does not know, an empty one, and none at all: the generic pointer.
  ["RESOURCE:SOMETHING_NEW", FALLBACK],
  ["", FALLBACK],
  [undefined, FALLBACK],
];

describe("capacityHint", () => {
  it.each(HINTS)("tells what to do about placement failure reason %j", (reason, hint) => {
    expect(capacityHint(reason)).toBe(hint);
  });

  it("matches reasons exactly, as ECS writes them (upper case, no surrounding text)", () => {
    expect(capacityHint("resource:cpu")).toBe(FALLBACK);
    expect(capacityHint("RESOURCE:CPU ")).toBe(FALLBACK);
    expect(capacityHint("RESOURCE")).toBe(FALLBACK);
  });

  it("gives the specific hint for the reasons of the AWS sample events", () => {
    const reasonOf = (file: string) => (loadFixture(file).detail as { reason: string }).reason;
    expect(capacityHint(reasonOf("ecs-service-action-task-placement-failure-ec2-cpu.json"))).toBe(
      HINTS[0]?.[1],
    );
    expect(capacityHint(reasonOf("ecs-service-action-task-placement-failure-fargate-spot.json"))).toBe(
      HINTS[2]?.[1],
    );
  });
});
