import { type ECSClient, paginateListTaskDefinitions, type Service } from "@aws-sdk/client-ecs";
import type { AwsClients } from "../aws/clients.ts";
import { nameFromArn } from "../ecs/arns.ts";
import { describeServices } from "../ecs/describe.ts";
import type { CloudTrailRecord } from "../events/schemas.ts";
import { checkServiceCall } from "./checkServiceCall.ts";
import { atOrAbove, type Evaluation, type PolicySettings } from "./evaluate.ts";
import { complianceOf, evaluateRevision, undecidedOf } from "./evaluateRevision.ts";
import { isObject, text } from "./fields.ts";
import type { PolicyAction, PolicyOutcome } from "./PolicyAction.ts";
import { isEarlierRollback, type RollbackRecord } from "./rollbackRecord.ts";

/**
 * The latest revision before `current` that the policy accepts: first the service's other
 * deployments (what it ran before), then the family's earlier revisions, newest first. A revision
 * that could not be read, or on which a rule at or above the threshold could not decide, is never a
 * target (enforce never rolls back to what it did not check); how many could not be read and which
 * could not be decided (`ledger:2 (ECS014)`) are returned.
 */
async function previousCompliant(
  ecs: ECSClient,
  service: Service,
  current: string,
  settings: PolicySettings,
): Promise<{ target?: string; unchecked: number; undecided: string[] }> {
  const candidates = (service.deployments ?? [])
    .map((d) => d.taskDefinition ?? "")
    .filter((arn) => arn && arn !== current);
  const family = nameFromArn(current).split(":")[0] ?? "";
  const currentRevision = Number(nameFromArn(current).split(":")[1] ?? 0);
  // Newest first by revision number, sorted here: the order is this decision, not the API's
  // (`sort: "DESC"` is ECS's; moto, the sandbox and the tests' ECS, lists in registration order).
  const earlier: Array<{ arn: string; revision: number }> = [];
  for await (const page of paginateListTaskDefinitions(
    { client: ecs },
    { familyPrefix: family, status: "ACTIVE" },
  )) {
    for (const arn of page.taskDefinitionArns ?? []) {
      const [name, revision] = nameFromArn(arn).split(":");
      if (name === family && Number(revision) < currentRevision && !candidates.includes(arn))
        earlier.push({ arn, revision: Number(revision) });
    }
  }
  candidates.push(...earlier.sort((a, b) => b.revision - a.revision).map((e) => e.arn));
  let unchecked = 0;
  const undecided: string[] = [];
  for (const arn of candidates) {
    const check = await evaluateRevision(ecs, arn, settings, service);
    const compliance = complianceOf(check, settings);
    if (compliance === "compliant") return { target: arn, unchecked, undecided };
    if (check.kind === "unknown") unchecked++;
    else if (compliance === "unknown")
      undecided.push(
        `${nameFromArn(arn)} (${[...new Set(undecidedOf(check.evaluation, settings).map((u) => u.ruleId))].join(", ")})`,
      );
  }
  return { unchecked, undecided };
}

/** The outcome's `undecided`, when a rule at or above the threshold could not decide. */
const undecidedField = (evaluation: Evaluation, settings: PolicySettings) => {
  const undecided = undecidedOf(evaluation, settings);
  return undecided.length > 0 ? { undecided } : {};
};

/**
 * Plans what the policy does about a CloudTrail ECS call. The full task definition is always
 * fetched: CloudTrail truncates large request parameters. RegisterTaskDefinition: audit tags
 * the revision with its finding count; enforce also deregisters a non-compliant revision.
 * CreateService/UpdateService onto a non-compliant revision: enforce rolls the service back to
 * its previous compliant revision.
 *
 * `earlierRollback` reads the rollback an earlier attempt of the same event sent to a service
 * (`RollbackRecords.find`): a service that moved off the call's revision onto exactly that
 * rollback's target was rolled back by this event, and is reported so (`earlierAttempt`), not as
 * "nothing was rolled back".
 */
export async function planPolicyForCall(
  clients: Pick<AwsClients, "ecs">,
  record: CloudTrailRecord,
  settings: PolicySettings,
  earlierRollback?: (serviceArn: string) => Promise<RollbackRecord | undefined>,
): Promise<PolicyOutcome> {
  const base = { trigger: record.eventName, mode: settings.mode };
  if (record.errorCode)
    return { ...base, compliant: true, actions: [], ignored: `the call failed (${record.errorCode})` };
  const response = record.responseElements ?? {};
  if (record.eventName === "RegisterTaskDefinition") {
    const arn = isObject(response.taskDefinition)
      ? text(response.taskDefinition.taskDefinitionArn)
      : undefined;
    // A successful registration whose record does not name the revision (a response CloudTrail left
    // out) cannot be checked: unknown, never compliant — the event fails and is dead-lettered.
    if (!arn) {
      const family =
        (isObject(response.taskDefinition) ? text(response.taskDefinition.family) : undefined) ??
        text(record.requestParameters?.family);
      return {
        ...base,
        compliant: false,
        unknown: {
          taskDefinitionArn: family ?? "(a revision)",
          reason:
            "the CloudTrail record names no taskDefinitionArn in its response: the registered revision cannot be identified",
        },
        actions: [],
      };
    }
    const check = await evaluateRevision(clients.ecs, arn, settings);
    if (check.kind === "unknown")
      return {
        ...base,
        compliant: false,
        unknown: { taskDefinitionArn: arn, reason: check.reason },
        actions: [],
      };
    const { evaluation } = check;
    // A rule that could not decide makes the revision unknown: not compliant, and not deregistered
    // either (nothing was found against it); the outcome names the rules and why.
    const compliance = complianceOf(check, settings);
    const compliant = compliance === "compliant";
    const actions: PolicyAction[] = [
      { kind: "tag", taskDefinitionArn: arn, findings: evaluation.findings.length },
    ];
    if (compliance === "non-compliant" && settings.mode === "enforce")
      actions.push({
        kind: "deregister",
        taskDefinitionArn: arn,
        reason: `${atOrAbove(evaluation.findings, settings.enforceAt)
          .map((f) => f.ruleId)
          .join(", ")} at or above ${settings.enforceAt}`,
      });
    return { ...base, evaluation, compliant, ...undecidedField(evaluation, settings), actions };
  }
  if (record.eventName === "CreateService" || record.eventName === "UpdateService") {
    const service = isObject(response.service) ? response.service : {};
    const request = record.requestParameters ?? {};
    const cluster = text(service.clusterArn) ?? text(request.cluster) ?? "default";
    const name = text(service.serviceArn) ?? text(request.service) ?? text(request.serviceName);
    if (!name) return { ...base, compliant: true, actions: [], ignored: "no service in the call" };
    const described = (await describeServices(clients.ecs, cluster, [name])).services[0];
    const running = described?.taskDefinition;
    if (!described) return { ...base, compliant: true, actions: [], ignored: `service ${name} not found` };
    if (!running)
      // An EXTERNAL deployment controller's service: its task sets carry the task definitions.
      return {
        ...base,
        compliant: true,
        actions: [],
        ignored: `service ${name} has no task definition of its own (its task sets have them)`,
      };
    // The revision this call set (the call's response names it in full), not whatever the service
    // runs by the time the event is handled: a retry after this flow's own rollback, or a later
    // update, must not turn the verdict on this call into one on another revision.
    const current = text(service.taskDefinition) ?? running;
    const check = await evaluateRevision(clients.ecs, current, settings, described);
    // The service's own findings are reported beside the revision's; they never change `compliant`.
    const resources = await checkServiceCall(clients.ecs, described, settings);
    if (check.kind === "unknown")
      return {
        ...base,
        resources,
        compliant: false,
        unknown: { taskDefinitionArn: current, reason: check.reason },
        actions: [],
      };
    const { evaluation } = check;
    const compliance = complianceOf(check, settings);
    const compliant = compliance === "compliant";
    const undecided = undecidedField(evaluation, settings);
    // Rolled back only from a revision found non-compliant: one a rule could not decide on is
    // reported as such (not compliant), and the service left on it.
    if (compliance !== "non-compliant" || settings.mode === "audit")
      return { ...base, evaluation, resources, compliant, ...undecided, actions: [] };
    const clusterName = nameFromArn(described.clusterArn ?? cluster);
    const serviceName = described.serviceName ?? nameFromArn(name);
    const reason = `${nameFromArn(current)} violates ${atOrAbove(evaluation.findings, settings.enforceAt)
      .map((f) => f.ruleId)
      .join(", ")}`;
    const serviceArn = described.serviceArn ?? name;
    if (running !== current) {
      // Moved off it already (rolled back by an earlier attempt of this event, or updated since):
      // rolling back now would undo whatever it runs instead.
      const earlier = await earlierRollback?.(serviceArn);
      const action: PolicyAction = isEarlierRollback(earlier, current, running)
        ? {
            kind: "rollback",
            cluster: clusterName,
            service: serviceName,
            serviceArn,
            from: current,
            to: running,
            reason: earlier.reason || reason,
            earlierAttempt: true,
          }
        : {
            kind: "no-rollback",
            cluster: clusterName,
            service: serviceName,
            reason: `${reason}; the service no longer runs it (it runs ${nameFromArn(running)}), so nothing was rolled back`,
            why: "moved",
            runs: running,
          };
      return { ...base, evaluation, resources, compliant, ...undecided, actions: [action] };
    }
    const {
      target,
      unchecked,
      undecided: passedUndecided,
    } = await previousCompliant(clients.ecs, described, current, settings);
    const passedOver = `${unchecked > 0 ? `; ${unchecked} earlier revision(s) could not be read and were not considered` : ""}${passedUndecided.length > 0 ? `; ${passedUndecided.length} earlier revision(s) had rules at or above ${settings.enforceAt} that could not decide and were not considered: ${passedUndecided.join(", ")}` : ""}`;
    const action: PolicyAction = target
      ? {
          kind: "rollback",
          cluster: clusterName,
          service: serviceName,
          serviceArn,
          from: current,
          to: target,
          reason: `${reason}${passedOver}`,
        }
      : unchecked > 0
        ? // Fails closed: one that could not be read may be compliant. The event is retried
          // (then dead-lettered) and the revisions read again; never "nothing to roll back to".
          {
            kind: "no-rollback",
            cluster: clusterName,
            service: serviceName,
            reason: `${reason}; not rolled back yet: no earlier revision that could be read is compliant${passedOver}; this event is retried, then dead-lettered, to check again`,
            why: "unreadable",
            retried: true,
          }
        : {
            kind: "no-rollback",
            cluster: clusterName,
            service: serviceName,
            reason: `${reason}; no earlier compliant revision to roll back to${passedOver}`,
            why: "no-target",
          };
    return { ...base, evaluation, resources, compliant, ...undecided, actions: [action] };
  }
  return { ...base, compliant: true, actions: [], ignored: `${record.eventName} is not checked` };
}
