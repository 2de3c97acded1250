/**
 * What Slack and a dry run say about a policy rollback: done now, or done by an earlier attempt of
 * the same event whose UpdateService replies were lost (the retry found the service on the target
 * and the rollback's record, core/policy/rollbackRecord.ts).
 */
import { describe, expect, it } from "vitest";
import { policyEventMessage, policyMessageIdentity } from "../../../core/policy/messages.ts";
import type { PolicyAction, PolicyOutcome } from "../../../core/policy/PolicyAction.ts";
import { messageId } from "../../../runtime/deliver.ts";

const ROLLBACK: Extract<PolicyAction, { kind: "rollback" }> = {
  kind: "rollback",
  cluster: "prod",
  service: "billing",
  serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/billing",
  from: "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing:2",
  to: "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing:1",
  reason: "billing:2 violates ECS001",
};

const outcome = (actions: PolicyAction[]): PolicyOutcome => ({
  trigger: "UpdateService",
  mode: "enforce",
  compliant: false,
  actions,
});

const blocks = (actions: PolicyAction[], dryRun: boolean) =>
  JSON.parse(JSON.stringify(policyEventMessage(outcome(actions), dryRun)?.blocks)) as Array<{
    text?: { text: string };
  }>;
const actionSection = (actions: PolicyAction[], dryRun: boolean) =>
  blocks(actions, dryRun)
    .map((b) => b.text?.text ?? "")
    .find((t) => /^(Done|Would do|Already done):/.test(t));

describe("policy rollback messages", () => {
  it("a rollback done now: 'Done', or on a dry run 'Would do', without an earlier attempt's mark", () => {
    const line =
      ":leftwards_arrow_with_hook: rolled *prod/billing* back from `billing:2` to `billing:1` (billing:2 violates ECS001)";
    expect(actionSection([ROLLBACK], false)).toBe(`Done:\n${line}`);
    expect(actionSection([ROLLBACK], true)).toBe(`Would do:\n${line}`);
  });

  it("a rollback an earlier attempt did says so and what runs; a dry run lists it as already done", () => {
    const earlier = { ...ROLLBACK, earlierAttempt: true as const };
    const line =
      ":leftwards_arrow_with_hook: rolled *prod/billing* back from `billing:2` to `billing:1` (billing:2 violates ECS001) — done by an earlier attempt of this event, which ended before it could tell it; *billing* runs `billing:1` now";
    expect(actionSection([earlier], false)).toBe(`Done:\n${line}`);
    expect(actionSection([earlier], true)).toBe(`Already done:\n${line}`);
    // Beside an action the dry run would still do, each under its own title.
    const deregister: PolicyAction = {
      kind: "deregister",
      taskDefinitionArn: ROLLBACK.from,
      reason: "ECS001 at or above high",
    };
    expect(actionSection([deregister, earlier], true)).toBe(
      `Would do:\n:no_entry: deregistered \`billing:2\` (ECS001 at or above high)\nAlready done:\n${line}`,
    );
  });

  it("the headline names the kinds, the same for a rollback done now or by an earlier attempt (one message id)", () => {
    const text = (actions: PolicyAction[]) => policyEventMessage(outcome(actions), false)?.text;
    expect(text([ROLLBACK])).toBe("Policy (enforce): task definition: 0 finding(s), 1 action(s): rollback");
    expect(text([{ ...ROLLBACK, earlierAttempt: true }])).toBe(text([ROLLBACK]));
  });

  it("the message id tells outcomes apart that the headline does not, and keeps one rollback one message", () => {
    const id = (actions: PolicyAction[]) => {
      const told = outcome(actions);
      return messageId(
        "policy",
        "event-1",
        "default",
        policyEventMessage(told, false)?.text ?? "",
        policyMessageIdentity(told),
      );
    };
    const noRollback = (
      why: "held" | "moved" | "no-target" | "unreadable",
      reason: string,
      runs?: string,
    ): PolicyAction => ({
      kind: "no-rollback",
      cluster: "prod",
      service: "billing",
      reason,
      why,
      ...(runs ? { runs } : {}),
      ...(why === "held" || why === "unreadable" ? { retried: true as const } : {}),
    });
    const deferred = noRollback(
      "held",
      "billing:2 violates ECS001; not rolled back yet: the redeploy of billing is changing the service right now",
    );
    const moved = noRollback(
      "moved",
      "billing:2 violates ECS001; the service no longer runs it (it runs billing:3), so nothing was rolled back",
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing:3",
    );
    // Same headline ("1 action(s): no-rollback"), two outcomes: two messages.
    expect(policyEventMessage(outcome([deferred]), false)?.text).toBe(
      policyEventMessage(outcome([moved]), false)?.text,
    );
    expect(id([deferred])).not.toBe(id([moved]));
    // Moved onto another revision, no target, a target unread: each another message.
    expect(
      id([{ ...(moved as Extract<PolicyAction, { kind: "no-rollback" }>), runs: "billing:4" }]),
    ).not.toBe(id([moved]));
    expect(
      new Set([
        id([deferred]),
        id([noRollback("no-target", "billing:2 violates ECS001; no earlier compliant revision")]),
        id([noRollback("unreadable", "billing:2 violates ECS001; not rolled back yet")]),
      ]).size,
    ).toBe(3);
    // The same outcome told again (a retry, a redrive): one message, whatever details its reason
    // words differently (review 33: how many earlier revisions could not be read).
    expect(id([{ ...deferred }])).toBe(id([deferred]));
    expect(
      id([
        noRollback(
          "held",
          "billing:2 violates ECS001; 1 earlier revision(s) could not be read and were not considered; not rolled back yet: the redeploy of billing is changing the service right now",
        ),
      ]),
    ).toBe(id([deferred]));
    expect(id([{ ...ROLLBACK, earlierAttempt: true }])).toBe(id([ROLLBACK]));
    // A rollback to another revision is another message.
    expect(id([{ ...ROLLBACK, to: ROLLBACK.to.replace(":1", ":0") }])).not.toBe(id([ROLLBACK]));
    // Without an identity, the id is the text's alone (the flows that give none keep their ids).
    expect(messageId("policy", "event-1", "default", "x")).not.toBe(
      messageId("policy", "event-1", "default", "x", ""),
    );
  });
});
