/**
 * What happens to a queued push when it is released (core/redeploy/releaseDecisions.ts): how it is
 * planned again, the "no longer exists" skip, when its queue entry goes, which entries the sweep
 * releases and which of its releases it tells. The moto tests of test/integration/redeploy
 * (pendingPushes, doubleRelease, queuedThenServiceGone, queuedThenDeployedByRetry, releaseAfterFault,
 * releaseReportLost) hold the same decisions through ECS and the state table; here each condition
 * is held alone.
 */
import { describe, expect, it } from "vitest";
import {
  dueForSweep,
  forgetReleased,
  forgetsEntry,
  releasePlanOptions,
  releaseReport,
  releaseSettled,
  releaseTells,
  SWEEP_MIN_AGE_MS,
  serviceGoneSkip,
} from "../../../core/redeploy/releaseDecisions.ts";
import type {
  DeployAction,
  DeployOutcome,
  PendingPush,
  QueueAction,
  RedeployAction,
  RedeployReport,
  ServiceRef,
  SkipAction,
} from "../../../core/redeploy/types.ts";

const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod/api";
const DEPLOYMENT = "ecs-svc/1234567890123456789";
const service: ServiceRef = {
  serviceArn: SERVICE,
  clusterArn: CLUSTER,
  serviceName: "api",
  clusterName: "prod",
};

const pending: PendingPush = {
  push: {
    account: "123456789012",
    region: "eu-west-1",
    repository: "shop/api",
    digest: `sha256:${"a".repeat(64)}`,
    tag: "1.5.0",
    eventId: "evt-push",
    time: "2026-11-27T10:00:00Z",
  },
  serviceArn: SERVICE,
  clusterArn: CLUSTER,
  behind: DEPLOYMENT,
  queuedAt: "2026-11-27T10:00:02.000Z",
};

const deploy: DeployAction = {
  kind: "deploy",
  service,
  reason: "1.5.0 is newer than 1.4.2 under minor",
  policySource: "tag autopilot:redeploy=minor",
  updates: [],
  fromTaskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/api:7",
  register: { family: "api", containerDefinitions: [] },
  deploymentConfiguration: {},
};
const queue = (behind: string): QueueAction => ({
  kind: "queue",
  service,
  reason: `deployment ${behind} is rolling out`,
  policySource: "tag autopilot:redeploy=minor",
  updates: [],
  behind,
});
const skip = (extra: Partial<SkipAction> = {}): SkipAction => ({
  kind: "skip",
  service,
  category: "already-running",
  reason: "the service already runs sha256:aaaa",
  ...extra,
});

const deployed: DeployOutcome = {
  kind: "deployed",
  action: deploy,
  taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/api:8",
};
const skipped = (extra: Partial<SkipAction> = {}): DeployOutcome => ({
  kind: "skipped",
  action: skip(extra),
});
const queued = (behind: string): DeployOutcome => ({ kind: "queued", action: queue(behind) });
const failed: DeployOutcome = { kind: "failed", action: deploy, error: "UpdateService: ThrottlingException" };

const report = (
  actions: readonly RedeployAction[],
  outcomes: readonly DeployOutcome[],
  dryRun = false,
): RedeployReport => ({
  plan: { push: pending.push, actions, image: { digest: pending.push.digest } },
  outcomes,
  dryRun,
  warnings: ["the deployment record was not written"],
});

describe("releasePlanOptions: how a released push is planned again", () => {
  it("at a deployment's end: a release owned by it, asking ECS whether that deployment rolled back", () => {
    expect(releasePlanOptions(pending, { finishedDeployment: DEPLOYMENT, trigger: "evt-end" })).toStrictEqual(
      {
        release: true,
        finishedDeployments: new Set([DEPLOYMENT]),
        owner: "evt-push released by evt-end",
        dryRun: false,
      },
    );
  });

  it("at a deployment's FAILED end: that deployment is named failed too (a lagging DescribeServices may not show its rollback)", () => {
    expect(
      releasePlanOptions(pending, { finishedDeployment: DEPLOYMENT, failed: true, trigger: "evt-end" }),
    ).toStrictEqual({
      release: true,
      finishedDeployments: new Set([DEPLOYMENT]),
      failedDeployments: new Set([DEPLOYMENT]),
      owner: "evt-push released by evt-end",
      dryRun: false,
    });
    expect(releasePlanOptions(pending, { failed: true, trigger: "evt-sweep" })).not.toHaveProperty(
      "failedDeployments",
    );
  });

  it("from the sweep: no deployment ended, so none is named", () => {
    expect(releasePlanOptions(pending, { trigger: "evt-sweep" })).toStrictEqual({
      release: true,
      owner: "evt-push released by evt-sweep",
      dryRun: false,
    });
  });

  it("a dry run stays a dry run", () => {
    expect(releasePlanOptions(pending, { trigger: "evt-sweep", dryRun: true }).dryRun).toBe(true);
    expect(releasePlanOptions(pending, { trigger: "evt-sweep", dryRun: false }).dryRun).toBe(false);
  });
});

describe("the release of a push whose service is gone", () => {
  const gone: SkipAction = {
    kind: "skip",
    service,
    category: "inactive",
    reason: "the service no longer exists (deleted, or its cluster is): the queued push was dropped",
  };

  it("is an inactive skip naming the service and cluster of the queue entry", () => {
    expect(serviceGoneSkip(pending)).toStrictEqual(gone);
  });

  it("is told instead of an empty plan, the rest of the report as planned", () => {
    const planned = report([], []);
    expect(releaseReport(planned, pending, true)).toStrictEqual({
      ...planned,
      plan: { ...planned.plan, actions: [gone] },
      outcomes: [{ kind: "skipped", action: gone }],
    });
  });

  it("is not made up while the service exists (an empty plan is told as it is)", () => {
    const planned = report([], []);
    expect(releaseReport(planned, pending, false)).toBe(planned);
  });

  it("leaves a plan that has an outcome for the service as it is", () => {
    const planned = report([deploy], [deployed]);
    expect(releaseReport(planned, pending, true)).toBe(planned);
  });
});

describe("releaseSettled: whether the release settled the queued push", () => {
  it("deployed: settled", () => {
    expect(releaseSettled(deployed, "evt-push")).toBe(true);
  });

  it("dropped with a reason (already running, policy off, inactive): settled", () => {
    expect(releaseSettled(skipped(), "evt-push")).toBe(true);
    expect(
      releaseSettled(skipped({ category: "policy-off", reason: "autopilot:redeploy=off" }), "evt-push"),
    ).toBe(true);
  });

  it("another release is rolling it out right now: not settled (that one may still fail)", () => {
    expect(
      releaseSettled(
        skipped({ category: "duplicate", inProgressBy: "evt-push released by evt-end" }),
        "evt-push",
      ),
    ).toBe(false);
  });

  it("another release deployed it and tells it: not settled here", () => {
    expect(
      releaseSettled(
        skipped({ category: "deployed-earlier", reportedBy: "evt-push released by evt-end" }),
        "evt-push",
      ),
    ).toBe(false);
  });

  it("the push's own event deployed it (a retry that found the service free): settled, this release forgets", () => {
    expect(
      releaseSettled(skipped({ category: "deployed-earlier", reportedBy: "evt-push" }), "evt-push"),
    ).toBe(true);
  });

  it("in progress by another release even though reported by the push's own event: not settled", () => {
    expect(
      releaseSettled(
        skipped({
          category: "duplicate",
          inProgressBy: "evt-push released by evt-end",
          reportedBy: "evt-push",
        }),
        "evt-push",
      ),
    ).toBe(false);
  });

  it("queued again behind another deployment, failed, or nothing: not settled", () => {
    expect(releaseSettled(queued("ecs-svc/999"), "evt-push")).toBe(false);
    expect(releaseSettled(failed, "evt-push")).toBe(false);
    expect(releaseSettled(undefined, "evt-push")).toBe(false);
  });
});

describe("forgetsEntry: whether the release removes the queue entry once told", () => {
  it("when the service is gone, whatever the outcome", () => {
    expect(forgetsEntry(queued(DEPLOYMENT), "evt-push", true)).toBe(true);
    expect(forgetsEntry(failed, "evt-push", true)).toBe(true);
  });

  it("when the plan had no outcome for the service (nothing left to do)", () => {
    expect(forgetsEntry(undefined, "evt-push", false)).toBe(true);
  });

  it("when the push is settled", () => {
    expect(forgetsEntry(deployed, "evt-push", false)).toBe(true);
    expect(
      forgetsEntry(skipped({ category: "deployed-earlier", reportedBy: "evt-push" }), "evt-push", false),
    ).toBe(true);
  });

  it("not when it failed, waits again, or another release has it", () => {
    expect(forgetsEntry(failed, "evt-push", false)).toBe(false);
    expect(forgetsEntry(queued("ecs-svc/999"), "evt-push", false)).toBe(false);
    expect(
      forgetsEntry(
        skipped({ category: "duplicate", inProgressBy: "evt-push released by evt-end" }),
        "evt-push",
        false,
      ),
    ).toBe(false);
    expect(
      forgetsEntry(
        skipped({ category: "deployed-earlier", reportedBy: "evt-push released by evt-end" }),
        "evt-push",
        false,
      ),
    ).toBe(false);
  });
});

describe("dueForSweep: which queued pushes the sweep releases", () => {
  const queuedAt = Date.parse(pending.queuedAt);

  it("waits five minutes by default", () => {
    expect(SWEEP_MIN_AGE_MS).toBe(300_000);
  });

  it("releases a push queued exactly the minimum age ago, not a millisecond sooner", () => {
    expect(dueForSweep(pending, queuedAt + 300_000)).toBe(true);
    expect(dueForSweep(pending, queuedAt + 299_999)).toBe(false);
  });

  it("takes the age it is given", () => {
    expect(dueForSweep(pending, queuedAt + 60_000, 60_000)).toBe(true);
    expect(dueForSweep(pending, queuedAt + 59_999, 60_000)).toBe(false);
    expect(dueForSweep(pending, queuedAt, 0)).toBe(true);
  });
});

describe("releaseTells: which releases (the sweep's, a deployment end's) are told", () => {
  it("not one still queued behind the same deployment (Slack heard 'queued behind' once)", () => {
    expect(releaseTells(report([queue(DEPLOYMENT)], [queued(DEPLOYMENT)]), pending, false)).toBe(false);
  });

  it("one queued behind a new deployment: news", () => {
    expect(releaseTells(report([queue("ecs-svc/999")], [queued("ecs-svc/999")]), pending, false)).toBe(true);
  });

  it("in a dry run, not one whose plan queues it behind the same deployment; one behind a new deployment, yes", () => {
    expect(releaseTells(report([queue(DEPLOYMENT)], [], true), pending, true)).toBe(false);
    expect(releaseTells(report([queue("ecs-svc/999")], [], true), pending, true)).toBe(true);
    expect(releaseTells(report([deploy], [], true), pending, true)).toBe(true);
  });

  it("outside a dry run, a queue behind the same deployment that failed to be written is told (a failure)", () => {
    expect(
      releaseTells(
        report(
          [queue(DEPLOYMENT)],
          [{ kind: "failed", action: queue(DEPLOYMENT), error: "PutItem: throttled" }],
        ),
        pending,
        false,
      ),
    ).toBe(true);
  });

  it("not one that another release is rolling out right now (that one tells)", () => {
    expect(
      releaseTells(
        report([skip()], [skipped({ category: "duplicate", inProgressBy: "evt-push released by evt-end" })]),
        pending,
        false,
      ),
    ).toBe(false);
  });

  it("a deploy, a skip with a reason and a failure, yes", () => {
    expect(releaseTells(report([deploy], [deployed]), pending, false)).toBe(true);
    expect(releaseTells(report([skip()], [skipped()]), pending, false)).toBe(true);
    expect(releaseTells(report([deploy], [failed]), pending, false)).toBe(true);
  });
});

describe("forgetReleased: the queue entries of told releases", () => {
  it("forgets each in turn, skipping releases that keep theirs", async () => {
    const forgotten: string[] = [];
    await forgetReleased([
      { forget: async () => void forgotten.push("a") },
      {},
      { forget: async () => void forgotten.push("c") },
    ]);
    expect(forgotten).toEqual(["a", "c"]);
  });

  it("tries every one when some fail, then throws the first failure", async () => {
    const forgotten: string[] = [];
    const first = new Error("DeleteItem a: throttled");
    const second = new Error("DeleteItem c: throttled");
    await expect(
      forgetReleased([
        {
          forget: async () => {
            throw first;
          },
        },
        { forget: async () => void forgotten.push("b") },
        {
          forget: async () => {
            throw second;
          },
        },
        { forget: async () => void forgotten.push("d") },
      ]),
    ).rejects.toBe(first);
    expect(forgotten).toEqual(["b", "d"]);
  });
});
