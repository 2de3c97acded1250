import { createHash } from "node:crypto";
import type { OutgoingMessage } from "../flow.ts";
import {
  capBlocks,
  context,
  escapeMrkdwn,
  header,
  type SlackMessage,
  section,
} from "../notify/SlackMessage.ts";
import { describeWrite } from "./formatSchedule.ts";
import { TAG_GRAMMAR } from "./ScheduleSpec.ts";
import type { ScheduleReport, ServiceSchedulePlan } from "./types.ts";

const name = (plan: ServiceSchedulePlan) => `${plan.service.clusterName}/${plan.service.serviceName}`;

/** A schedule that cannot be understood: said once per service and schedule text. */
export function invalidScheduleMessage(plan: ServiceSchedulePlan, grammar: string): SlackMessage {
  return {
    text: `Invalid schedule on ${name(plan)}: left untouched`,
    blocks: capBlocks([
      header(`Invalid schedule: ${name(plan)}`),
      section(
        `:warning: ${escapeMrkdwn(plan.error ?? "")}\nThe service and its scaling are left as they are until the schedule is fixed.`,
      ),
      context(`form: ${escapeMrkdwn(grammar)}`),
    ]),
  };
}

/** What a reconcile changed for a service (created, updated, repaired or removed). */
export function scheduleChangedMessage(plan: ServiceSchedulePlan): SlackMessage {
  const title = plan.status === "unscheduled" ? "Schedule removed" : "Schedule applied";
  const source = plan.spec ? `\`${escapeMrkdwn(plan.spec.source)}\`` : "";
  return {
    text: `${title}: ${name(plan)} (${plan.writes.length} changes)`,
    blocks: capBlocks([
      header(`${title}: ${name(plan)}`),
      section(
        `:calendar: ${source}\n${plan.writes.map((w) => `• \`${escapeMrkdwn(describeWrite(w))}\``).join("\n")}`,
      ),
    ]),
  };
}

/** A reconcile could not apply a service's schedule: what failed; the next run tries again. */
export function scheduleFailedMessage(plan: ServiceSchedulePlan): SlackMessage {
  return {
    text: `Schedule not applied: ${name(plan)}`,
    blocks: capBlocks([
      header(`Schedule not applied: ${name(plan)}`),
      section(
        `:x: ${escapeMrkdwn(plan.failure ?? "")}\nThe up capacity is remembered first, so nothing is lost; the next reconcile (within 15 minutes) starts again from what holds.`,
      ),
    ]),
  };
}

/** More services changed than this in one reconcile: one digest instead of a message each. */
export const DIGEST_OVER = 10;
/** Services named in a digest; the rest are counted. */
const DIGEST_NAMES = 30;

/**
 * Many services changed in one reconcile (the first run over a fleet, a schedule edited on a
 * whole cluster): one message that counts them and names the first few, not a message per
 * service — 2,000 services would otherwise be 2,000 Slack messages in one go.
 */
export function schedulesChangedDigest(plans: readonly ServiceSchedulePlan[]): SlackMessage {
  const removed = plans.filter((p) => p.status === "unscheduled").length;
  const applied = plans.length - removed;
  const writes = plans.reduce((sum, p) => sum + p.writes.length, 0);
  const names = plans.slice(0, DIGEST_NAMES).map((p) => `• ${escapeMrkdwn(name(p))} (${p.writes.length})`);
  const more = plans.length - names.length;
  return {
    text: `Schedules changed on ${plans.length} services: ${applied} applied, ${removed} removed (${writes} changes)`,
    blocks: capBlocks([
      header(`Schedules changed on ${plans.length} services`),
      section(
        `:calendar: ${applied} applied, ${removed} removed, ${writes} changes in all (changes per service in brackets):\n${names.join("\n")}${more > 0 ? `\n…and ${more} more` : ""}`,
      ),
      context("`npx ecs-autopilot schedule plan` shows each service's schedule and actions"),
    ]),
  };
}

/** How often a failure that stays the same is told again. */
const FAILURE_REMINDER_SECONDS = 24 * 60 * 60;

/** How often an invalid schedule is told again while it stays the same. */
const INVALID_REMINDER_SECONDS = 30 * 24 * 60 * 60;

/**
 * The Slack messages a reconcile deserves: one per service whose schedule changed something
 * (one digest when more than {@link DIGEST_OVER} did), and one per invalid schedule — once per
 * service and error (for 30 days), not on every run.
 */
export function scheduleMessages(report: ScheduleReport): OutgoingMessage[] {
  if (report.dryRun) return [];
  const messages: OutgoingMessage[] = [];
  const changed = report.services.filter((p) => !p.failure && p.status !== "invalid" && p.writes.length > 0);
  const digest = changed.length > DIGEST_OVER;
  if (digest) messages.push({ message: schedulesChangedDigest(changed) });
  for (const plan of report.services) {
    if (plan.failure) {
      const failure = createHash("sha256").update(plan.failure).digest("hex").slice(0, 16);
      messages.push({
        message: scheduleFailedMessage(plan),
        // Another failure of the same service and run is another message (the headline is the same).
        identity: failure,
        once: {
          kind: "schedule-failed",
          id: `${plan.service.serviceArn}#${failure}`,
          seconds: FAILURE_REMINDER_SECONDS,
        },
      });
    } else if (plan.status === "invalid") {
      const error = createHash("sha256")
        .update(plan.error ?? "")
        .digest("hex")
        .slice(0, 16);
      messages.push({
        message: invalidScheduleMessage(plan, TAG_GRAMMAR),
        identity: error,
        once: {
          kind: "schedule-invalid",
          id: `${plan.service.serviceArn}#${error}`,
          seconds: INVALID_REMINDER_SECONDS,
        },
      });
    } else if (plan.writes.length > 0 && !digest) {
      messages.push({ message: scheduleChangedMessage(plan) });
    }
  }
  return messages;
}
