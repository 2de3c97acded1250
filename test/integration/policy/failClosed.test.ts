/**
 * The policy fails closed: a revision that could not be read is "unknown", never compliant;
 * enforce never rolls a service back to a revision it did not evaluate; the output says which
 * could not be checked and why, and the invocation fails so that it is checked again.
 * moto answers every DescribeTaskDefinition, so the refused reads are injected by a middleware on
 * the client under test (for the named revisions only); everything else is moto's state.
 */
import {
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { parseConfig } from "../../../core/config/index.ts";
import type { CloudTrailRecord } from "../../../core/events/index.ts";
import type { SlackMessage } from "../../../core/notify/index.ts";
import { auditAccount, planPolicyForCall } from "../../../core/policy/index.ts";
import { PolicyUncheckedError } from "../../../core/policy/runPolicy.ts";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { refuseDescribe } from "../../support/refuseDescribe.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const ENFORCE = parseConfig(JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }), "enforce");

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
const BAD: RegisterTaskDefinitionCommandInput = {
  ...GOOD,
  containerDefinitions: [{ ...GOOD.containerDefinitions?.[0], name: "app", privileged: true }],
};

const call = (
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown>,
) =>
  cloudTrailEnvelope({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventName,
    awsRegion: REGION,
    requestParameters,
    responseElements,
  });

async function register(input: RegisterTaskDefinitionCommandInput): Promise<string> {
  return (
    (await world.clients.ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition
      ?.taskDefinitionArn ?? ""
  );
}

describe("policy fails closed", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "prod");
  });

  it("never calls an unreadable revision compliant: it says why, acts on nothing, and fails to be retried", async () => {
    const arn = await register(BAD);
    const clients = createAwsClients({ region: REGION });
    refuseDescribe(clients.ecs, [arn]);
    const posts: SlackMessage[] = [];
    const handler = createPolicyHandler(
      createRuntime("policy", {
        clients,
        tableName: world.tableName,
        config: ENFORCE,
        notifier: { post: async (m) => void posts.push(m) },
      }),
    );
    const error = await handler(
      call("RegisterTaskDefinition", { family: "ledger" }, { taskDefinition: { taskDefinitionArn: arn } }),
      localContext("policy"),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyUncheckedError);
    expect((error as PolicyUncheckedError).code).toBe("policy-unchecked");
    expect(posts.map((p) => p.text)).toEqual(["Policy (enforce): ledger:1 could not be checked"]);
    expect(JSON.stringify(posts[0]?.blocks)).toContain("AccessDeniedException");
    const outcome = await planPolicyForCall(
      { ecs: clients.ecs },
      call("RegisterTaskDefinition", { family: "ledger" }, { taskDefinition: { taskDefinitionArn: arn } })
        .detail as CloudTrailRecord,
      ENFORCE.policy,
    );
    expect(outcome).toMatchObject({ compliant: false, actions: [], unknown: { taskDefinitionArn: arn } });
  });

  it("never rolls back to a revision it could not evaluate: it passes over it and says so", async () => {
    const { containerDefinitions, ...properties } = GOOD;
    const service = await createService(world.clients, {
      cluster: "prod",
      name: "ledger",
      family: "ledger",
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const unreadable = service.taskDefinition ?? ""; // ledger:1, what the service ran: compliant but unreadable
    const readable = await register(GOOD); // ledger:2, compliant and readable
    const bad = await register(BAD); // ledger:3
    await world.clients.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "ledger", taskDefinition: bad }),
    );
    const clients = createAwsClients({ region: REGION });
    refuseDescribe(clients.ecs, [unreadable]);
    const outcome = await planPolicyForCall(
      { ecs: clients.ecs },
      call("UpdateService", { cluster: "prod", service: "ledger", taskDefinition: bad }, {})
        .detail as CloudTrailRecord,
      ENFORCE.policy,
    );
    expect(outcome.actions).toEqual([expect.objectContaining({ kind: "rollback", from: bad, to: readable })]);
    expect(outcome.actions[0]?.kind === "rollback" && outcome.actions[0].reason).toContain(
      "1 earlier revision(s) could not be read and were not considered",
    );
    const runs = async () =>
      (await world.clients.ecs.send(new DescribeServicesCommand({ cluster: "prod", services: ["ledger"] })))
        .services?.[0]?.taskDefinition;
    expect(await runs()).toBe(bad);
  });

  it("lists revisions in use that could not be read in the audit, apart from the compliant ones", async () => {
    const { containerDefinitions, ...properties } = GOOD;
    const service = await createService(world.clients, {
      cluster: "prod",
      name: "ledger",
      family: "ledger",
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const clients = createAwsClients({ region: REGION });
    refuseDescribe(clients.ecs, [service.taskDefinition ?? ""]);
    const audit = await auditAccount({ ecs: clients.ecs }, ENFORCE.policy);
    expect(audit.totals).toMatchObject({ revisions: 0, unchecked: 1, compliant: 0 });
    expect(audit.unchecked).toEqual([
      {
        taskDefinition: "ledger:1",
        usedBy: ["prod/ledger"],
        reason: "AccessDeniedException: User is not authorized to perform: ecs:DescribeTaskDefinition",
      },
    ]);
  });
});
