import { createHash } from "node:crypto";
import type { AwsClients } from "../aws/clients.ts";
import { claimOnce } from "../aws/state.ts";
import type { SlackMessage } from "../notify/SlackMessage.ts";
import { invalidScheduleMessage, scheduleChangedMessage } from "./messages.ts";
import type { ScheduleReport } from "./reconcileSchedules.ts";
import { TAG_GRAMMAR } from "./ScheduleSpec.ts";

const INVALID_REMINDER_SECONDS = 30 * 24 * 60 * 60;

/**
 * The Slack messages a reconcile deserves: one per service whose schedule changed something,
 * and one per invalid schedule — once per service and error, not on every run.
 */
export async function scheduleMessages(
  report: ScheduleReport,
  clients: Pick<AwsClients, "documents">,
  tableName: string,
): Promise<SlackMessage[]> {
  if (report.dryRun) return [];
  const messages: SlackMessage[] = [];
  for (const plan of report.services) {
    if (plan.status === "invalid") {
      const key = `schedule-invalid#${plan.service.serviceArn}#${createHash("sha256")
        .update(plan.error ?? "")
        .digest("hex")
        .slice(0, 16)}`;
      if (await claimOnce(clients.documents, tableName, key, INVALID_REMINDER_SECONDS))
        messages.push(invalidScheduleMessage(plan, TAG_GRAMMAR));
    } else if (plan.writes.length > 0) {
      messages.push(scheduleChangedMessage(plan));
    }
  }
  return messages;
}
