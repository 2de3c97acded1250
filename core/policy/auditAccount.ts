import { DescribeTasksCommand, paginateListTasks, type Service } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { chunk } from "../aws/concurrency.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { describeServices, describeTaskDefinitionsSettled, listAllServices } from "../ecs/describe.ts";
import {
  type AuditedResource,
  auditedResource,
  describeCapacityProviders,
  describeClusters,
  evaluateCapacityProvider,
  evaluateCluster,
  evaluateService,
} from "./auditResources.ts";
import { evaluateTaskDefinition, type PolicySettings } from "./evaluate.ts";
import { fromEcsApi } from "./normalize.ts";
import { runContextOf, serviceExemptions } from "./serviceContext.ts";

export interface AuditedRevision {
  readonly taskDefinition: string;
  readonly usedBy: readonly string[];
  readonly findings: number;
  readonly bySeverity: Readonly<Record<"high" | "medium" | "low", number>>;
  readonly rules: readonly string[];
  /** Rule ids that could not decide on the revision (e.g. a value of the wrong type): not compliant. */
  readonly unknown: readonly string[];
}

/** A revision in use that could not be read: not checked, and said so. */
export interface UncheckedRevision {
  readonly taskDefinition: string;
  readonly usedBy: readonly string[];
  readonly reason: string;
}

export interface AccountAudit {
  readonly date: string;
  readonly revisions: readonly AuditedRevision[];
  /** Revisions in use that could not be read (never counted as compliant). */
  readonly unchecked: readonly UncheckedRevision[];
  /**
   * `revisions`: the revisions in use that were read and checked (`unchecked` more are in use);
   * `compliant`: of those, the ones without findings and without a rule that could not decide;
   * `unknown`: rules that could not decide, summed over the revisions.
   */
  readonly totals: Readonly<
    Record<"revisions" | "unchecked" | "compliant" | "high" | "medium" | "low" | "unknown", number>
  >;
  /** Services, their task sets, clusters and capacity providers: reported, never acted on. */
  readonly resources: readonly AuditedResource[];
  readonly resourceTotals: Readonly<
    Record<"resources" | "compliant" | "high" | "medium" | "low" | "unknown", number>
  >;
}

/**
 * The daily audit: every revision a service (any deployment) or a running task uses, across
 * every cluster, not only each family's latest ACTIVE revision; and every service (with the task
 * sets of EXTERNAL services), cluster and capacity provider the clusters use
 * (DescribeServices, DescribeClusters, DescribeCapacityProviders).
 */
export async function auditAccount(
  clients: Pick<AwsClients, "ecs">,
  settings: PolicySettings,
): Promise<AccountAudit> {
  const usedBy = new Map<string, Set<string>>();
  const serviceOf = new Map<string, Service>();
  const services: Service[] = [];
  const clusterArns: string[] = [];
  const use = (arn: string | undefined, by: string, service?: Service) => {
    if (!arn) return;
    usedBy.set(arn, (usedBy.get(arn) ?? new Set()).add(by));
    if (service && !serviceOf.has(arn)) serviceOf.set(arn, service);
  };
  for (const [cluster, arns] of await listAllServices(clients.ecs)) {
    clusterArns.push(cluster);
    for (const service of (await describeServices(clients.ecs, cluster, arns)).services) {
      services.push(service);
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
  // A revision that cannot be read is listed as unchecked with the reason, never as compliant.
  const { found: definitions, failed } = await describeTaskDefinitionsSettled(clients.ecs, [
    ...usedBy.keys(),
  ]);
  const unchecked: UncheckedRevision[] = [...failed].map(([arn, reason]) => ({
    taskDefinition: nameFromArn(arn),
    usedBy: [...(usedBy.get(arn) ?? [])].sort(),
    reason,
  }));
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
      unknown: [...new Set(evaluation.unknown.map((u) => u.ruleId))].sort(),
    });
  }
  revisions.sort(
    (a, b) =>
      b.bySeverity.high - a.bySeverity.high ||
      b.findings - a.findings ||
      a.taskDefinition.localeCompare(b.taskDefinition),
  );
  const sum = (key: "high" | "medium" | "low") => revisions.reduce((n, r) => n + r.bySeverity[key], 0);
  const clusters = await describeClusters(clients.ecs, clusterArns);
  const providers = await describeCapacityProviders(clients.ecs, clusters);
  const resources: AuditedResource[] = [
    ...services.flatMap((service) =>
      evaluateService(
        service,
        clusters.find((c) => c.clusterArn === service.clusterArn),
        service.taskDefinition ? definitions.get(service.taskDefinition)?.taskDefinition : undefined,
        settings,
      ).map(({ name, evaluation }) => auditedResource(name, evaluation)),
    ),
    ...clusters.map((c) =>
      auditedResource(c.clusterName ?? nameFromArn(c.clusterArn ?? ""), evaluateCluster(c, settings)),
    ),
    ...providers.map((p) => auditedResource(p.name ?? "", evaluateCapacityProvider(p, settings))),
  ].sort(
    (a, b) =>
      b.bySeverity.high - a.bySeverity.high || b.findings - a.findings || a.name.localeCompare(b.name),
  );
  const resourceSum = (key: "high" | "medium" | "low") =>
    resources.reduce((n, r) => n + r.bySeverity[key], 0);
  return {
    date: new Date().toISOString(),
    revisions,
    unchecked,
    totals: {
      revisions: revisions.length,
      unchecked: unchecked.length,
      // A rule that could not decide is no pass: such a revision is not counted compliant.
      compliant: revisions.filter((r) => r.findings === 0 && r.unknown.length === 0).length,
      high: sum("high"),
      medium: sum("medium"),
      low: sum("low"),
      unknown: revisions.reduce((n, r) => n + r.unknown.length, 0),
    },
    resources,
    resourceTotals: {
      resources: resources.length,
      compliant: resources.filter((r) => r.findings === 0 && r.unknown.length === 0).length,
      high: resourceSum("high"),
      medium: resourceSum("medium"),
      low: resourceSum("low"),
      unknown: resources.reduce((n, r) => n + r.unknown.length, 0),
    },
  };
}
