/**
 * What a change made under changeServiceAlone finds (core/ecs/guardedChange.ts): the service held
 * by another change, or moved off the revision the change was planned from. The lease and the
 * read are tested against moto and the state table in test/integration/ecs/serviceChange.test.ts.
 */
import type { Service } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { busyWith, movedOff, newestDeployment } from "../../../core/ecs/guardedChange.ts";

const td = (familyRevision: string) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${familyRevision}`;
const at = (iso: string) => new Date(iso);

describe("busyWith: another change holds the service", () => {
  it("names the holder and the change in the holder's own words", () => {
    expect(
      busyWith({ owner: "rightsize-run-7", change: "the right-sizing step 1024/2048 → 512/1024" }),
    ).toStrictEqual({
      kind: "busy",
      holder: "rightsize-run-7",
      change: "the right-sizing step 1024/2048 → 512/1024",
    });
  });

  it("names the change by its holder when the holder gave no words (a lease taken without them)", () => {
    expect(busyWith({ owner: "push-event-3" })).toStrictEqual({
      kind: "busy",
      holder: "push-event-3",
      change: "a change by push-event-3",
    });
  });
});

describe("newestDeployment: the deployment that moved the service", () => {
  it("is the one created last, whatever the order ECS lists them in", () => {
    const deployments = [
      { id: "ecs-svc/1", createdAt: at("2026-11-27T09:00:00Z") },
      { id: "ecs-svc/3", createdAt: at("2026-11-27T11:00:00Z") },
      { id: "ecs-svc/2", createdAt: at("2026-11-27T10:00:00Z") },
    ];
    expect(newestDeployment(deployments)?.id).toBe("ecs-svc/3");
    expect(newestDeployment([...deployments].reverse())?.id).toBe("ecs-svc/3");
    // The service's own list is left in ECS's order.
    expect(deployments.map((d) => d.id)).toEqual(["ecs-svc/1", "ecs-svc/3", "ecs-svc/2"]);
  });

  it("counts one without a creation time as the oldest", () => {
    expect(
      newestDeployment([
        { id: "ecs-svc/untimed" },
        { id: "ecs-svc/1", createdAt: at("1970-01-01T00:00:01Z") },
      ])?.id,
    ).toBe("ecs-svc/1");
    expect(
      newestDeployment([
        { id: "ecs-svc/1", createdAt: at("1970-01-01T00:00:01Z") },
        { id: "ecs-svc/untimed" },
      ])?.id,
    ).toBe("ecs-svc/1");
  });

  it("is none for a service without deployments", () => {
    expect(newestDeployment([])).toBeUndefined();
    expect(newestDeployment(undefined)).toBeUndefined();
  });
});

describe("movedOff: whether the service still runs the revision the change was planned from", () => {
  it("is not moved when it runs it, whatever its deployments", () => {
    expect(
      movedOff(
        { taskDefinition: td("web:7"), deployments: [{ id: "ecs-svc/8", taskDefinition: td("web:8") }] },
        td("web:7"),
      ),
    ).toBeUndefined();
  });

  it("is moved when it runs another revision: what it runs, and its newest deployment", () => {
    const service: Service = {
      taskDefinition: td("web:8"),
      deployments: [
        { id: "ecs-svc/7", taskDefinition: td("web:7"), createdAt: at("2026-11-27T09:00:00Z") },
        { id: "ecs-svc/8", taskDefinition: td("web:8"), createdAt: at("2026-11-27T10:00:00Z") },
      ],
    };
    expect(movedOff(service, td("web:7"))).toStrictEqual({
      kind: "moved",
      runs: td("web:8"),
      deploymentId: "ecs-svc/8",
    });
  });

  it("is moved, running nothing known, when the service was not found", () => {
    expect(movedOff(undefined, td("web:7"))).toStrictEqual({
      kind: "moved",
      runs: undefined,
      deploymentId: undefined,
    });
  });
});
