import type { Service } from "@aws-sdk/client-ecs";
import { type AwsClients, createAwsClients } from "../core/aws/index.ts";
import {
  type ContainerInstanceFacts,
  describeServices,
  describeTaskDefinitions,
  listContainerInstances,
  taskReservation,
} from "../core/ecs/index.ts";
import { distinctSources, priceAgeDays } from "../core/pricing/PriceSource.ts";
import { ec2TaskPrice, fargateTaskPrice } from "../core/pricing/taskPrice.ts";
import {
  formatScheduleReport,
  type PricedService,
  reconcileSchedules,
  type ScheduleReport,
} from "../core/schedule/index.ts";
import { StateTable } from "../core/state/index.ts";
import { CliError, EXIT } from "./errors.ts";
import { loadCliConfig } from "./loadCliConfig.ts";

export interface ScheduleOptions {
  readonly days?: string;
  readonly format?: string;
  readonly config?: string;
  readonly table?: string;
  readonly dryRun?: boolean;
}

/**
 * The price of each scheduled service's task-hour in any region with bundled prices: Fargate
 * tasks by their size, EC2 tasks by the share of the instance type their cluster runs (what a
 * task-hour frees when the cluster scales in), each with its source and date.
 */
async function prices(clients: AwsClients, report: ScheduleReport): Promise<Map<string, PricedService>> {
  const region = await clients.ecs.config.region();
  const scheduled = report.services.filter((s) => s.status === "scheduled" && s.taskDefinition);
  const definitions = await describeTaskDefinitions(
    clients.ecs,
    scheduled.map((s) => s.taskDefinition ?? ""),
  );
  const services = new Map<string, Service>();
  const byCluster = new Map<string, string[]>();
  for (const plan of scheduled)
    byCluster.set(plan.service.clusterName, [
      ...(byCluster.get(plan.service.clusterName) ?? []),
      plan.service.serviceArn,
    ]);
  for (const [cluster, arns] of byCluster)
    for (const service of (await describeServices(clients.ecs, cluster, arns)).services)
      services.set(service.serviceArn ?? "", service);
  const instancesOf = new Map<string, Promise<ContainerInstanceFacts[]>>();
  const result = new Map<string, PricedService>();
  for (const plan of scheduled) {
    const definition = definitions.get(plan.taskDefinition ?? "")?.taskDefinition;
    const service = services.get(plan.service.serviceArn);
    const ec2 =
      service?.launchType === "EC2" ||
      (service?.capacityProviderStrategy ?? []).some((s) => !s.capacityProvider?.startsWith("FARGATE")) ||
      (!service && !definition?.requiresCompatibilities?.includes("FARGATE"));
    const task = taskReservation(definition);
    if (ec2) {
      let instances = instancesOf.get(plan.service.clusterName);
      if (!instances) {
        instances = listContainerInstances(clients.ecs, plan.service.clusterName);
        instancesOf.set(plan.service.clusterName, instances);
      }
      const active = (await instances).filter((i) => i.status === "ACTIVE" && i.instanceType);
      const counts = new Map<string, number>();
      for (const i of active) counts.set(i.instanceType ?? "", (counts.get(i.instanceType ?? "") ?? 0) + 1);
      const type = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
      const registered = active.find((i) => i.instanceType === type)?.registered;
      const price = type && registered ? ec2TaskPrice(region, type, registered, task) : undefined;
      result.set(
        plan.service.serviceArn,
        price
          ? { ...price, sizeLabel: `${price.sizeLabel}; saved only when the cluster scales in` }
          : {
              sizeLabel: type
                ? `EC2 ${type}: no bundled price for ${region}`
                : "EC2: no container instances registered, capacity not priced",
            },
      );
      continue;
    }
    const architecture = definition?.runtimePlatform?.cpuArchitecture === "ARM64" ? "ARM64" : "X86_64";
    const price =
      task.cpu && task.memory ? fargateTaskPrice(region, architecture, task.cpu, task.memory) : undefined;
    result.set(
      plan.service.serviceArn,
      price ?? {
        sizeLabel: `${task.cpu / 1024} vCPU / ${task.memory / 1024} GB Fargate ${architecture === "ARM64" ? "arm64" : "x86_64"}: no bundled price for ${region}`,
      },
    );
  }
  return result;
}

/**
 * `ecs-autopilot schedule plan [--days 7]` (read-only) and `schedule apply [--dry-run]`: the
 * same reconcile the Lambda runs, with each service's capacity timeline. A service whose writes
 * failed is named with its error and the writes not made; the others are still applied, and the
 * exit code is 1 (`EXIT.failed`), as the Lambda fails its invocation for the same report.
 */
export async function schedule(
  command: "plan" | "apply",
  options: ScheduleOptions,
  clients?: AwsClients,
): Promise<{ output: string; exitCode: number }> {
  const days = Number(options.days ?? "7");
  if (!Number.isInteger(days) || days < 1 || days > 31)
    throw new CliError(`--days must be a whole number from 1 to 31, not '${options.days}'`);
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new CliError(`--format must be text or json, not '${format}'`);
  const tableName = options.table ?? process.env.AUTOPILOT_STATE_TABLE;
  if (!tableName) throw new CliError("no state table: pass --table NAME or set AUTOPILOT_STATE_TABLE");
  const config = await loadCliConfig(options.config);
  const aws = clients ?? createAwsClients();
  const dryRun = command === "plan" || options.dryRun === true;
  const report = await reconcileSchedules(aws, new StateTable(aws.documents, tableName), config, { dryRun });
  const priced = await prices(aws, report);
  const failed = report.services.filter((s) => s.failure !== undefined);
  const exitCode = failed.length > 0 ? EXIT.failed : EXIT.ok;
  if (format === "json") {
    const sources = distinctSources([...priced.values()].flatMap((p) => (p.source ? [p.source] : []))).map(
      (source) => ({ ...source, ageDays: priceAgeDays(source.asOf, report.now) }),
    );
    const output = JSON.stringify(
      {
        ...report,
        // Each service whose writes failed, with its error (its entry in `services` has `failure` and `writesDone`).
        failed: failed.map((s) => ({
          service: `${s.service.clusterName}/${s.service.serviceName}`,
          failure: s.failure,
        })),
        pricing: { services: Object.fromEntries(priced), sources },
      },
      null,
      2,
    );
    return { output, exitCode };
  }
  return { output: formatScheduleReport(report, { days, prices: priced }), exitCode };
}
