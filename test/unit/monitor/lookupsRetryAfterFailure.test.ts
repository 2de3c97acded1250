/**
 * A task definition read that failed once is asked again by the next alert of the same warm
 * Lambda container (review 37 saw it cached for the container's life, so every later alert of that
 * revision lost its logs link). A fake ECS client stands in for moto: moto cannot fail one call
 * and answer the next.
 */
import type { ECRClient } from "@aws-sdk/client-ecr";
import { DescribeTaskDefinitionCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { MonitorLookups } from "../../../core/monitor/MonitorLookups.ts";

const ARN = "arn:aws:ecs:eu-west-1:111122223333:task-definition/orders:7";
const TASK = "arn:aws:ecs:eu-west-1:111122223333:task/prod/0f1e2d3c4b5a69788796a5b4c3d2e1f0";

describe("MonitorLookups after a failed task definition read", () => {
  it("reads the definition again for the next alert, and keeps it once read", async () => {
    let calls = 0;
    const ecs = {
      send: async (command: unknown) => {
        expect(command).toBeInstanceOf(DescribeTaskDefinitionCommand);
        calls += 1;
        if (calls === 1) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
        return {
          taskDefinition: {
            containerDefinitions: [
              {
                name: "app",
                essential: true,
                logConfiguration: {
                  logDriver: "awslogs",
                  options: { "awslogs-group": "/ecs/orders", "awslogs-stream-prefix": "ecs" },
                },
              },
            ],
          },
        };
      },
    } as unknown as ECSClient;
    const lookups = new MonitorLookups(ecs, {} as ECRClient, "111122223333", "eu-west-1");
    expect(await lookups.logStream(ARN, "app", TASK)).toBeUndefined();
    const stream = { group: "/ecs/orders", stream: "ecs/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0" };
    expect(await lookups.logStream(ARN, "app", TASK)).toEqual(stream);
    expect(await lookups.logStream(ARN, "app", TASK)).toEqual(stream);
    expect(calls).toBe(2);
  });
});
