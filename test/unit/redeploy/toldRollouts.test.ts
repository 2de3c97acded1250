import { describe, expect, it } from "vitest";
import { rolloutIdOf } from "../../../core/ecs/rollOutDecisions.ts";
import { rolloutIdOfAction, toldRollouts } from "../../../core/redeploy/applyDecisions.ts";
import type {
  DeployAction,
  DeployOutcome,
  RedeployReport,
  SkipAction,
} from "../../../core/redeploy/types.ts";

const DIGEST = `sha256:${"b".repeat(64)}`;
const service = (name: string) => ({
  serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
  clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
  serviceName: name,
  clusterName: "prod",
});
const deploy = (name: string): DeployAction => ({
  kind: "deploy",
  service: service(name),
  reason: "minor: 1.4.2 → 1.5.0",
  policySource: "tag autopilot:redeploy=minor",
  updates: [
    {
      container: name,
      fromImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2`,
      toImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@${DIGEST}`,
      toDigest: DIGEST,
    },
  ],
  fromTaskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${name}:7`,
  register: { family: name, containerDefinitions: [] },
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
});
const deployedEarlier = (name: string, extra: Partial<SkipAction> = {}): DeployOutcome => ({
  kind: "skipped",
  action: {
    kind: "skip",
    service: service(name),
    category: "deployed-earlier",
    reason: `${DIGEST} was already deployed here by this event as ${name}:8 (an earlier attempt, whose outcome was not reported)`,
    rolloutId: `rollout-${name}`,
    ...extra,
  },
});
const report = (outcomes: DeployOutcome[], dryRun = false): RedeployReport => ({
  plan: {
    push: {
      account: "123456789012",
      region: "eu-west-1",
      repository: "shop/web",
      digest: DIGEST,
      eventId: "e-1",
    },
    actions: outcomes.map((o) => o.action),
  },
  outcomes,
  dryRun,
});

describe("toldRollouts: the roll-outs of this event a push's report tells", () => {
  it("a deploy made now, and a deploy of an earlier attempt told now (not reported before)", () => {
    expect(
      toldRollouts(
        report([
          { kind: "deployed", action: deploy("api"), taskDefinitionArn: "arn:…:task-definition/api:8" },
          deployedEarlier("web"),
        ]),
      ),
    ).toEqual([
      { serviceArn: service("api").serviceArn, rolloutId: rolloutIdOfAction(deploy("api")) },
      { serviceArn: service("web").serviceArn, rolloutId: "rollout-web" },
    ]);
  });

  it("not a deploy an earlier attempt reported, another owner reports, or whose revision names no roll-out", () => {
    expect(
      toldRollouts(
        report([
          deployedEarlier("a", { reported: true }),
          deployedEarlier("b", { reportedBy: "evt-push released by evt-end" }),
          deployedEarlier("c", { rolloutId: undefined }),
        ]),
      ),
    ).toEqual([]);
  });

  it("nothing for other skips, queued or failed services, nor for a dry run", () => {
    const other: DeployOutcome = {
      kind: "skipped",
      action: {
        kind: "skip",
        service: service("d"),
        category: "already-running",
        reason: "runs",
        rolloutId: "r",
      },
    };
    expect(
      toldRollouts(
        report([
          other,
          { kind: "failed", action: deploy("e"), error: "UpdateService: AccessDenied" },
          {
            kind: "queued",
            action: {
              kind: "queue",
              service: service("f"),
              reason: "…",
              policySource: "tag autopilot:redeploy=minor",
              updates: deploy("f").updates,
              behind: "ecs-svc/1",
            },
          },
        ]),
      ),
    ).toEqual([]);
    expect(
      toldRollouts(
        report(
          [{ kind: "deployed", action: deploy("api"), taskDefinitionArn: "arn:…:task-definition/api:8" }],
          true,
        ),
      ),
    ).toEqual([]);
  });
});

describe("rolloutIdOfAction: a deploy's roll-out id", () => {
  it("is the service and each container's new image: the same move is the same roll-out, another image another", () => {
    const action = deploy("web");
    const update = action.updates[0];
    if (!update) throw new Error("the fixture has one update");
    expect(rolloutIdOfAction(action)).toBe(rolloutIdOf(action.service.serviceArn, [`web=${update.toImage}`]));
    const other: DeployAction = {
      ...action,
      updates: [{ ...update, toImage: update.toImage.replace(DIGEST, `sha256:${"c".repeat(64)}`) }],
    };
    expect(rolloutIdOfAction(other)).not.toBe(rolloutIdOfAction(action));
    expect(rolloutIdOfAction({ ...action, updates: [{ ...update, container: "worker" }] })).not.toBe(
      rolloutIdOfAction(action),
    );
  });
});
