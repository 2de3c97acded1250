/**
 * The decision of the task set rule (core/policy/rules/taskSetRules.ts, ECS022): id, severity,
 * exact message and JSON path, both sides.
 */
import { describe, expect, it } from "vitest";
import { Unknown } from "../../../core/policy/index.ts";
import { decide } from "./decideRule.ts";

describe("ECS022 task set assigns public IP addresses", () => {
  const taskSet = (assignPublicIp?: unknown) => ({
    service: "web",
    taskDefinition: "web:3",
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ["subnet-1"],
        ...(assignPublicIp === undefined ? {} : { assignPublicIp }),
      },
    },
  });

  it("ENABLED is flagged on the field; DISABLED and unset pass", () => {
    expect(decide("ECS022", "taskSet", taskSet("ENABLED"))).toEqual([
      "ECS022 high networkConfiguration.awsvpcConfiguration.assignPublicIp: the task set gives every task a public IP address",
    ]);
    expect(decide("ECS022", "taskSet", taskSet("DISABLED"))).toEqual([]);
    expect(decide("ECS022", "taskSet", taskSet())).toEqual([]);
    expect(decide("ECS022", "taskSet", { service: "web" })).toEqual([]);
  });

  it("a choice not known in the input is unknown there", () => {
    expect(decide("ECS022", "taskSet", taskSet(new Unknown("var.public_ip")))).toEqual([
      "?ECS022 networkConfiguration.awsvpcConfiguration.assignPublicIp: networkConfiguration.awsvpcConfiguration.assignPublicIp is not known in this input (<var.public_ip>)",
    ]);
  });
});
