import { describePriceSource, distinctSources, type PriceSource } from "../pricing/PriceSource.ts";
import { timeline, weeklySavings } from "./timeline.ts";
import type { ScheduleReport, ScheduleWrite, ServiceSchedulePlan } from "./types.ts";

const range = (c: { min: number; max: number }) => (c.min === c.max ? String(c.min) : `${c.min}-${c.max}`);

export function describeWrite(write: ScheduleWrite): string {
  switch (write.kind) {
    case "put-action":
      return `${write.reason} ${write.action.name}: ${write.action.schedule} ${write.action.timezone} → ${range(write.action.capacity)}${write.action.startTime ? ` from ${write.action.startTime.toISOString()}` : ""}${write.action.endTime ? ` until ${write.action.endTime.toISOString()}` : ""}`;
    case "delete-action":
      return `delete ${write.name} (${write.reason})`;
    case "set-capacity":
      return `${write.reason === "register" ? "register scalable target" : write.reason === "restore" ? "restore capacity" : "set capacity now"} → ${range(write.capacity)}`;
    case "remember-capacity":
      return `remember up capacity ${range(write.capacity)} (from ${write.source})`;
    case "release-capacity":
      return "mark the remembered capacity released";
    case "forget-capacity":
      return "forget remembered capacity";
  }
}

export interface PricedService {
  /** $ per task-hour of the service's task, when known. */
  readonly taskHourly?: number;
  readonly sizeLabel?: string;
  /** Where the price came from and its date (named at the end of the report with its age). */
  readonly source?: PriceSource;
}

/**
 * The report as a person reads it: per service the schedule, a compact chart of the coming days
 * in the schedule's time zone (█ up, · down, one cell per half hour), the changes, the weekly
 * savings and the writes.
 */
export function formatScheduleReport(
  report: ScheduleReport,
  options: { days: number; prices?: ReadonlyMap<string, PricedService> } = { days: 7 },
): string {
  const lines: string[] = [];
  let totalTaskHours = 0;
  let totalDollars = 0;
  for (const plan of report.services)
    lines.push(
      ...formatService(plan, report, options, (taskHours, dollars) => {
        totalTaskHours += taskHours;
        totalDollars += dollars ?? 0;
      }),
    );
  // A failed service's writes count only as far as they were made.
  const writes = report.services.reduce((sum, p) => sum + writesMade(p).length, 0);
  const notDone = report.services.reduce((sum, p) => sum + (p.writes.length - writesMade(p).length), 0);
  const failed = report.services.filter((p) => p.failure !== undefined);
  const sources = distinctSources(
    [...(options.prices?.values() ?? [])].flatMap((p) => (p.source ? [p.source] : [])),
  );
  if (sources.length > 0)
    lines.push("prices:", ...sources.map((s) => `  ${describePriceSource(s, report.now)}`), "");
  lines.push(
    `${report.services.filter((p) => p.status === "scheduled").length} scheduled, ${report.services.filter((p) => p.status === "invalid").length} invalid, ${report.services.filter((p) => p.status === "unscheduled").length} unscheduled${failed.length > 0 ? `, ${failed.length} FAILED (${failed.map(nameOf).join(", ")})` : ""}; ${writes} write${writes === 1 ? "" : "s"}${report.dryRun ? " planned (dry run)" : ""}${notDone > 0 ? `, ${notDone} not done` : ""}; saves ${Math.round(totalTaskHours)} task-hours/week${totalDollars > 0 ? ` ≈ $${totalDollars.toFixed(2)}/week` : ""}`,
  );
  return lines.join("\n");
}

const nameOf = (plan: ServiceSchedulePlan): string =>
  `${plan.service.clusterName}/${plan.service.serviceName}`;

/** The writes that were made: all of them, unless applying them failed part-way. */
const writesMade = (plan: ServiceSchedulePlan): readonly ScheduleWrite[] =>
  plan.failure === undefined ? plan.writes : (plan.writesDone ?? []);

function formatService(
  plan: ServiceSchedulePlan,
  report: ScheduleReport,
  options: { days: number; prices?: ReadonlyMap<string, PricedService> },
  total: (taskHours: number, dollars?: number) => void,
): string[] {
  const name = nameOf(plan);
  const failed = plan.failure !== undefined;
  if (plan.status === "invalid") return [`${name}: INVALID, left untouched: ${plan.error}`, ""];
  const lines: string[] = [];
  if (plan.status === "unscheduled") {
    lines.push(`${name}: schedule removed`);
  } else if (plan.spec && plan.capacity) {
    lines.push(
      `${name}  ${plan.spec.source}  · up ${range(plan.capacity.up)} · off ${range(plan.capacity.off)}`,
    );
    lines.push(`                 0     3     6     9     12    15    18    21   (${plan.spec.timezone})`);
    for (const day of timeline(plan.spec, plan.capacity, report.now, options.days)) {
      const note = day.hours !== 24 ? ` [${day.hours} h day]` : "";
      lines.push(`  ${day.weekday} ${day.date}  ${day.cells}  ${day.changes.join("  ")}${note}`);
    }
    const price = options.prices?.get(plan.service.serviceArn);
    const savings = weeklySavings(
      plan.spec,
      plan.capacity,
      report.now,
      plan.upTasks ?? plan.capacity.up.min,
      price?.taskHourly,
    );
    // A schedule whose writes failed saves nothing yet.
    if (!failed) total(savings.taskHours, savings.dollars);
    lines.push(
      `  ${failed ? "would save (not in effect: its writes failed) " : "saves "}${savings.taskHours} task-hours/week (${savings.offHours} h down × ${(plan.upTasks ?? 0) - plan.capacity.off.min} tasks)${savings.dollars !== undefined ? ` ≈ $${savings.dollars.toFixed(2)}/week, $${(savings.monthlyDollars ?? 0).toFixed(2)}/month${price?.sizeLabel ? ` at ${price.sizeLabel}` : ""}` : price?.sizeLabel ? ` (${price.sizeLabel})` : ""}`,
    );
  }
  const made = new Set(writesMade(plan));
  for (const write of plan.writes)
    lines.push(`  ${report.dryRun ? "would " : made.has(write) ? "" : "not done: "}${describeWrite(write)}`);
  if (failed)
    lines.push(
      `  FAILED after ${made.size} of ${plan.writes.length} writes: ${plan.failure} (the up capacity is remembered first; the next reconcile starts again from what holds)`,
    );
  if (plan.writes.length === 0) lines.push("  in sync: nothing to write");
  lines.push("");
  return lines;
}
