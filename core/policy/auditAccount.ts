import { DescribeTasksCommand, paginateListTasks, type Service } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { chunk } from "../aws/concurrency.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { describeServices, describeTaskDefinitions, listAllServices } from "../ecs/describe.ts";
import { evaluateTaskDefinition, type PolicySettings } from "./evaluate.ts";
import { fromEcsApi } from "./normalize.ts";
import { runContextOf, serviceExemptions } from "./serviceContext.ts";

export interface AuditedRevision {
  readonly taskDefinition: string;
  readonly usedBy: readonly string[];
  readonly findings: number;
  readonly bySeverity: Readonly<Record<"high" | "medium" | "low", number>>;
  readonly rules: readonly string[];
}

export interface AccountAudit {
  readonly date: string;
  readonly revisions: readonly AuditedRevision[];
  readonly totals: Readonly<Record<"revisions" | "compliant" | "high" | "medium" | "low", number>>;
}

/**
 * The daily audit: every revision a service (any deployment) or a running task uses, across
 * every cluster, not only each family's latest ACTIVE revision.
 */
export async function auditAccount(
  clients: Pick<AwsClients, "ecs">,
  settings: PolicySettings,
): Promise<AccountAudit> {
  const usedBy = new Map<string, Set<string>>();
  const serviceOf = new Map<string, Service>();
  const use = (arn: string | undefined, by: string, service?: Service) => {
    if (!arn) return;
    usedBy.set(arn, (usedBy.get(arn) ?? new Set()).add(by));
    if (service && !serviceOf.has(arn)) serviceOf.set(arn, service);
  };
  for (const [cluster, arns] of await listAllServices(clients.ecs)) {
    for (const service of (await describeServices(clients.ecs, cluster, arns)).services) {
      const name = `${nameFromArn(cluster)}/${service.serviceName}`;
      use(service.taskDefinition, name, service);
      for (const deployment of service.deployments ?? []) use(deployment.taskDefinition, name, service);
    }
    const taskArns: string[] = [];
    for await (const page of paginateListTasks(
      { client: clients.ecs },
      { cluster, desiredStatus: "RUNNING" },
    ))
      taskArns.push(...(page.taskArns ?? []));
    for (const batch of chunk(taskArns, 100)) {
      const tasks = await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
      for (const task of tasks.tasks ?? [])
        use(task.taskDefinitionArn, `${nameFromArn(cluster)}/${task.group ?? "task"}`);
    }
  }
  const definitions = await describeTaskDefinitions(clients.ecs, [...usedBy.keys()]);
  const revisions: AuditedRevision[] = [];
  for (const [arn, users] of usedBy) {
    const described = definitions.get(arn);
    if (!described) continue;
    const service = serviceOf.get(arn);
    const evaluation = evaluateTaskDefinition(
      fromEcsApi(
        described.taskDefinition,
        Object.entries(described.tags).map(([key, value]) => ({ key, value })),
        runContextOf(service),
      ),
      settings,
      { extraExemptions: serviceExemptions(service) },
    );
    const count = (severity: "high" | "medium" | "low") =>
      evaluation.findings.filter((f) => f.severity === severity).length;
    revisions.push({
      taskDefinition: nameFromArn(arn),
      usedBy: [...users].sort(),
      findings: evaluation.findings.length,
      bySeverity: { high: count("high"), medium: count("medium"), low: count("low") },
      rules: [...new Set(evaluation.findings.map((f) => f.ruleId))].sort(),
    });
  }
  revisions.sort(
    (a, b) =>
      b.bySeverity.high - a.bySeverity.high ||
      b.findings - a.findings ||
      a.taskDefinition.localeCompare(b.taskDefinition),
  );
  const sum = (key: "high" | "medium" | "low") => revisions.reduce((n, r) => n + r.bySeverity[key], 0);
  return {
    date: new Date().toISOString(),
    revisions,
    totals: {
      revisions: revisions.length,
      compliant: revisions.filter((r) => r.findings === 0).length,
      high: sum("high"),
      medium: sum("medium"),
      low: sum("low"),
    },
  };
}
