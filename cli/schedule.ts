import { type AwsClients, createAwsClients } from "../core/aws/index.ts";
import { describeTaskDefinitions } from "../core/ecs/index.ts";
import { fargateTaskHourly } from "../core/pricing/fargatePrices.ts";
import {
  formatScheduleReport,
  type PricedService,
  reconcileSchedules,
  type ScheduleReport,
} from "../core/schedule/index.ts";
import { loadValidConfig } from "../core/validateConfig.ts";
import { CliError } from "./errors.ts";

export interface ScheduleOptions {
  readonly days?: string;
  readonly format?: string;
  readonly config?: string;
  readonly table?: string;
  readonly dryRun?: boolean;
}

/** The price of each scheduled service's task, where the task runs on Fargate in a priced region. */
async function prices(clients: AwsClients, report: ScheduleReport): Promise<Map<string, PricedService>> {
  const region = await clients.ecs.config.region();
  const scheduled = report.services.filter((s) => s.status === "scheduled" && s.taskDefinition);
  const definitions = await describeTaskDefinitions(
    clients.ecs,
    scheduled.map((s) => s.taskDefinition ?? ""),
  );
  const result = new Map<string, PricedService>();
  for (const plan of scheduled) {
    const definition = definitions.get(plan.taskDefinition ?? "")?.taskDefinition;
    const cpu = Number(definition?.cpu);
    const memory = Number(definition?.memory);
    if (!definition?.requiresCompatibilities?.includes("FARGATE") || !cpu || !memory) {
      result.set(plan.service.serviceArn, {
        sizeLabel: "EC2 capacity: the saving depends on the cluster scaling in",
      });
      continue;
    }
    const architecture = definition.runtimePlatform?.cpuArchitecture === "ARM64" ? "ARM64" : "X86_64";
    const hourly = fargateTaskHourly(region, architecture, cpu, memory);
    const sizeLabel = `${cpu / 1024} vCPU / ${memory / 1024} GB Fargate ${architecture === "ARM64" ? "ARM " : ""}${region}`;
    result.set(
      plan.service.serviceArn,
      hourly === undefined
        ? { sizeLabel: `${sizeLabel}, no bundled price for ${region}` }
        : { taskHourly: hourly, sizeLabel },
    );
  }
  return result;
}

/**
 * `ecs-autopilot schedule plan [--days 7]` (read-only) and `schedule apply [--dry-run]`: the
 * same reconcile the Lambda runs, with each service's capacity timeline.
 */
export async function schedule(
  command: "plan" | "apply",
  options: ScheduleOptions,
  clients?: AwsClients,
): Promise<string> {
  const days = Number(options.days ?? "7");
  if (!Number.isInteger(days) || days < 1 || days > 31)
    throw new CliError(`--days must be a whole number from 1 to 31, not '${options.days}'`);
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new CliError(`--format must be text or json, not '${format}'`);
  const tableName = options.table ?? process.env.AUTOPILOT_STATE_TABLE;
  if (!tableName) throw new CliError("no state table: pass --table NAME or set AUTOPILOT_STATE_TABLE");
  const config = await loadValidConfig({ ...(options.config ? { file: options.config } : {}) }).catch(
    (error: Error) => {
      throw new CliError(error.message);
    },
  );
  const aws = clients ?? createAwsClients();
  const dryRun = command === "plan" || options.dryRun === true;
  const report = await reconcileSchedules(aws, tableName, config, { dryRun });
  if (format === "json") return JSON.stringify(report, null, 2);
  return formatScheduleReport(report, { days, prices: await prices(aws, report) });
}
