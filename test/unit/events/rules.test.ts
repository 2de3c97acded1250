import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CloudTrailApiCallEvent,
  EcrImageActionEvent,
  EcsContainerInstanceStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
  EVENT_RULES,
  type EventRule,
  matchesPattern,
  rulesMatching,
  SCHEDULED_EVENT,
  SCHEDULED_JOBS,
  ScheduledEvent,
} from "../../../core/events/index.ts";
import { cloudTrailEnvelope, loadFixture, sampleEvents } from "../../support/fixtures.ts";

/**
 * The routing decisions of the event patterns, with the local matcher. test/integration/events
 * proves on every real sample that this matcher and EventBridge (moto) agree.
 */
const RULES: readonly EventRule[] = [...EVENT_RULES, SCHEDULED_EVENT];
const routed = (event: unknown) =>
  rulesMatching(event, RULES)
    .map((r) => r.name)
    .sort();

const record = loadFixture("cloudtrail-record-ecs-createcluster.json");
/** The CloudTrail sample as another ECS API call, the way EventBridge delivers it. */
const apiCall = (eventName: string, extra: Record<string, unknown> = {}) =>
  cloudTrailEnvelope({ ...record, eventName, requestParameters: { cluster: "prod" }, ...extra });

describe("which flow each ECS API call reaches", () => {
  it.each([
    ["TagResource", ["ecs-service-tag-changes"]],
    ["UntagResource", ["ecs-service-tag-changes"]],
    ["RegisterTaskDefinition", ["ecs-task-definition-changes"]],
    ["CreateService", ["ecs-service-changes", "ecs-task-definition-changes"]],
    ["UpdateService", ["ecs-service-changes", "ecs-task-definition-changes"]],
    ["DeleteService", ["ecs-service-changes"]],
    ["CreateCluster", []],
    ["DeregisterTaskDefinition", []],
  ])("%s → %j", (eventName, rules) => {
    expect(routed(apiCall(eventName))).toEqual(rules);
  });

  it("routes a tag change to the schedule flow, whose reconciler reads the tags again", () => {
    const [rule] = rulesMatching(apiCall("UntagResource"));
    expect(rule).toMatchObject({ name: "ecs-service-tag-changes", flow: "schedule" });
  });

  it("ignores the same call names from another service's API", () => {
    expect(routed(apiCall("TagResource", { eventSource: "ecr.amazonaws.com" }))).toEqual([]);
    expect(routed({ ...apiCall("TagResource"), source: "aws.ecr" })).toEqual([]);
    expect(routed({ ...apiCall("TagResource"), "detail-type": "AWS Service Event via CloudTrail" })).toEqual(
      [],
    );
  });
});

describe("which flow each ECS and ECR event reaches", () => {
  it("redeploys on a successful ECR push only", () => {
    const push = loadFixture("ecr-image-action-push.json");
    const detail = push.detail as Record<string, unknown>;
    expect(routed(push)).toEqual(["ecr-image-push"]);
    expect(routed({ ...push, detail: { ...detail, result: "FAILURE" } })).toEqual([]);
    expect(routed({ ...push, detail: { ...detail, "action-type": "DELETE" } })).toEqual([]);
    expect(routed({ ...push, source: "aws.ecs" })).toEqual([]);
  });

  it("releases queued pushes on a deployment's end, and tells the monitor of every deployment change", () => {
    const completed = loadFixture("ecs-deployment-state-change-completed.json");
    const detail = completed.detail as Record<string, unknown>;
    expect(routed(completed)).toEqual(["ecs-deployment-finished", "ecs-deployment-state-change"]);
    expect(routed({ ...completed, detail: { ...detail, eventName: "SERVICE_DEPLOYMENT_FAILED" } })).toEqual([
      "ecs-deployment-finished",
      "ecs-deployment-state-change",
    ]);
    expect(
      routed({ ...completed, detail: { ...detail, eventName: "SERVICE_DEPLOYMENT_IN_PROGRESS" } }),
    ).toEqual(["ecs-deployment-state-change"]);
    expect(rulesMatching(completed).map((r) => r.flow)).toEqual(["monitor", "redeploy"]);
  });

  it.each([
    ["ecs-task-state-change-running-fargate.json", "ecs-task-state-change", "monitor"],
    ["ecs-service-action-steady-state.json", "ecs-service-action", "monitor"],
    ["ecs-container-instance-state-change.json", "ecs-container-instance-state-change", "monitor"],
    ["scheduled-event.json", "scheduled", "service-index"],
  ])("%s → %s (%s)", (file, rule, flow) => {
    expect(rulesMatching(loadFixture(file), RULES).map((r) => [r.name, r.flow])).toEqual([[rule, flow]]);
  });

  it("parses what each rule delivers with the rule's own schema", () => {
    const schemas = new Map<string, unknown>([
      ["ecr-image-push", EcrImageActionEvent],
      ["ecs-service-changes", CloudTrailApiCallEvent],
      ["ecs-task-definition-changes", CloudTrailApiCallEvent],
      ["ecs-service-tag-changes", CloudTrailApiCallEvent],
      ["ecs-task-state-change", EcsTaskStateChangeEvent],
      ["ecs-deployment-state-change", EcsDeploymentStateChangeEvent],
      ["ecs-deployment-finished", EcsDeploymentStateChangeEvent],
      ["ecs-service-action", EcsServiceActionEvent],
      ["ecs-container-instance-state-change", EcsContainerInstanceStateChangeEvent],
      ["scheduled", ScheduledEvent],
    ]);
    expect(RULES.map((r) => r.name).sort()).toEqual([...schemas.keys()].sort());
    for (const rule of RULES) expect(rule.schema, rule.name).toBe(schemas.get(rule.name));
    for (const { file, event } of sampleEvents())
      for (const rule of rulesMatching(event, RULES))
        expect(rule.schema.safeParse(event).success, `${file} through ${rule.name}`).toBe(true);
  });
});

describe("matchesPattern", () => {
  it("matches exact strings, any of a list, nested objects and array fields; nothing else", () => {
    const pattern = { source: ["aws.ecs"], detail: { eventName: ["A", "B"] } };
    expect(matchesPattern(pattern, { source: "aws.ecs", detail: { eventName: "B" } })).toBe(true);
    expect(matchesPattern(pattern, { source: "aws.ecs", detail: { eventName: "C" } })).toBe(false);
    expect(matchesPattern(pattern, { source: "aws.ecs" })).toBe(false);
    expect(matchesPattern(pattern, { source: ["aws.x", "aws.ecs"], detail: { eventName: "A" } })).toBe(true);
    expect(matchesPattern({ n: ["1"] }, { n: 1 })).toBe(false);
    expect(matchesPattern(pattern, null)).toBe(false);
    expect(matchesPattern(pattern, "aws.ecs")).toBe(false);
    expect(matchesPattern({}, {})).toBe(true);
  });
});

describe("scheduled jobs", () => {
  it("run when the README says they do, each for its flow", () => {
    expect(SCHEDULED_JOBS.map((j) => [j.name, j.flow, j.schedule])).toEqual([
      ["service-index-resync", "service-index", "rate(6 hours)"],
      ["redeploy-pending-sweep", "redeploy", "rate(5 minutes)"],
      ["policy-audit", "policy", "cron(0 6 * * ? *)"],
      ["schedule-reconcile", "schedule", "rate(15 minutes)"],
      ["monitor-agent-sweep", "monitor", "rate(5 minutes)"],
      ["rightsize-weekly", "rightsize", "cron(0 7 ? * MON *)"],
    ]);
    const readme = readFileSync(resolve(import.meta.dirname, "../../../README.md"), "utf8");
    for (const phrase of [
      "rate(6 hours)",
      "rate(15 minutes)",
      "Every day at 06:00 UTC",
      "`rightsize-weekly`, `cron(0 7 ? * MON *)`",
      "`monitor-agent-sweep` job (every 5 minutes",
    ])
      expect(readme).toContain(phrase);
  });
});
