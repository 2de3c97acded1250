/**
 * A revision that was read but on which a rule at or above `enforceAt` could not decide is
 * "unknown" in enforce mode (review 30, issue 11 Must show 4): not compliant, not deregistered or
 * rolled back from (nothing was found against it), never a rollback target; the outcome, Slack and
 * the audit name the rule and why. The undecided rule here is ECS001 (high) on `"privileged":
 * "TRUE"`, a value of the wrong type that moto stores as given. Against moto.
 */
import {
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { policyAudit } from "../../../cli/policy.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { CloudTrailRecord } from "../../../core/events/index.ts";
import { auditAccount, planPolicyForCall } from "../../../core/policy/index.ts";
import { policyEventMessage } from "../../../core/policy/messages.ts";
import { createCluster, ecrImage } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const ENFORCE = parseConfig(
  JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }),
  "enforce",
).policy;

const GOOD: RegisterTaskDefinitionCommandInput = {
  family: "ledger",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  containerDefinitions: [
    {
      name: "app",
      image: ecrImage(REGION, "shop/ledger", "1.0.0"),
      essential: true,
      user: "1000",
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/ledger" } },
      linuxParameters: { capabilities: { drop: ["ALL"] } },
    },
  ],
};
const app = GOOD.containerDefinitions?.[0];
const UNDECIDED = {
  ...GOOD,
  containerDefinitions: [{ ...app, name: "app", privileged: "TRUE" as unknown as boolean }],
};
const PRIVILEGED = { ...GOOD, containerDefinitions: [{ ...app, name: "app", privileged: true }] };
const WHY = 'containerDefinitions[0].privileged is "TRUE", not a boolean: read as not known';

const asJson = (value: object) => {
  const { $metadata: _, ...rest } = value as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
};
const record = (eventName: string, requestParameters: object, responseElements: object) =>
  CloudTrailRecord.parse({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventName,
    awsRegion: REGION,
    requestParameters: asJson(requestParameters),
    responseElements: asJson(responseElements),
  });
async function register(input: RegisterTaskDefinitionCommandInput) {
  const response = await world.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
  return {
    arn: response.taskDefinition?.taskDefinitionArn ?? "",
    call: record("RegisterTaskDefinition", input, response),
  };
}
async function serviceOn(arn: string) {
  const created = await world.clients.ecs.send(
    new CreateServiceCommand({
      cluster: "prod",
      serviceName: "ledger",
      taskDefinition: arn,
      desiredCount: 1,
    }),
  );
  return record("CreateService", { cluster: "prod", serviceName: "ledger", taskDefinition: arn }, created);
}

describe("a rule at or above enforceAt that could not decide: the revision is unknown, never compliant", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "prod");
  });

  it("RegisterTaskDefinition: not compliant, not deregistered, the rule and why in the outcome and in Slack", async () => {
    const { arn, call } = await register(UNDECIDED);
    const outcome = await planPolicyForCall(world.clients, call, ENFORCE);
    expect(outcome.compliant).toBe(false);
    expect(outcome.evaluation?.findings).toEqual([]);
    expect(outcome.actions).toEqual([{ kind: "tag", taskDefinitionArn: arn, findings: 0 }]);
    expect(outcome.undecided?.map((u) => `${u.ruleId} ${u.path}: ${u.message}`)).toEqual([
      `ECS001 containerDefinitions[0].privileged: ${WHY}`,
    ]);
    const message = policyEventMessage(outcome, false);
    expect(message?.text).toBe("Policy (enforce): ledger:1: 0 finding(s), 1 rule(s) could not decide");
    expect(JSON.stringify(message?.blocks)).toContain(
      `:grey_question: Could not decide, so the revision is *not* treated as compliant (nor acted on: nothing was found against it):\\n• *high* ECS001 Privileged container: ${WHY.replaceAll('"', '\\"')}`,
    );
  });

  it("CreateService onto it: not compliant, not rolled back", async () => {
    const { arn } = await register(UNDECIDED);
    const outcome = await planPolicyForCall(world.clients, await serviceOn(arn), ENFORCE);
    expect(outcome.compliant).toBe(false);
    expect(outcome.actions).toEqual([]);
    expect(outcome.undecided?.map((u) => u.ruleId)).toEqual(["ECS001"]);
  });

  it("is never a rollback target: the service stays, and the reason names the revision and the rule", async () => {
    await register(UNDECIDED);
    const bad = await register(PRIVILEGED);
    const outcome = await planPolicyForCall(world.clients, await serviceOn(bad.arn), ENFORCE);
    expect(outcome.actions).toEqual([
      {
        kind: "no-rollback",
        cluster: "prod",
        service: "ledger",
        reason:
          "ledger:2 violates ECS001; no earlier compliant revision to roll back to; 1 earlier revision(s) had rules at or above high that could not decide and were not considered: ledger:1 (ECS001)",
        why: "no-target",
      },
    ]);
  });

  it("names every revision passed over and each of its undecided rules, newest first", async () => {
    const atMedium = parseConfig(
      JSON.stringify({ policy: { mode: "enforce", enforceAt: "medium" } }),
      "enforce",
    ).policy;
    await register(UNDECIDED);
    // ECS001 (high) and ECS002 (medium, "yes" for readonlyRootFilesystem) cannot decide.
    await register({
      ...GOOD,
      containerDefinitions: [
        {
          ...app,
          name: "app",
          privileged: "TRUE" as unknown as boolean,
          readonlyRootFilesystem: "yes" as unknown as boolean,
        },
      ],
    });
    const bad = await register(PRIVILEGED);
    const outcome = await planPolicyForCall(world.clients, await serviceOn(bad.arn), atMedium);
    expect(outcome.actions).toEqual([
      {
        kind: "no-rollback",
        cluster: "prod",
        service: "ledger",
        reason:
          "ledger:3 violates ECS001; no earlier compliant revision to roll back to; 2 earlier revision(s) had rules at or above medium that could not decide and were not considered: ledger:2 (ECS001, ECS002), ledger:1 (ECS001)",
        why: "no-target",
      },
    ]);
  });

  it("the audit names the rule on the revision and does not count it compliant", async () => {
    const { arn } = await register(UNDECIDED);
    await serviceOn(arn);
    const audit = await auditAccount(world.clients, ENFORCE);
    expect(audit.revisions.map((r) => [r.taskDefinition, r.findings, r.unknown])).toEqual([
      ["ledger:1", 0, ["ECS001"]],
    ]);
    expect(audit.totals).toMatchObject({ revisions: 1, unchecked: 0, compliant: 0, unknown: 1 });
    const text = await policyAudit({ format: "text" }, world.clients);
    expect(text).toMatch(/^ledger:1 +0 high +0 medium +0 low +unknown: ECS001 +\(prod\/ledger\)$/m);
    expect(text.split("\n").at(-1)).toBe(
      "1 revisions in use, 0 compliant; 0 high, 0 medium, 0 low findings, 1 unknown",
    );
  });
});
