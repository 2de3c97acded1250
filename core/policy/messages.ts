import {
  capBlocks,
  context,
  escapeMrkdwn,
  header,
  type SlackMessage,
  section,
} from "../notify/SlackMessage.ts";
import { SERVICE_TAGS } from "../tags.ts";
import type { AccountAudit } from "./auditAccount.ts";
import type { PolicyAction, PolicyOutcome } from "./PolicyAction.ts";
import { RESOURCE_LABEL } from "./types.ts";

function describeAction(action: PolicyAction): string {
  switch (action.kind) {
    case "tag":
      return `tagged \`${escapeMrkdwn(action.taskDefinitionArn.split("/").pop() ?? "")}\` with ${action.findings} finding(s)`;
    case "deregister":
      return `:no_entry: deregistered \`${escapeMrkdwn(action.taskDefinitionArn.split("/").pop() ?? "")}\` (${escapeMrkdwn(action.reason)})`;
    case "rollback":
      return `:leftwards_arrow_with_hook: rolled *${escapeMrkdwn(action.cluster)}/${escapeMrkdwn(action.service)}* back from \`${escapeMrkdwn(action.from.split("/").pop() ?? "")}\` to \`${escapeMrkdwn(action.to.split("/").pop() ?? "")}\` (${escapeMrkdwn(action.reason)})${action.earlierAttempt ? ` — done by an earlier attempt of this event, which ended before it could tell it; *${escapeMrkdwn(action.service)}* runs \`${escapeMrkdwn(action.to.split("/").pop() ?? "")}\` now` : ""}`;
    case "no-rollback":
      return `:warning: *${escapeMrkdwn(action.cluster)}/${escapeMrkdwn(action.service)}*: ${escapeMrkdwn(action.reason)}`;
  }
}

/**
 * What was done (or, on a dry run, would be done): a rollback an earlier attempt of the event did
 * is "already done" on a dry run, not something it would do.
 */
function actionLines(acted: readonly PolicyAction[], dryRun: boolean): string {
  const earlier = (a: PolicyAction) => a.kind === "rollback" && a.earlierAttempt === true;
  const groups: Array<[string, PolicyAction[]]> = dryRun
    ? [
        ["Would do", acted.filter((a) => !earlier(a))],
        ["Already done", acted.filter(earlier)],
      ]
    : [["Done", [...acted]]];
  return groups
    .filter(([, actions]) => actions.length > 0)
    .map(([title, actions]) => `${title}:\n${actions.map(describeAction).join("\n")}`)
    .join("\n");
}

/** One policy event: the findings of the revision and what audit/enforce did about it. Undefined when clean and nothing was done but tagging. */
export function policyEventMessage(outcome: PolicyOutcome, dryRun: boolean): SlackMessage | undefined {
  if (outcome.unknown) {
    const revision = outcome.unknown.taskDefinitionArn.slice(
      outcome.unknown.taskDefinitionArn.lastIndexOf("/") + 1,
    );
    return {
      text: `Policy (${outcome.mode}): ${revision} could not be checked`,
      blocks: capBlocks([
        header(`Policy ${outcome.mode}: ${revision} not checked`),
        section(
          `:grey_question: ${outcome.trigger}: \`${escapeMrkdwn(revision)}\` could not be read, so it is *not* treated as compliant and nothing was done.\n> ${escapeMrkdwn(outcome.unknown.reason)}\nThe check is retried; if it keeps failing, the event lands in the dead-letter queue (\`ecs-autopilot dlq list policy\`).`,
        ),
      ]),
    };
  }
  const findings = outcome.evaluation?.findings ?? [];
  const acted = outcome.actions.filter((a) => a.kind !== "tag");
  const resourceLines = (outcome.resources ?? []).flatMap((e) => [
    ...e.findings.map(
      (f) =>
        `• *${f.severity}* ${f.ruleId} ${escapeMrkdwn(f.title)} (${RESOURCE_LABEL[e.resourceType]} ${escapeMrkdwn(e.subject)}): ${escapeMrkdwn(f.message)}`,
    ),
    ...e.unknown.map(
      (u) =>
        `• _unknown_ ${u.ruleId} ${escapeMrkdwn(u.title)} (${RESOURCE_LABEL[e.resourceType]} ${escapeMrkdwn(e.subject)}): ${escapeMrkdwn(u.message)}`,
    ),
  ]);
  const undecided = outcome.undecided ?? [];
  if (findings.length === 0 && acted.length === 0 && resourceLines.length === 0 && undecided.length === 0)
    return undefined;
  const subject = outcome.evaluation?.subject ?? "task definition";
  const lines = findings
    .slice(0, 15)
    .map((f) => `• *${f.severity}* ${f.ruleId} ${escapeMrkdwn(f.title)}: ${escapeMrkdwn(f.message)}`);
  if (findings.length > 15) lines.push(`…and ${findings.length - 15} more`);
  return {
    text: `Policy (${outcome.mode}): ${subject}: ${findings.length} finding(s)${undecided.length ? `, ${undecided.length} rule(s) could not decide` : ""}${acted.length ? `, ${acted.length} action(s): ${[...new Set(acted.map((a) => a.kind))].join(", ")}` : ""}`,
    blocks: capBlocks([
      header(`Policy ${outcome.mode}: ${subject}`),
      section(
        `${outcome.trigger}: ${outcome.compliant ? "compliant" : "*not compliant*"}\n${lines.join("\n")}`,
      ),
      ...(undecided.length
        ? [
            section(
              `:grey_question: Could not decide, so the revision is *not* treated as compliant${findings.length === 0 ? " (nor acted on: nothing was found against it)" : ""}:\n${undecided
                .slice(0, 10)
                .map(
                  (u) => `• *${u.severity}* ${u.ruleId} ${escapeMrkdwn(u.title)}: ${escapeMrkdwn(u.message)}`,
                )
                .join("\n")}${undecided.length > 10 ? `\n…and ${undecided.length - 10} more` : ""}`,
            ),
          ]
        : []),
      ...(acted.length ? [section(actionLines(acted, dryRun))] : []),
      ...(resourceLines.length
        ? [
            section(
              `The service itself (reported, not changed):\n${resourceLines.slice(0, 10).join("\n")}${resourceLines.length > 10 ? `\n…and ${resourceLines.length - 10} more` : ""}`,
            ),
          ]
        : []),
      context(
        ...(outcome.evaluation?.suppressed.length
          ? [`${outcome.evaluation.suppressed.length} finding(s) suppressed with a reason`]
          : [`exemptions: \`${SERVICE_TAGS.policyExempt}\` service tag, config \`policy.exemptions\``]),
      ),
    ]),
  };
}

/** The daily audit in one message: totals and the revisions with the most severe findings. */
export function policyAuditMessage(audit: AccountAudit): SlackMessage {
  const { totals } = audit;
  // In use: the revisions checked and those that could not be read (an older summary has no `unchecked`).
  const inUse = totals.revisions + (totals.unchecked ?? 0);
  const worst = audit.revisions
    .filter((r) => r.findings > 0 || (r.unknown?.length ?? 0) > 0)
    .slice(0, 10)
    .map(
      (r) =>
        `• \`${escapeMrkdwn(r.taskDefinition)}\` ${r.bySeverity.high} high, ${r.bySeverity.medium} medium, ${r.bySeverity.low} low (${r.rules.join(" ")})${r.unknown?.length ? `, could not decide: ${r.unknown.join(" ")}` : ""} — ${escapeMrkdwn(r.usedBy.slice(0, 3).join(", "))}${r.usedBy.length > 3 ? "…" : ""}`,
    );
  const worstResources = (audit.resources ?? [])
    .filter((r) => r.findings > 0)
    .slice(0, 10)
    .map(
      (r) =>
        `• ${RESOURCE_LABEL[r.resourceType]} \`${escapeMrkdwn(r.name)}\` ${r.bySeverity.high} high, ${r.bySeverity.medium} medium, ${r.bySeverity.low} low (${r.rules.join(" ")})`,
    );
  return {
    text: `Policy audit: ${inUse} revisions in use, ${totals.compliant} compliant, ${totals.high} high findings`,
    blocks: capBlocks([
      header("Daily policy audit"),
      section(
        `*${inUse}* revisions in use by services and running tasks · *${totals.compliant}* compliant${totals.unchecked ? ` · *${totals.unchecked}* not checked` : ""} · findings: *${totals.high}* high, ${totals.medium} medium, ${totals.low} low${totals.unknown ? `, ${totals.unknown} unknown` : ""}`,
      ),
      ...(worst.length ? [section(worst.join("\n"))] : []),
      ...(audit.unchecked?.length
        ? [
            section(
              `:grey_question: *${audit.unchecked.length}* revision(s) in use could not be read and were *not* checked:\n${audit.unchecked
                .slice(0, 10)
                .map((u) => `• \`${escapeMrkdwn(u.taskDefinition)}\`: ${escapeMrkdwn(u.reason)}`)
                .join("\n")}`,
            ),
          ]
        : []),
      ...(audit.resources
        ? [
            section(
              `*${audit.resourceTotals.resources}* services, task sets, clusters and capacity providers · *${audit.resourceTotals.compliant}* compliant · findings: *${audit.resourceTotals.high}* high, ${audit.resourceTotals.medium} medium, ${audit.resourceTotals.low} low${audit.resourceTotals.unknown ? `, ${audit.resourceTotals.unknown} unknown` : ""} (reported, never changed)`,
            ),
            ...(worstResources.length ? [section(worstResources.join("\n"))] : []),
          ]
        : []),
      context(`full report: \`npx ecs-autopilot policy audit --format json\` (${audit.date.slice(0, 10)})`),
    ]),
  };
}

/**
 * What tells one policy message of an event from another with the same headline (its message id,
 * `OutgoingMessage.identity`): each action as it holds in ECS — a rollback by its service and
 * revisions (done now or by an earlier attempt: the same rollback, told once), a rollback not made
 * by why (`held`, `moved` onto which revision, `no-target`, `unreadable`: a deferral and the
 * retry's verdict are two messages), never by its reason's words, which carry details a retry says
 * differently (how many earlier revisions could not be read).
 */
export function policyMessageIdentity(outcome: PolicyOutcome): string {
  const told = (a: PolicyAction): unknown[] =>
    a.kind === "rollback"
      ? [a.kind, a.serviceArn, a.from, a.to]
      : a.kind === "no-rollback"
        ? [a.kind, a.cluster, a.service, a.why, a.runs ?? null]
        : a.kind === "deregister"
          ? [a.kind, a.taskDefinitionArn, a.reason]
          : [a.kind, a.taskDefinitionArn, a.findings];
  return JSON.stringify(outcome.actions.map(told));
}
