import {
  type Block,
  capBlocks,
  context,
  escapeMrkdwn,
  header,
  type SlackMessage,
  section,
} from "../notify/SlackMessage.ts";
import { SERVICE_TAGS } from "../tags.ts";
import { behindText, type DeployOutcome, type RedeployReport } from "./types.ts";

const shortDigest = (digest: string | undefined): string =>
  digest ? digest.replace(/^(sha256:)?(.{12}).*$/, "$2") : "?";
const revision = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);
const where = (o: DeployOutcome): string =>
  `*${escapeMrkdwn(o.action.service.clusterName)} / ${escapeMrkdwn(o.action.service.serviceName)}*`;

function versionOf(tag: string | undefined, digest: string | undefined): string {
  if (tag && digest) return `\`${escapeMrkdwn(tag)}\` (${shortDigest(digest)})`;
  if (tag) return `\`${escapeMrkdwn(tag)}\``;
  return digest ? `\`${shortDigest(digest)}\`` : "`?`";
}

/**
 * The Slack message for one push: what was deployed where (from which digest to which), what
 * failed, and why tracked services were skipped — not a deploy an earlier attempt of the same event
 * reported already (`reported`: told once). Undefined when there is nothing worth a post:
 * no service tracks the repository, or every tracked one was skipped and `notifySkipped` is off.
 *
 * @example
 * const message = redeployMessage(report, { notifySkipped: false });
 * return { summary, messages: message ? [{ message }] : [] };
 */
export function redeployMessage(
  report: RedeployReport,
  options: { notifySkipped?: boolean } = {},
): SlackMessage | undefined {
  const { push } = report.plan;
  const outcomes: DeployOutcome[] = report.dryRun
    ? report.plan.actions.map((action): DeployOutcome => {
        if (action.kind === "skip") return { kind: "skipped", action };
        if (action.kind === "queue") return { kind: "queued", action };
        if (action.kind === "unread") return { kind: "failed", action, error: action.reason };
        return { kind: "deployed", action, taskDefinitionArn: "(dry run)" };
      })
    : [...report.outcomes];
  const deployed = outcomes.filter((o) => o.kind === "deployed");
  const queued = outcomes.filter((o) => o.kind === "queued");
  const failed = outcomes.filter((o) => o.kind === "failed");
  // A deploy an earlier attempt of this event reported is not told again (its retry for another service).
  const toldBefore = outcomes.filter((o) => o.kind === "skipped" && o.action.reported === true);
  // A released push was announced as queued: what became of it is told, untracked since included.
  const skipped = outcomes.filter(
    (o) =>
      o.kind === "skipped" &&
      o.action.reported !== true &&
      (o.action.category !== "not-tracked" || report.released !== undefined),
  );
  const untracked =
    outcomes.length - deployed.length - queued.length - failed.length - skipped.length - toldBefore.length;
  // A released push was announced as queued: what became of it is always told. So is a deploy an
  // earlier attempt of this event made without reporting it.
  const told =
    // (Not a release that found another invocation rolling the push out: that one tells.)
    (report.released !== undefined &&
      skipped.some(
        (o) =>
          o.action.kind === "skip" &&
          o.action.inProgressBy === undefined &&
          o.action.reportedBy === undefined,
      )) ||
    skipped.some(
      (o) =>
        o.action.kind === "skip" &&
        o.action.category === "deployed-earlier" &&
        o.action.reportedBy === undefined,
    );
  if (
    deployed.length + queued.length + failed.length === 0 &&
    !told &&
    !(options.notifySkipped && skipped.length > 0)
  )
    return undefined;

  const image = `${push.repository}:${push.tag ?? shortDigest(push.digest)}`;
  const verb = report.dryRun ? "would deploy" : "deployed";
  const text = `${image}: ${verb} to ${deployed.length} service(s)${
    queued.length > 0 ? `, ${queued.length} queued` : ""
  }, ${failed.length} failed, ${skipped.length} skipped`;
  const blocks: Block[] = [
    header(`${report.dryRun ? "Redeploy plan" : "Redeploy"}: ${image}`),
    context(`\`${push.digest}\``, `${push.account} · ${push.region}`, `event ${escapeMrkdwn(push.eventId)}`),
  ];
  if (report.released)
    blocks.push(
      context(`queued behind ${behindText(escapeMrkdwn(report.released.behind), "`")}, which has finished`),
    );
  for (const outcome of deployed) {
    if (outcome.kind !== "deployed") continue;
    const { action } = outcome;
    const lines = action.updates.map(
      (u) =>
        `\`${escapeMrkdwn(u.container)}\`: ${versionOf(u.fromTag, u.fromDigest)} → ${versionOf(u.toTag, u.toDigest)}`,
    );
    const rollout = report.dryRun
      ? `\`${revision(action.fromTaskDefinitionArn)}\` → new revision`
      : `\`${revision(action.fromTaskDefinitionArn)}\` → \`${revision(outcome.taskDefinitionArn)}\`${outcome.deploymentId ? ` · deployment \`${outcome.deploymentId}\`` : ""}`;
    blocks.push(
      section(
        `:rocket: ${where(outcome)} ${verb}\n${lines.join("\n")}\n${rollout} · circuit breaker + rollback on\n_${escapeMrkdwn(action.reason)}_`,
      ),
    );
  }
  for (const outcome of queued) {
    if (outcome.kind !== "queued") continue;
    const { action } = outcome;
    const lines = action.updates.map(
      (u) =>
        `\`${escapeMrkdwn(u.container)}\`: ${versionOf(u.fromTag, u.fromDigest)} → ${versionOf(u.toTag, u.toDigest)}`,
    );
    const replaces = action.supersedes
      ? `\nReplaces the queued ${versionOf(action.supersedes.push.tag, action.supersedes.push.digest)} (superseded).`
      : "";
    blocks.push(
      section(
        `:hourglass_flowing_sand: ${where(outcome)} queued behind ${behindText(escapeMrkdwn(action.behind), "`")}: deploys when it finishes\n${lines.join("\n")}${replaces}`,
      ),
    );
  }
  for (const outcome of failed) {
    if (outcome.kind !== "failed") continue;
    blocks.push(section(`:x: ${where(outcome)} failed: ${escapeMrkdwn(outcome.error)}`));
  }
  if (skipped.length > 0) {
    const lines = skipped.map(
      (o) => `• ${where(o)}: ${escapeMrkdwn(o.kind === "skipped" ? o.action.reason : "")}`,
    );
    blocks.push(section(`:fast_forward: Skipped\n${lines.join("\n")}`));
  }
  if (untracked > 0)
    blocks.push(
      context(
        `${untracked} other service(s) use this repository without opting in (\`${SERVICE_TAGS.redeploy}\`)`,
      ),
    );
  return { text, blocks: capBlocks(blocks) };
}
