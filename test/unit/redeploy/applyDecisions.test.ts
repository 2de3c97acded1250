/**
 * What applying a redeploy plan makes of what it finds (core/redeploy/applyDecisions.ts): a done
 * roll-out's record taken back, the skip told when another holder has the roll-out, what a
 * guarded change that did not happen becomes, and who reports a revision deployed earlier. The
 * moto tests of test/integration/redeploy (redeployPush, pendingPushes, doubleRelease,
 * mutableTagTwoRepositories, queuedThenDeployedByRetry, applyFailure) hold the same decisions
 * through ECS and the state table; here each condition is held alone.
 */
import { describe, expect, it } from "vitest";
import {
  afterNotChanged,
  deployerToAsk,
  heldElsewhereSkip,
  queueBehind,
  type RolloutLease,
  takesBackDone,
  withDeployer,
} from "../../../core/redeploy/applyDecisions.ts";
import type { DeployAction, PendingPush, ServiceRef, SkipAction } from "../../../core/redeploy/types.ts";
import type { LeaseItem } from "../../../core/state/index.ts";

const td = (familyRevision: string) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${familyRevision}`;
const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod/web";
const DIGEST = `sha256:${"b".repeat(64)}`;
const SIDECAR_DIGEST = `sha256:${"c".repeat(64)}`;
const DEPLOYMENT = "ecs-svc/1234567890123456789";

const service: ServiceRef = {
  serviceArn: SERVICE,
  clusterArn: CLUSTER,
  serviceName: "web",
  clusterName: "prod",
};

const action: DeployAction = {
  kind: "deploy",
  service,
  reason: "1.5.0 is newer than 1.4.2 under minor",
  policySource: "tag autopilot:redeploy=minor",
  updates: [
    {
      container: "web",
      fromImage: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2",
      toImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@${DIGEST}`,
      fromTag: "1.4.2",
      toTag: "1.5.0",
      toDigest: DIGEST,
    },
    {
      container: "sidecar",
      fromImage: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2",
      toImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@${SIDECAR_DIGEST}`,
      toDigest: SIDECAR_DIGEST,
    },
  ],
  fromTaskDefinitionArn: td("web:8"),
  register: { family: "web", containerDefinitions: [] },
  deploymentConfiguration: {},
};

const older: PendingPush = {
  push: {
    account: "123456789012",
    region: "eu-west-1",
    repository: "shop/web",
    digest: `sha256:${"a".repeat(64)}`,
    tag: "1.4.3",
    eventId: "evt-older",
    time: "2026-11-27T09:58:00Z",
  },
  serviceArn: SERVICE,
  clusterArn: CLUSTER,
  behind: DEPLOYMENT,
  queuedAt: "2026-11-27T09:58:01.000Z",
};

const holder = (
  status: LeaseItem["status"],
  extra: { taskDefinitionArn?: string } = {},
): LeaseItem & { taskDefinitionArn?: string } => ({
  status,
  owner: "evt-other",
  leaseUntil: 1_795_000_000,
  expiration: 1_795_086_400,
  ...extra,
});
const heldBy = (h: LeaseItem & { taskDefinitionArn?: string }): RolloutLease => ({
  acquired: false,
  holder: h,
});

describe("takesBackDone: a done roll-out's record is taken back when the service ran a later revision since", () => {
  it("takes back a done record whose revision the service has since replaced (a reverted tag's push)", () => {
    expect(takesBackDone(heldBy(holder("done", { taskDefinitionArn: td("web:7") })), td("web:8"))).toBe(true);
  });

  it("keeps a done record while the service still runs the revision it registered (a duplicate)", () => {
    expect(takesBackDone(heldBy(holder("done", { taskDefinitionArn: td("web:8") })), td("web:8"))).toBe(
      false,
    );
  });

  it("keeps a done record that does not say which revision it registered", () => {
    expect(takesBackDone(heldBy(holder("done")), td("web:8"))).toBe(false);
  });

  it("never takes back a roll-out another invocation holds right now (pending), whatever its revision", () => {
    expect(takesBackDone(heldBy(holder("pending", { taskDefinitionArn: td("web:7") })), td("web:8"))).toBe(
      false,
    );
  });

  it("has nothing to take back when the lease was acquired (fresh or resumed)", () => {
    expect(takesBackDone({ acquired: true, resumed: false }, td("web:8"))).toBe(false);
    expect(takesBackDone({ acquired: true, resumed: true }, td("web:8"))).toBe(false);
  });
});

describe("heldElsewhereSkip: the skip told when another holder has the roll-out", () => {
  it("done: the first container's digest was already deployed here, as the revision its record names", () => {
    expect(heldElsewhereSkip(action, holder("done", { taskDefinitionArn: td("web:9") }))).toStrictEqual({
      kind: "skip",
      service,
      category: "duplicate",
      reason: `${DIGEST} was already deployed here as ${td("web:9")}`,
    });
  });

  it("done without the revision: 'as a new revision'", () => {
    expect(heldElsewhereSkip(action, holder("done"))).toStrictEqual({
      kind: "skip",
      service,
      category: "duplicate",
      reason: `${DIGEST} was already deployed here as a new revision`,
    });
  });

  it("pending: another invocation is deploying it right now, named as inProgressBy", () => {
    expect(heldElsewhereSkip(action, holder("pending", { taskDefinitionArn: td("web:9") }))).toStrictEqual({
      kind: "skip",
      service,
      category: "duplicate",
      reason: `another invocation is deploying ${DIGEST} here right now`,
      inProgressBy: "evt-other",
    });
  });
});

describe("queueBehind: a deploy that found the service busy or moved becomes a queued push", () => {
  it("carries the deploy's service, policy and updates, waits behind what moved it, and says why", () => {
    expect(queueBehind(action, DEPLOYMENT, "the service changed")).toStrictEqual({
      kind: "queue",
      service,
      reason: "1.5.0 is newer than 1.4.2 under minor; the service changed, one deployment at a time",
      policySource: "tag autopilot:redeploy=minor",
      updates: action.updates,
      behind: DEPLOYMENT,
    });
  });

  it("keeps the older queued push it replaces", () => {
    expect(queueBehind({ ...action, supersedes: older }, DEPLOYMENT, "the service changed")).toStrictEqual({
      kind: "queue",
      service,
      reason: "1.5.0 is newer than 1.4.2 under minor; the service changed, one deployment at a time",
      policySource: "tag autopilot:redeploy=minor",
      updates: action.updates,
      behind: DEPLOYMENT,
      supersedes: older,
    });
  });
});

describe("afterNotChanged: what a deploy whose guarded change did not happen becomes", () => {
  const moved = (runs: string | undefined, deploymentId: string | undefined) =>
    ({ kind: "moved", runs, deploymentId }) as const;
  const busy = {
    kind: "busy",
    holder: "rightsize-run-42",
    change: "the right-sizing step of web to 512/1024",
  } as const;

  it("moved while resuming its own roll-out: failed, decided again at once (its own attempt may have moved it)", () => {
    expect(afterNotChanged(action, moved(td("web:9"), DEPLOYMENT), true)).toStrictEqual({
      kind: "failed",
      action,
      error: `the service changed since this push was planned (it now runs ${td("web:9")}, not ${td("web:8")})`,
      decideAgain: true,
    });
  });

  it("moved while resuming, to a revision not known: 'an unknown revision'", () => {
    expect(afterNotChanged(action, moved(undefined, undefined), true)).toStrictEqual({
      kind: "failed",
      action,
      error: `the service changed since this push was planned (it now runs an unknown revision, not ${td("web:8")})`,
      decideAgain: true,
    });
  });

  it("moved by someone else: queued behind the deployment that moved it", () => {
    expect(afterNotChanged(action, moved(td("web:9"), DEPLOYMENT), false)).toStrictEqual({
      kind: "queue",
      service,
      reason: `1.5.0 is newer than 1.4.2 under minor; the service changed since this push was planned (it now runs ${td("web:9")}); queued behind deployment ${DEPLOYMENT}, one deployment at a time`,
      policySource: "tag autopilot:redeploy=minor",
      updates: action.updates,
      behind: DEPLOYMENT,
    });
  });

  it("moved with neither the revision nor the deployment known: behind '?', an unknown revision", () => {
    expect(
      afterNotChanged({ ...action, supersedes: older }, moved(undefined, undefined), false),
    ).toStrictEqual({
      kind: "queue",
      service,
      reason:
        "1.5.0 is newer than 1.4.2 under minor; the service changed since this push was planned (it now runs an unknown revision); queued behind deployment ?, one deployment at a time",
      policySource: "tag autopilot:redeploy=minor",
      updates: action.updates,
      behind: "?",
      supersedes: older,
    });
  });

  it("busy: queued behind the change holding the service, named in its own words", () => {
    expect(afterNotChanged(action, busy, false)).toStrictEqual({
      kind: "queue",
      service,
      reason:
        "1.5.0 is newer than 1.4.2 under minor; the right-sizing step of web to 512/1024 is changing this service right now, one deployment at a time",
      policySource: "tag autopilot:redeploy=minor",
      updates: action.updates,
      behind: "the right-sizing step of web to 512/1024",
    });
  });

  it("busy while resuming its own roll-out: still queued (only a move can be this event's own doing)", () => {
    expect(afterNotChanged(action, busy, true)).toStrictEqual(afterNotChanged(action, busy, false));
    expect(afterNotChanged(action, busy, true).kind).toBe("queue");
  });
});

const deployedEarlier = (extra: Partial<SkipAction> = {}): SkipAction => ({
  kind: "skip",
  service,
  category: "deployed-earlier",
  reason: `${DIGEST} was already deployed here by this event as web:9 (an earlier attempt, whose outcome was not reported)`,
  rolloutId: "rollout-5f2c",
  ...extra,
});

describe("deployerToAsk: which roll-out's lease names who deployed a revision earlier", () => {
  it("a deployed-earlier skip: the roll-out its running revision names", () => {
    expect(deployerToAsk(deployedEarlier())).toBe("rollout-5f2c");
  });

  it("a deployed-earlier skip whose revision names no roll-out (no tag, or an empty one): nothing to ask", () => {
    expect(deployerToAsk(deployedEarlier({ rolloutId: undefined }))).toBeUndefined();
    expect(deployerToAsk(deployedEarlier({ rolloutId: "" }))).toBeUndefined();
  });

  it("any other skip: nothing to ask, even with a roll-out id", () => {
    expect(deployerToAsk(deployedEarlier({ category: "already-running" }))).toBeUndefined();
    expect(deployerToAsk(deployedEarlier({ category: "duplicate" }))).toBeUndefined();
  });
});

describe("withDeployer: a deployed-earlier skip made by another owner names it, which reports it", () => {
  it("another owner holds the roll-out: the reason names it and it is the one that reports", () => {
    expect(
      withDeployer(
        deployedEarlier(),
        { owner: "evt-push released by evt-end" },
        "evt-push released by sweep-7",
      ),
    ).toStrictEqual({
      ...deployedEarlier(),
      reason: `${DIGEST} was already deployed here by this event as web:9 (by evt-push released by evt-end, which reports it)`,
      reportedBy: "evt-push released by evt-end",
    });
  });

  it("this owner holds it (its own earlier attempt): the skip is told as planned", () => {
    const skip = deployedEarlier();
    expect(withDeployer(skip, { owner: "evt-push" }, "evt-push")).toBe(skip);
    expect(withDeployer(skip, { owner: "evt-push", reported: false }, "evt-push")).toBe(skip);
  });

  it("this owner holds it and its earlier attempt's report was queued: reported, not told again", () => {
    expect(withDeployer(deployedEarlier(), { owner: "evt-push", reported: true }, "evt-push")).toStrictEqual({
      ...deployedEarlier(),
      reason: `${DIGEST} was already deployed here by this event as web:9 (an earlier attempt, which reported it)`,
      reported: true,
    });
  });

  it("another owner holds it, reported or not: that owner reports it (its mark is its own)", () => {
    expect(
      withDeployer(deployedEarlier(), { owner: "evt-push", reported: true }, "evt-push released by evt-end"),
    ).toStrictEqual({
      ...deployedEarlier(),
      reason: `${DIGEST} was already deployed here by this event as web:9 (by evt-push, which reports it)`,
      reportedBy: "evt-push",
    });
  });

  it("no lease (gone, or not read): the skip is told as planned", () => {
    const skip = deployedEarlier();
    expect(withDeployer(skip, undefined, "evt-push")).toBe(skip);
  });
});
