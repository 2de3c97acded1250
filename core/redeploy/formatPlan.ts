import { formatPlatform } from "./ImageFacts.ts";
import { behindText, type PendingPush, type RedeployPlan } from "./types.ts";

const short = (digest: string | undefined) => (digest ? digest.replace(/^sha256:/, "").slice(0, 12) : "?");
const revision = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);
/** The queued push a deploy or queue action takes the place of (newest wins). */
const replaces = (queued: PendingPush | undefined) =>
  queued ? `; replaces the queued ${queued.push.tag ?? short(queued.push.digest)}` : "";

/**
 * The plan as a person reads it in a terminal: one line per service, deploy or skip with reason.
 *
 * @example
 * console.log(formatPlan(report.plan));
 */
export function formatPlan(plan: RedeployPlan): string {
  const { push } = plan;
  const lines = [
    `Plan for ${push.repository}:${push.tag ?? "(no tag)"} @ ${short(push.digest)} in ${push.account}/${push.region}`,
  ];
  const facts = plan.image;
  if (facts?.platform)
    lines.push(
      facts.platform.known
        ? `  image: ${facts.platform.platforms.map(formatPlatform).join(", ")} (from the ${facts.platform.from})`
        : `  image: platforms unknown (${facts.platform.reason})`,
    );
  if (facts?.tagNow)
    lines.push(
      facts.tagNow.digest === undefined
        ? `  tag: no image has '${facts.tagNow.tag}' now`
        : `  tag: '${facts.tagNow.tag}' names ${short(facts.tagNow.digest)} now${facts.tagNow.digest === push.digest ? " (the pushed image)" : ", not the pushed image"}`,
    );
  if (facts?.signature)
    lines.push(
      `  signatures: ${facts.signature.signatures.length > 0 ? facts.signature.signatures.map((s) => `${s.via} ${s.artifactType}`).join(", ") : "none found"}`,
    );
  const width = Math.max(
    8,
    ...plan.actions.map((a) => `${a.service.clusterName}/${a.service.serviceName}`.length),
  );
  for (const action of plan.actions) {
    const name = `${action.service.clusterName}/${action.service.serviceName}`.padEnd(width);
    if (action.kind === "deploy") {
      const updates = action.updates.map(
        (u) => `${u.container}: ${u.fromTag ?? short(u.fromDigest)} → ${u.toTag ?? short(u.toDigest)}`,
      );
      lines.push(
        `  deploy  ${name}  ${updates.join(", ")}  (${revision(action.fromTaskDefinitionArn)} → new revision; ${action.reason}${replaces(action.supersedes)})`,
      );
    } else if (action.kind === "queue") {
      const updates = action.updates.map(
        (u) => `${u.container}: ${u.fromTag ?? short(u.fromDigest)} → ${u.toTag ?? short(u.toDigest)}`,
      );
      lines.push(
        `  queue   ${name}  ${updates.join(", ")}  (behind ${behindText(action.behind)}; ${action.reason}${replaces(action.supersedes)})`,
      );
    } else if (action.kind === "unread") {
      lines.push(`  failed  ${name}  ${action.reason}`);
    } else {
      lines.push(`  skip    ${name}  ${action.category}: ${action.reason}`);
    }
  }
  if (plan.actions.length === 0) lines.push("  no service in this account and region uses this repository");
  const deploys = plan.actions.filter((a) => a.kind === "deploy").length;
  const queues = plan.actions.filter((a) => a.kind === "queue").length;
  const unread = plan.actions.filter((a) => a.kind === "unread").length;
  lines.push(
    `${deploys} to deploy, ${queues > 0 ? `${queues} queued, ` : ""}${plan.actions.length - deploys - queues - unread} skipped${unread > 0 ? `, ${unread} failed` : ""}`,
  );
  return lines.join("\n");
}
