/**
 * What a roll-out decides (core/ecs/rollOutDecisions.ts): what it registers and updates, which
 * errors it does not retry, which revision it takes for its own, and what a failed UpdateService
 * leaves. The calls themselves, lost replies included, are tested against moto in
 * test/integration/ecs/rollOut.test.ts.
 */
import {
  ClientException,
  type Deployment,
  ECSServiceException,
  InvalidParameterException,
  ServerException,
  type Service,
} from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import {
  afterFailedUpdate,
  deployedByUpdate,
  isOfFamily,
  isRequestError,
  isTaggedWith,
  type RollOut,
  RollOutError,
  registerBackoffCeilingMs,
  registerInput,
  rolloutIdOf,
  updateServiceInput,
} from "../../../core/ecs/rollOutDecisions.ts";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod/web";
const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
const td = (familyRevision: string) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${familyRevision}`;
const OLD = td("web:1");
const NEW = td("web:2");
const ROLLOUT = "59d5ea22bb02b453a44387753a88f086";

const deployment = (id: string, taskDefinition: string, status: string): Deployment => ({
  id,
  taskDefinition,
  status,
});

describe("rolloutIdOf: one id per service and change, across retries and releases", () => {
  it("is the first 32 hex digits of the SHA-256 of the service and its sorted changes (stored on revisions: it may not change)", () => {
    expect(rolloutIdOf(SERVICE, ["web=sha256:aa", "worker=sha256:bb"])).toBe(ROLLOUT);
  });

  it("does not depend on the order the changes are given in, and leaves the caller's list as it was", () => {
    const change = ["worker=sha256:bb", "web=sha256:aa"];
    expect(rolloutIdOf(SERVICE, change)).toBe(ROLLOUT);
    expect(change).toEqual(["worker=sha256:bb", "web=sha256:aa"]);
  });

  it("differs for another service, another change, or the same text split differently", () => {
    expect(rolloutIdOf(`${SERVICE}-2`, ["web=sha256:aa", "worker=sha256:bb"])).not.toBe(ROLLOUT);
    expect(rolloutIdOf(SERVICE, ["web=sha256:aa"])).not.toBe(ROLLOUT);
    expect(rolloutIdOf(SERVICE, ["ab", "c"])).not.toBe(rolloutIdOf(SERVICE, ["a", "bc"]));
  });
});

describe("isRequestError: errors a retry or a look-up cannot help", () => {
  it("is a request error when ECS says the request is wrong (ClientException, InvalidParameterException)", () => {
    expect(isRequestError(new ClientException({ message: "bad family", $metadata: {} }))).toBe(true);
    expect(isRequestError(new InvalidParameterException({ message: "bad cpu", $metadata: {} }))).toBe(true);
  });

  it("is not one for a server error, throttling or a lost connection (the request may have been applied)", () => {
    expect(isRequestError(new ServerException({ message: "internal", $metadata: {} }))).toBe(false);
    expect(
      isRequestError(
        new ECSServiceException({
          name: "ThrottlingException",
          $fault: "client",
          message: "Rate exceeded",
          $metadata: {},
        }),
      ),
    ).toBe(false);
    expect(isRequestError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(false);
  });
});

describe("registerBackoffCeilingMs: the longest wait before registering again", () => {
  it("doubles from 200 ms after the first attempt and stops at 2 s", () => {
    expect([1, 2, 3, 4, 5, 10].map(registerBackoffCeilingMs)).toEqual([200, 400, 800, 1600, 2000, 2000]);
  });
});

describe("isOfFamily: which listed revision may be the roll-out's", () => {
  it("takes a revision of the family itself", () => {
    expect(isOfFamily(td("web:12"), "web")).toBe(true);
  });

  it("leaves a family that only starts with the name (ListTaskDefinitions' familyPrefix lists it too)", () => {
    expect(isOfFamily(td("web-admin:3"), "web")).toBe(false);
    expect(isOfFamily(td("we:3"), "web")).toBe(false);
  });
});

describe("isTaggedWith: whether this roll-out registered a revision", () => {
  it("is when the revision carries autopilot:rollout with this roll-out's id", () => {
    expect(
      isTaggedWith(
        [
          { key: "team", value: "shop" },
          { key: "autopilot:rollout", value: ROLLOUT },
        ],
        ROLLOUT,
      ),
    ).toBe(true);
  });

  it("is not for another roll-out's id, the id under another key, or no tags", () => {
    expect(isTaggedWith([{ key: "autopilot:rollout", value: "another" }], ROLLOUT)).toBe(false);
    expect(isTaggedWith([{ key: "autopilot:source-event", value: ROLLOUT }], ROLLOUT)).toBe(false);
    expect(isTaggedWith([], ROLLOUT)).toBe(false);
    expect(isTaggedWith(undefined, ROLLOUT)).toBe(false);
  });
});

describe("registerInput: the revision registered", () => {
  it("is the roll-out's revision with this roll-out's id tagged last, replacing an id it carried (a revision copied from an earlier roll-out)", () => {
    expect(
      registerInput(
        {
          family: "web",
          containerDefinitions: [{ name: "web", image: "nginx" }],
          tags: [
            { key: "team", value: "shop" },
            { key: "autopilot:rollout", value: "the-earlier-roll-out" },
          ],
        },
        ROLLOUT,
      ),
    ).toEqual({
      family: "web",
      containerDefinitions: [{ name: "web", image: "nginx" }],
      tags: [
        { key: "team", value: "shop" },
        { key: "autopilot:rollout", value: ROLLOUT },
      ],
    });
  });

  it("tags a revision without tags with the id alone", () => {
    expect(registerInput({ family: "web", containerDefinitions: [] }, ROLLOUT)).toEqual({
      family: "web",
      containerDefinitions: [],
      tags: [{ key: "autopilot:rollout", value: ROLLOUT }],
    });
  });
});

describe("updateServiceInput: what UpdateService changes", () => {
  it("moves the service onto the new revision with the roll-out's deployment configuration (circuit breaker and rollback), nothing else", () => {
    const action: RollOut = {
      register: { family: "web", containerDefinitions: [] },
      service: { clusterArn: CLUSTER, serviceArn: SERVICE },
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
    };
    expect(updateServiceInput(action, NEW)).toStrictEqual({
      cluster: CLUSTER,
      service: SERVICE,
      taskDefinition: NEW,
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true },
      },
    });
  });
});

describe("deployedByUpdate: what an answered UpdateService started", () => {
  it("names the service's PRIMARY deployment, not the one it replaces", () => {
    const service: Service = {
      deployments: [deployment("ecs-svc/old", OLD, "ACTIVE"), deployment("ecs-svc/new", NEW, "PRIMARY")],
    };
    expect(deployedByUpdate(NEW, service, undefined)).toStrictEqual({
      taskDefinitionArn: NEW,
      deploymentId: "ecs-svc/new",
    });
  });

  it("says the revision was reused only when it was", () => {
    const service: Service = { deployments: [deployment("ecs-svc/new", NEW, "PRIMARY")] };
    expect(deployedByUpdate(NEW, service, true)).toStrictEqual({
      taskDefinitionArn: NEW,
      deploymentId: "ecs-svc/new",
      reusedRevision: true,
    });
    expect(deployedByUpdate(NEW, service, false)).toStrictEqual({
      taskDefinitionArn: NEW,
      deploymentId: "ecs-svc/new",
    });
  });

  it("names no deployment when the answer has no PRIMARY one, one without an id, or no service", () => {
    expect(
      deployedByUpdate(NEW, { deployments: [deployment("ecs-svc/old", OLD, "ACTIVE")] }, undefined),
    ).toStrictEqual({ taskDefinitionArn: NEW });
    expect(
      deployedByUpdate(NEW, { deployments: [{ taskDefinition: NEW, status: "PRIMARY" }] }, undefined),
    ).toStrictEqual({ taskDefinitionArn: NEW });
    expect(deployedByUpdate(NEW, {}, undefined)).toStrictEqual({ taskDefinitionArn: NEW });
    expect(deployedByUpdate(NEW, undefined, true)).toStrictEqual({
      taskDefinitionArn: NEW,
      reusedRevision: true,
    });
  });
});

describe("afterFailedUpdate: what a failed UpdateService leaves, read back", () => {
  it("is done after all when the service runs the new revision (the reply was lost): the deployment on that revision, however ECS calls it", () => {
    const service: Service = {
      taskDefinition: NEW,
      deployments: [deployment("ecs-svc/old", OLD, "PRIMARY"), deployment("ecs-svc/new", NEW, "ACTIVE")],
    };
    expect(afterFailedUpdate(NEW, service, undefined)).toStrictEqual({
      kind: "deployed",
      deployed: { taskDefinitionArn: NEW, deploymentId: "ecs-svc/new", confirmedByReadBack: true },
    });
    expect(afterFailedUpdate(NEW, service, true)).toStrictEqual({
      kind: "deployed",
      deployed: {
        taskDefinitionArn: NEW,
        deploymentId: "ecs-svc/new",
        confirmedByReadBack: true,
        reusedRevision: true,
      },
    });
  });

  it("is done without a deployment id when no deployment read back is on the new revision", () => {
    expect(afterFailedUpdate(NEW, { taskDefinition: NEW }, false)).toStrictEqual({
      kind: "deployed",
      deployed: { taskDefinitionArn: NEW, confirmedByReadBack: true },
    });
    expect(
      afterFailedUpdate(NEW, { taskDefinition: NEW, deployments: [{ taskDefinition: NEW }] }, false),
    ).toStrictEqual({ kind: "deployed", deployed: { taskDefinitionArn: NEW, confirmedByReadBack: true } });
  });

  it("failed, and the new revision is deregistered, when the service runs the old one and no deployment uses the new one", () => {
    const service: Service = {
      taskDefinition: OLD,
      deployments: [deployment("ecs-svc/old", OLD, "PRIMARY")],
    };
    expect(afterFailedUpdate(NEW, service, undefined)).toStrictEqual({
      kind: "failed",
      deregister: true,
      serviceRuns: OLD,
    });
    expect(afterFailedUpdate(NEW, { taskDefinition: OLD }, undefined)).toStrictEqual({
      kind: "failed",
      deregister: true,
      serviceRuns: OLD,
    });
  });

  it("failed, and the new revision kept, when a deployment of the service still uses it (never deregister a running revision)", () => {
    const service: Service = {
      taskDefinition: OLD,
      deployments: [deployment("ecs-svc/old", OLD, "PRIMARY"), deployment("ecs-svc/new", NEW, "ACTIVE")],
    };
    expect(afterFailedUpdate(NEW, service, undefined)).toStrictEqual({
      kind: "failed",
      deregister: false,
      serviceRuns: OLD,
    });
  });

  it("failed, and the new revision kept, when the service could not be read (nothing checked, nothing deregistered)", () => {
    expect(afterFailedUpdate(NEW, undefined, true)).toStrictEqual({
      kind: "failed",
      deregister: false,
      serviceRuns: undefined,
    });
  });
});

describe("RollOutError: what a failed roll-out says holds", () => {
  const cause = new ServerException({ message: "internal", $metadata: {} });

  it("names the failed call and its error, what the service runs and what was deregistered, by family:revision", () => {
    const error = new RollOutError("update", cause, OLD, NEW);
    expect(error.message).toBe(
      "UpdateService failed: ServerException: internal; the service still runs web:1; web:2 was deregistered again",
    );
    expect(error).toMatchObject({
      name: "RollOutError",
      code: "rollout-failed",
      step: "update",
      serviceRuns: OLD,
      deregistered: NEW,
    });
    expect(error.cause).toBe(cause);
  });

  it("says only the failed call when nothing was read back nor deregistered", () => {
    expect(new RollOutError("register", cause).message).toBe(
      "RegisterTaskDefinition failed: ServerException: internal",
    );
    expect(new RollOutError("update", cause, OLD).message).toBe(
      "UpdateService failed: ServerException: internal; the service still runs web:1",
    );
    expect(new RollOutError("update", cause, undefined, NEW).message).toBe(
      "UpdateService failed: ServerException: internal; web:2 was deregistered again",
    );
  });
});
