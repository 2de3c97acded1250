import {
  capBlocks,
  context,
  escapeMrkdwn,
  header,
  type SlackMessage,
  section,
} from "../notify/SlackMessage.ts";
import { describeWrite } from "./formatSchedule.ts";
import type { ServiceSchedulePlan } from "./reconcileSchedules.ts";

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
