/**
 * Which tasks of a draining container instance ECS will not move (Amazon ECS Developer Guide,
 * "Draining Amazon ECS container instances"): tasks that belong to no service, and tasks of a
 * service whose deployment configuration lets ECS neither start a replacement first (maximumPercent
 * above 100) nor stop the task first (minimumHealthyPercent below 100).
 */
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { tasksThatStay } from "../../../core/monitor/index.ts";

const TASK = "arn:aws:ecs:eu-west-1:123456789012:task/batch-ec2/";
const task = (id: string, group: string) => ({ taskArn: `${TASK}${id}`, group });
const configured = (minimumHealthyPercent?: number, maximumPercent?: number) => ({
  deploymentConfiguration: {
    ...(minimumHealthyPercent !== undefined ? { minimumHealthyPercent } : {}),
    ...(maximumPercent !== undefined ? { maximumPercent } : {}),
  },
});
const cannotMove = (name: string, minimum: number, maximum: number) =>
  `service ${name} has minimumHealthyPercent ${minimum} and maximumPercent ${maximum}: ECS can neither start a replacement first nor stop the task first`;

describe("tasksThatStay", () => {
  it("keeps a standalone task (its group is a family, or a custom group): ECS does not stop or replace it", () => {
    expect(tasksThatStay([task("a", "family:report-job"), task("b", "nightly")], new Map())).toEqual([
      {
        taskArn: `${TASK}a`,
        group: "family:report-job",
        why: "belongs to no service: ECS does not stop or replace it",
      },
      {
        taskArn: `${TASK}b`,
        group: "nightly",
        why: "belongs to no service: ECS does not stop or replace it",
      },
    ]);
  });

  it("keeps a service's task only when the service may neither go above 100 % nor below 100 %", () => {
    const services = new Map([
      ["exact", configured(100, 100)],
      ["below", configured(99, 100)],
      ["above", configured(100, 101)],
      ["default", configured(100, 200)],
      ["half", configured(50, 100)],
      ["zero", configured(0, 100)],
    ]);
    const tasks = [...services.keys()].map((name) => task(name, `service:${name}`));
    expect(tasksThatStay(tasks, services)).toEqual([
      { taskArn: `${TASK}exact`, group: "service:exact", why: cannotMove("exact", 100, 100) },
    ]);
  });

  it("moves a service's task whose configuration ECS did not return (unset, or only one of the two bounds)", () => {
    const services = new Map<string, Pick<Service, "deploymentConfiguration">>([
      ["unset", {}],
      ["empty", configured()],
      ["only-minimum", configured(100, undefined)],
      ["only-maximum", configured(undefined, 100)],
    ]);
    const tasks = [...services.keys()].map((name) => task(name, `service:${name}`));
    expect(tasksThatStay(tasks, services)).toEqual([]);
  });

  it("moves a task of a service DescribeServices did not return (deleted meanwhile)", () => {
    expect(tasksThatStay([task("a", "service:gone")], new Map([["other", configured(100, 100)]]))).toEqual(
      [],
    );
  });

  it("reads the service's name after `service:`, not the whole group", () => {
    expect(
      tasksThatStay(
        [task("a", "service:ledger")],
        new Map([
          ["service:ledger", configured(50, 200)],
          ["ledger", configured(100, 100)],
        ]),
      ),
    ).toEqual([{ taskArn: `${TASK}a`, group: "service:ledger", why: cannotMove("ledger", 100, 100) }]);
  });

  it("lists the tasks that stay in the order they were read, among tasks that move", () => {
    const services = new Map([
      ["web", configured(100, 200)],
      ["ledger", configured(100, 100)],
    ]);
    expect(
      tasksThatStay(
        [
          task("1", "service:web"),
          task("2", "family:job"),
          task("3", "service:ledger"),
          task("4", "service:web"),
        ],
        services,
      ).map((t) => t.taskArn),
    ).toEqual([`${TASK}2`, `${TASK}3`]);
  });

  it("has nothing to say about an instance without tasks", () => {
    expect(tasksThatStay([], new Map([["ledger", configured(100, 100)]]))).toEqual([]);
  });
});
