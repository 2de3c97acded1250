/**
 * Review 30 (issue 11, Must show 4 "Policy fails closed"): a revision read from ECS whose image
 * name merely contains the letters "replace" (any case) is treated as a CI placeholder "filled in
 * later" (PLACEHOLDER = /\$\{|\{\{|REPLACE/i in core/policy/rules/taskDefinitionRules.ts), so
 * ECS014 (registry allow-list, high) is "unknown" for it — and complianceOf
 * (core/policy/evaluateRevision.ts) ignores unknown rule results, so the revision is "compliant".
 * A revision in ECS is never filled in later: the image is what tasks pull. Enforce mode therefore
 * keeps a revision that pulls from a registry outside the allow-list, and even rolls a service back
 * to one. Against moto, as planForApiCall.test.ts.
 */
import {
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config/index.ts";
import { CloudTrailRecord } from "../../../core/events/index.ts";
import { planPolicyForCall } from "../../../core/policy/index.ts";
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
const withImage = (image: string): RegisterTaskDefinitionCommandInput => ({
  ...GOOD,
  containerDefinitions: [{ ...app, name: "app", image }],
});
/** Docker Hub, not in the default allow-list: ECS014 (high) must find it. */
const OUTSIDE = withImage("docker.io/acme/ledger:1.0.0");
/** The same registry; the repository's name happens to contain "replace". */
const OUTSIDE_NAMED_REPLACE = withImage("docker.io/acme/ledger-replacer:1.0.0");
const PRIVILEGED = { ...GOOD, containerDefinitions: [{ ...app, name: "app", privileged: true }] };

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

describe("review 30: an image whose name contains 'replace' is read as a placeholder in the account", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "prod");
  });

  it("control: a Docker Hub image is non-compliant in enforce mode and deregistered (ECS014)", async () => {
    const { arn, call } = await register(OUTSIDE);
    const outcome = await planPolicyForCall(world.clients, call, ENFORCE);
    expect(outcome.compliant).toBe(false);
    expect(outcome.actions).toContainEqual({
      kind: "deregister",
      taskDefinitionArn: arn,
      reason: "ECS014 at or above high",
    });
  });

  it("enforce deregisters a registered revision pulling docker.io/acme/ledger-replacer (same registry, ECS014)", async () => {
    const { arn, call } = await register(OUTSIDE_NAMED_REPLACE);
    const outcome = await planPolicyForCall(world.clients, call, ENFORCE);
    // Observed: ECS014 (and ECS013) 'unknown' ("image … is filled in later"), compliant: true,
    // actions = [tag] only — the revision stays registered.
    expect(outcome.compliant).toBe(false);
    expect(outcome.actions).toContainEqual({
      kind: "deregister",
      taskDefinitionArn: arn,
      reason: "ECS014 at or above high",
    });
    expect(outcome.evaluation?.unknown.map((u) => `${u.ruleId}: ${u.message}`)).toEqual([]);
  });

  it("enforce never rolls a service back onto a revision pulling from a registry outside the allow-list", async () => {
    const outside = await register(OUTSIDE_NAMED_REPLACE);
    const bad = await register(PRIVILEGED);
    const created = await world.clients.ecs.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "ledger",
        taskDefinition: bad.arn,
        desiredCount: 1,
      }),
    );
    const call = record(
      "CreateService",
      { cluster: "prod", serviceName: "ledger", taskDefinition: bad.arn },
      created,
    );
    const outcome = await planPolicyForCall(world.clients, call, ENFORCE);
    // Observed: { kind: "rollback", to: ledger:1 } — the Docker Hub revision.
    expect(outcome.actions.map((a) => (a.kind === "rollback" ? `rollback to ${a.to}` : a.kind))).toEqual([
      "no-rollback",
    ]);
    expect(outcome.actions.map((a) => (a.kind === "rollback" ? a.to : undefined))).not.toContain(outside.arn);
  });
});
