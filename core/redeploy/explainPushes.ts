import { decideTag, lastVersionAfter, parseTagPolicy, TagPolicyError } from "../tagPolicy/index.ts";

/** What an ECS tag value may hold: letters, digits, spaces and `_ . : / = + - @` (AWS's tag pattern). */
const ECS_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** One replayed push: what the policy decided and what runs afterwards. */
export interface ExplainedPush {
  readonly tag: string;
  readonly decision: "deploy" | "skip";
  readonly reason: string;
  /** The tag the service runs after this push (null: unknown). */
  readonly running: string | null;
}

/** A replay of pushes against one service: the `redeploy explain` contract. */
export interface Explanation {
  readonly policy: string;
  readonly allowPrerelease: boolean;
  /** The policy can only be set in the central config (globs, regular expressions). */
  readonly configOnly: boolean;
  /** The tag the service ran before the first push (null: unknown). */
  readonly started: string | null;
  readonly pushes: readonly ExplainedPush[];
  /** The tag the service runs after the last push (null: unknown). */
  readonly running: string | null;
  /**
   * The last version tag the service ran, after the last push (null: none): what the redeploy flow
   * records as `autopilot:last-version:<container>`, below which `any` deploys no version.
   */
  readonly lastVersion: string | null;
}

/**
 * Replays pushes, in order, against a service running `running` under a tag policy, carrying the
 * running tag forward after each deploy: the answer to "why didn't my service update?". Only the
 * tag policy is replayed; the image checks (platform, signature) and the roll-out state are the
 * plan's (`redeploy plan`). Throws TagPolicyError for a policy that does not parse.
 *
 * @example
 * explainPushes("minor", { running: "1.4.2", pushed: ["1.4.3", "2.0.0", "1.5.0"] });
 * // pushes: deploy, skip (major bump), deploy; running: "1.5.0"
 */
export function explainPushes(
  policySpec: string,
  options: { running?: string; lastVersion?: string; pushed: readonly string[]; allowPrerelease?: boolean },
): Explanation {
  const allowPrerelease = options.allowPrerelease ?? false;
  const policy = parseTagPolicy(policySpec, { allowPrerelease, from: "config" });
  // Config only: a form refused in tags (globs, regular expressions), or characters an ECS tag
  // value cannot hold (`range:>=1.2 <2`).
  let configOnly = !ECS_TAG_VALUE.test(policySpec.trim());
  try {
    parseTagPolicy(policySpec, { allowPrerelease, from: "tag" });
  } catch (error) {
    if (!(error instanceof TagPolicyError)) throw error;
    configOnly = true;
  }
  let running = options.running;
  // As the flow records it on each revision it registers (the service's own record, when given).
  let lastVersion = lastVersionAfter({ current: running, lastVersion: options.lastVersion });
  const pushes: ExplainedPush[] = [];
  for (const tag of options.pushed) {
    const decision = decideTag(policy, {
      ...(running !== undefined ? { current: running } : {}),
      pushed: tag,
      ...(lastVersion !== undefined ? { lastVersion } : {}),
    });
    if (decision.accept) {
      lastVersion = lastVersionAfter({ current: running, pushed: tag, lastVersion });
      running = tag;
    }
    pushes.push({
      tag,
      decision: decision.accept ? "deploy" : "skip",
      reason: decision.reason,
      running: running ?? null,
    });
  }
  return {
    policy: policySpec.trim(),
    allowPrerelease,
    configOnly,
    started: options.running ?? null,
    pushes,
    running: running ?? null,
    lastVersion: lastVersion ?? null,
  };
}

/**
 * The explanation as a person reads it: one line per push, the running tag carried forward.
 *
 * @example
 * console.log(formatExplanation(explainPushes("minor", { running: "1.4.2", pushed: ["1.5.0"] })));
 */
export function formatExplanation(explanation: Explanation): string {
  const where = explanation.configOnly ? "central config only" : "service tag or central config";
  const lines = [
    `Policy ${explanation.policy} (${where}), allowPrerelease ${explanation.allowPrerelease ? "on" : "off"}; ` +
      `the service runs ${explanation.started ?? "an unknown tag"}`,
  ];
  const width = Math.max(6, ...explanation.pushes.map((p) => p.tag.length));
  for (const push of explanation.pushes)
    lines.push(`  ${push.tag.padEnd(width)}  ${push.decision.padEnd(6)}  ${push.reason}`);
  const deployed = explanation.pushes.filter((p) => p.decision === "deploy").length;
  lines.push(
    `Runs ${explanation.running ?? "an unknown tag"} after ${explanation.pushes.length} push(es): ` +
      `${deployed} deployed, ${explanation.pushes.length - deployed} skipped ` +
      "(tag policy only; the image's platform and signature are checked at push time)",
  );
  return lines.join("\n");
}
