import type { ScheduledAction } from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import {
  DIMENSION,
  isOwnAction,
  NAMESPACE,
  ownActionsByResource,
  servicesToReconcile,
} from "../../../core/schedule/scheduleOwnership.ts";

const action = (
  name: string | undefined,
  resource: string | undefined,
  dimension = "ecs:service:DesiredCount",
) =>
  ({
    ...(name !== undefined ? { ScheduledActionName: name } : {}),
    ServiceNamespace: "ecs",
    ...(resource !== undefined ? { ResourceId: resource } : {}),
    ScalableDimension: dimension,
    Schedule: "cron(0 7 ? * MON-FRI *)",
    Timezone: "Europe/Berlin",
  }) as ScheduledAction;

describe("isOwnAction: which scheduled actions are ecs-autopilot's", () => {
  it("is an action named autopilot-… on a service's desired count", () => {
    expect(NAMESPACE).toBe("ecs");
    expect(DIMENSION).toBe("ecs:service:DesiredCount");
    expect(isOwnAction(action("autopilot-up-0700-MON-FRI", "service/prod/web"))).toBe(true);
    expect(isOwnAction(action("autopilot-", "service/prod/web"))).toBe(true);
  });

  it("is not an action named otherwise: by hand, by another tool, the prefix elsewhere or in another case", () => {
    for (const name of [
      "nightly-scale-down",
      "my-autopilot-up-0700",
      "Autopilot-up-0700-MON-FRI",
      "autopilot",
      "",
    ])
      expect(isOwnAction(action(name, "service/prod/web"))).toBe(false);
    expect(isOwnAction(action(undefined, "service/prod/web"))).toBe(false);
  });

  it("is not an autopilot-… action on another dimension", () => {
    expect(
      isOwnAction(action("autopilot-up-0700-MON-FRI", "service/prod/web", "ecs:service:desiredcount")),
    ).toBe(false);
    expect(
      isOwnAction(action("autopilot-up-0700-MON-FRI", "table/orders", "dynamodb:table:WriteCapacityUnits")),
    ).toBe(false);
  });
});

describe("ownActionsByResource: our actions by service", () => {
  it("groups our actions by ResourceId in the order read, and leaves every other action out", () => {
    const webUp = action("autopilot-up-0700-MON-FRI", "service/prod/web");
    const apiDown = action("autopilot-down-1900-MON-FRI", "service/prod/api");
    const webDown = action("autopilot-down-1900-MON-FRI", "service/prod/web");
    const byHand = action("scale-up-for-sale", "service/prod/web");
    const foreignOnly = action("karpenter-like", "service/prod/batch");
    const grouped = ownActionsByResource([webUp, byHand, apiDown, foreignOnly, webDown]);
    expect([...grouped]).toEqual([
      ["service/prod/web", [webUp, webDown]],
      ["service/prod/api", [apiDown]],
    ]);
    expect(grouped.get("service/prod/web")?.[0]).toBe(webUp);
    expect(grouped.has("service/prod/batch")).toBe(false);
  });

  it("keeps an action of ours without a ResourceId under the empty one", () => {
    const orphan = action("autopilot-up-0700-MON-FRI", undefined);
    expect([...ownActionsByResource([orphan])]).toEqual([["", [orphan]]]);
  });

  it("is empty when nothing is ours", () => {
    expect(ownActionsByResource([action("nightly", "service/prod/web")]).size).toBe(0);
    expect(ownActionsByResource([]).size).toBe(0);
  });
});

describe("servicesToReconcile: the services a reconcile plans", () => {
  const service = (name: string, status = "ACTIVE", tags: Record<string, string> = {}): Service => ({
    serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
    serviceName: name,
    status,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  });
  const schedule = parseConfig(
    JSON.stringify({
      schedule: { services: [{ cluster: "prod", service: "report-*", schedule: "Mon-Fri 08:00-18:00 UTC" }] },
    }),
    "test config",
  ).schedule;
  const OFFICE = { "autopilot:schedule": "Mon-Fri 08:00-18:00 Europe/Berlin" };

  it("takes active services with a schedule from their tag or a config rule, or with actions of ours left", () => {
    const services = [
      service("web", "ACTIVE", OFFICE),
      service("report-daily"),
      service("api"),
      service("old-cron"),
      service("batch"),
    ];
    const actions = ownActionsByResource([
      action("autopilot-down-1900-MON-FRI", "service/prod/old-cron"),
      action("nightly-scale-down", "service/prod/batch"),
    ]);
    expect(servicesToReconcile(services, actions, schedule).map((s) => s.serviceName)).toEqual([
      "web",
      "report-daily",
      "old-cron",
    ]);
  });

  it("leaves out a service that is not active, whatever its schedule or actions", () => {
    const services = [
      service("web", "DRAINING", OFFICE),
      service("report-daily", "INACTIVE"),
      service("old-cron", "DRAINING"),
    ];
    const actions = ownActionsByResource([action("autopilot-down-1900-MON-FRI", "service/prod/old-cron")]);
    expect(servicesToReconcile(services, actions, schedule)).toEqual([]);
  });

  it("takes nothing when no service asks for a schedule and no action is ours", () => {
    expect(servicesToReconcile([service("api")], new Map(), schedule)).toEqual([]);
  });
});
