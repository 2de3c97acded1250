import { describe, expect, it } from "vitest";
import { LIMITS, renderPlainText } from "../../../core/notify/index.ts";
import type {
  DeployAction,
  DeployOutcome,
  RedeployReport,
  SkipAction,
} from "../../../core/redeploy/index.ts";
import { redeployMessage } from "../../../core/redeploy/messages.ts";

const digest = `sha256:${"b".repeat(64)}`;
const previous = `sha256:${"a".repeat(64)}`;
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
      container: "web",
      fromImage: "…",
      toImage: "…",
      fromTag: "1.4.2",
      fromDigest: previous,
      toTag: "1.5.0",
      toDigest: digest,
    },
  ],
  fromTaskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${name}:7`,
  register: { family: name, containerDefinitions: [] },
  deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
});
const skip = (name: string, category: SkipAction["category"], reason: string): SkipAction => ({
  kind: "skip",
  service: service(name),
  category,
  reason,
});

function report(outcomes: DeployOutcome[]): RedeployReport {
  return {
    plan: {
      push: {
        account: "123456789012",
        region: "eu-west-1",
        repository: "shop/web",
        digest,
        tag: "1.5.0",
        eventId: "e-1",
      },
      actions: outcomes.map((o) => o.action),
    },
    outcomes,
    dryRun: false,
  };
}

describe("redeployMessage", () => {
  it("says what was deployed where, from which digest to which, what failed and why others were skipped", () => {
    const message = redeployMessage(
      report([
        {
          kind: "deployed",
          action: deploy("web"),
          taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8",
          deploymentId: "ecs-svc/42",
        },
        {
          kind: "failed",
          action: deploy("admin"),
          error: "AccessDeniedException: not authorized to perform iam:PassRole",
        },
        {
          kind: "skipped",
          action: skip("worker", "policy-rejected", "patch: '1.5.0' is not a patch of 1.4"),
        },
        { kind: "skipped", action: skip("legacy", "not-tracked", "no autopilot:redeploy tag") },
      ]),
    );
    expect(message?.text).toBe("shop/web:1.5.0: deployed to 1 service(s), 1 failed, 1 skipped");
    const text = renderPlainText(message ?? { text: "", blocks: [] });
    expect(text).toContain("prod / web deployed");
    expect(text).toContain("`web`: `1.4.2` (aaaaaaaaaaaa) → `1.5.0` (bbbbbbbbbbbb)");
    expect(text).toContain("`web:7` → `web:8` · deployment `ecs-svc/42`");
    expect(text).toContain("prod / admin failed: AccessDeniedException");
    expect(text).toContain("prod / worker: patch: '1.5.0' is not a patch of 1.4");
    expect(text).toContain("1 other service(s) use this repository without opting in");
    expect(text).not.toContain("legacy");
  });

  it("stays quiet when nothing was deployed or failed, unless asked to report skips", () => {
    const skipped = report([{ kind: "skipped", action: skip("worker", "policy-rejected", "no") }]);
    expect(redeployMessage(skipped)).toBeUndefined();
    expect(redeployMessage(skipped, { notifySkipped: true })?.text).toContain("1 skipped");
  });

  it("tells a deploy an earlier attempt of the same event made without reporting it, skips off or not", () => {
    const retried = report([
      {
        kind: "skipped",
        action: skip("web", "deployed-earlier", `${digest} was already deployed here by this event as web:8`),
      },
    ]);
    const message = redeployMessage(retried);
    expect(message && renderPlainText(message)).toContain("already deployed here by this event as web:8");
    expect(
      redeployMessage(report([{ kind: "skipped", action: skip("web", "already-running", "runs") }])),
    ).toBe(undefined);
  });

  it("does not tell again a deploy an earlier attempt of the same event reported, nor count it as skipped or untracked", () => {
    const reported: SkipAction = {
      ...skip(
        "web",
        "deployed-earlier",
        `${digest} was already deployed here by this event as web:8 (an earlier attempt, which reported it)`,
      ),
      reported: true,
    };
    const retried = redeployMessage(
      report([
        { kind: "failed", action: deploy("api"), error: "its state could not be read" },
        { kind: "skipped", action: reported },
      ]),
      { notifySkipped: true },
    );
    expect(retried?.text).toBe("shop/web:1.5.0: deployed to 0 service(s), 1 failed, 0 skipped");
    const text = renderPlainText(retried ?? { text: "", blocks: [] });
    expect(text).toContain("prod / api failed: its state could not be read");
    expect(text).not.toContain("prod / web");
    expect(text).not.toContain("without opting in");
    // Nothing else to tell: no message, skips on or off.
    expect(redeployMessage(report([{ kind: "skipped", action: reported }]), { notifySkipped: true })).toBe(
      undefined,
    );
  });

  it("keeps within Slack's limits for a large fleet", () => {
    const many = Array.from(
      { length: 120 },
      (_, i): DeployOutcome => ({
        kind: "deployed",
        action: deploy(`svc-${i}`),
        taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/svc-${i}:8`,
      }),
    );
    const message = redeployMessage(report(many));
    expect(message?.blocks.length).toBe(LIMITS.blocks);
    expect(renderPlainText(message ?? { text: "", blocks: [] })).toContain("more blocks not shown");
  });

  it("escapes Slack control characters in names and errors", () => {
    const message = redeployMessage(
      report([{ kind: "failed", action: deploy("web"), error: "<!channel> & co" }]),
    );
    expect(JSON.stringify(message)).toContain("&lt;!channel&gt; &amp; co");
  });
});
