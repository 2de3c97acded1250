import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  paginateListTaskDefinitions,
  paginateListTasks,
  type Service,
  TagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { chunk } from "../aws/concurrency.ts";
import { describeServices, describeTaskDefinitions, listAllServices, tagMap } from "../aws/ecs.ts";
import type { CloudTrailRecord } from "../events/schemas.ts";
import { nameFromArn } from "../redeploy/ServiceRef.ts";
import { atOrAbove, type Evaluation, evaluateTaskDefinition, type PolicySettings } from "./evaluate.ts";
import { isObject, text } from "./fields.ts";
import { fromEcsApi } from "./normalize.ts";
import type { RunContext } from "./types.ts";

export const POLICY_EXEMPT_TAG = "autopilot:policy-exempt";
export const FINDINGS_TAG = "autopilot:policy-findings";

/** What the policy does about one event, as data: printed on a dry run, reported to Slack. */
export type PolicyAction =
  | { readonly kind: "tag"; readonly taskDefinitionArn: string; readonly findings: number }
  | { readonly kind: "deregister"; readonly taskDefinitionArn: string; readonly reason: string }
  | {
      readonly kind: "rollback";
      readonly cluster: string;
      readonly service: string;
      readonly from: string;
      readonly to: string;
      readonly reason: string;
    }
  | {
      readonly kind: "no-rollback";
      readonly cluster: string;
      readonly service: string;
      readonly reason: string;
    };

export interface PolicyOutcome {
  readonly trigger: string;
  readonly mode: PolicySettings["mode"];
  readonly evaluation?: Evaluation;
  readonly compliant: boolean;
  readonly actions: readonly PolicyAction[];
  readonly ignored?: string;
}

/** Service exemptions from its `autopilot:policy-exempt` tag (`ECS004 ECS011`). */
export function serviceExemptions(service: Service | undefined): Array<{ ruleId: string; by: string }> {
  const value = tagMap(service?.tags)[POLICY_EXEMPT_TAG] ?? "";
  return value
    .split(/\s+/)
    .filter((id) => /^ECS\d{3}$/.test(id))
    .map((ruleId) => ({ ruleId, by: `service tag ${POLICY_EXEMPT_TAG}` }));
}

/** How a service runs a task definition: the context rules like ECS008 and ECS019 need. */
export function runContextOf(service: Service | undefined): RunContext {
  if (!service) return {};
  return {
    ...((service.loadBalancers ?? []).length > 0 ? { behindLoadBalancer: true } : {}),
    ...(service.platformVersion ? { platformVersion: service.platformVersion } : {}),
    ...(service.launchType ? { launchType: service.launchType } : {}),
  };
}

async function evaluateArn(
  ecs: ECSClient,
  arn: string,
  settings: PolicySettings,
  service?: Service,
): Promise<Evaluation | undefined> {
  const described = await ecs
    .send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }))
    .catch(() => undefined);
  if (!described?.taskDefinition) return undefined;
  return evaluateTaskDefinition(
    fromEcsApi(described.taskDefinition, described.tags ?? [], runContextOf(service)),
    settings,
    {
      extraExemptions: serviceExemptions(service),
    },
  );
}

const nonCompliant = (evaluation: Evaluation | undefined, settings: PolicySettings) =>
  evaluation !== undefined && atOrAbove(evaluation.findings, settings.enforceAt).length > 0;

/**
 * The latest revision before `current` that the policy accepts: first the service's other
 * deployments (what it ran before), then the family's earlier revisions, newest first.
 */
async function previousCompliant(
  ecs: ECSClient,
  service: Service,
  current: string,
  settings: PolicySettings,
): Promise<string | undefined> {
  const candidates = (service.deployments ?? [])
    .map((d) => d.taskDefinition ?? "")
    .filter((arn) => arn && arn !== current);
  const family = nameFromArn(current).split(":")[0] ?? "";
  const currentRevision = Number(nameFromArn(current).split(":")[1] ?? 0);
  for await (const page of paginateListTaskDefinitions(
    { client: ecs },
    { familyPrefix: family, sort: "DESC", status: "ACTIVE" },
  )) {
    for (const arn of page.taskDefinitionArns ?? []) {
      const [name, revision] = nameFromArn(arn).split(":");
      if (name === family && Number(revision) < currentRevision && !candidates.includes(arn))
        candidates.push(arn);
    }
  }
  for (const arn of candidates) {
    if (!nonCompliant(await evaluateArn(ecs, arn, settings, service), settings)) return arn;
  }
  return undefined;
}

/**
 * Plans what the policy does about a CloudTrail ECS call. The full task definition is always
 * fetched: CloudTrail truncates large request parameters. RegisterTaskDefinition: audit tags
 * the revision with its finding count; enforce also deregisters a non-compliant revision.
 * CreateService/UpdateService onto a non-compliant revision: enforce rolls the service back to
 * its previous compliant revision.
 */
export async function planPolicyForCall(
  clients: Pick<AwsClients, "ecs">,
  record: CloudTrailRecord,
  settings: PolicySettings,
): Promise<PolicyOutcome> {
  const base = { trigger: record.eventName, mode: settings.mode };
  if (record.errorCode)
    return { ...base, compliant: true, actions: [], ignored: `the call failed (${record.errorCode})` };
  const response = record.responseElements ?? {};
  if (record.eventName === "RegisterTaskDefinition") {
    const arn = isObject(response.taskDefinition)
      ? text(response.taskDefinition.taskDefinitionArn)
      : undefined;
    if (!arn)
      return { ...base, compliant: true, actions: [], ignored: "no taskDefinitionArn in the response" };
    const evaluation = await evaluateArn(clients.ecs, arn, settings);
    if (!evaluation) return { ...base, compliant: true, actions: [], ignored: `${arn} cannot be described` };
    const compliant = !nonCompliant(evaluation, settings);
    const actions: PolicyAction[] = [
      { kind: "tag", taskDefinitionArn: arn, findings: evaluation.findings.length },
    ];
    if (!compliant && settings.mode === "enforce")
      actions.push({
        kind: "deregister",
        taskDefinitionArn: arn,
        reason: `${atOrAbove(evaluation.findings, settings.enforceAt)
          .map((f) => f.ruleId)
          .join(", ")} at or above ${settings.enforceAt}`,
      });
    return { ...base, evaluation, compliant, actions };
  }
  if (record.eventName === "CreateService" || record.eventName === "UpdateService") {
    const service = isObject(response.service) ? response.service : {};
    const request = record.requestParameters ?? {};
    const cluster = text(service.clusterArn) ?? text(request.cluster) ?? "default";
    const name = text(service.serviceArn) ?? text(request.service) ?? text(request.serviceName);
    if (!name) return { ...base, compliant: true, actions: [], ignored: "no service in the call" };
    const described = (await describeServices(clients.ecs, cluster, [name])).services[0];
    const current = described?.taskDefinition;
    if (!described || !current)
      return { ...base, compliant: true, actions: [], ignored: `service ${name} not found` };
    const evaluation = await evaluateArn(clients.ecs, current, settings, described);
    const compliant = !nonCompliant(evaluation, settings);
    if (compliant || settings.mode === "audit")
      return { ...base, ...(evaluation ? { evaluation } : {}), compliant, actions: [] };
    const clusterName = nameFromArn(described.clusterArn ?? cluster);
    const serviceName = described.serviceName ?? nameFromArn(name);
    const reason = `${nameFromArn(current)} violates ${atOrAbove(
      evaluation?.findings ?? [],
      settings.enforceAt,
    )
      .map((f) => f.ruleId)
      .join(", ")}`;
    const target = await previousCompliant(clients.ecs, described, current, settings);
    const action: PolicyAction = target
      ? { kind: "rollback", cluster: clusterName, service: serviceName, from: current, to: target, reason }
      : {
          kind: "no-rollback",
          cluster: clusterName,
          service: serviceName,
          reason: `${reason}; no earlier compliant revision to roll back to`,
        };
    return { ...base, ...(evaluation ? { evaluation } : {}), compliant, actions: [action] };
  }
  return { ...base, compliant: true, actions: [], ignored: `${record.eventName} is not checked` };
}

/** Executes a plan's actions. */
export async function applyPolicyActions(
  clients: Pick<AwsClients, "ecs">,
  actions: readonly PolicyAction[],
): Promise<void> {
  for (const action of actions) {
    switch (action.kind) {
      case "tag":
        await clients.ecs.send(
          new TagResourceCommand({
            resourceArn: action.taskDefinitionArn,
            tags: [
              { key: FINDINGS_TAG, value: String(action.findings) },
              { key: "autopilot:policy-checked", value: new Date().toISOString().slice(0, 19) },
            ],
          }),
        );
        break;
      case "deregister":
        await clients.ecs.send(
          new DeregisterTaskDefinitionCommand({ taskDefinition: action.taskDefinitionArn }),
        );
        break;
      case "rollback":
        await clients.ecs.send(
          new UpdateServiceCommand({
            cluster: action.cluster,
            service: action.service,
            taskDefinition: action.to,
          }),
        );
        break;
      case "no-rollback":
        break;
    }
  }
}

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
