/**
 * What the task-definition policy decides about one CloudTrail ECS call (planPolicyForCall),
 * against moto: the revisions and services are registered and created in moto, and each call's
 * CloudTrail record carries that call's own request and response (as CloudTrail records them,
 * `requestParameters` and `responseElements`) on AWS's sample ECS record. The decision is the
 * whole outcome: compliant or not, the actions with their targets and reasons, the ignored or
 * unknown text.
 */
import {
  CreateServiceCommand,
  type CreateServiceCommandInput,
  DeregisterTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { CloudTrailRecord } from "../../../core/events/index.ts";
import type { Evaluation, PolicyOutcome } from "../../../core/policy/index.ts";
import { planPolicyForCall } from "../../../core/policy/index.ts";
import { POLICY_SKIP_TAG_PREFIX, SERVICE_TAGS } from "../../../core/tags.ts";
import { createCluster, ecrImage } from "../../../sandbox/seed.ts";
import { loadFixture } from "../../support/fixtures.ts";
import { refuseDescribe } from "../../support/refuseDescribe.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const ENFORCE = parseConfig(
  JSON.stringify({ policy: { mode: "enforce", enforceAt: "high" } }),
  "enforce",
).policy;
const AUDIT = parseConfig(JSON.stringify({ policy: { mode: "audit", enforceAt: "high" } }), "audit").policy;

/** Passes every rule at or above medium. */
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
/** Compliant at `high`, with one medium finding (ECS002, writable root filesystem). */
const WRITABLE: RegisterTaskDefinitionCommandInput = {
  ...GOOD,
  containerDefinitions: [{ ...app, name: "app", readonlyRootFilesystem: false }],
};
/** Two high findings: ECS001 (privileged) and ECS003 (a secret in a plain environment variable). */
const BAD: RegisterTaskDefinitionCommandInput = {
  ...GOOD,
  containerDefinitions: [
    { ...app, name: "app", privileged: true, environment: [{ name: "DB_PASSWORD", value: "hunter2" }] },
  ],
};

/** One high finding: ECS001 (privileged). */
const PRIVILEGED: RegisterTaskDefinitionCommandInput = {
  ...GOOD,
  containerDefinitions: [{ ...app, name: "app", privileged: true }],
};

const SERVICE_ARN = `arn:aws:ecs:${REGION}:123456789012:service/prod/ledger`;

/** The JSON CloudTrail records: the API's own request and response, without the SDK's metadata. */
const asJson = (value: object) => {
  const { $metadata: _, ...rest } = value as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
};

/** A CloudTrail record of one ECS call, on AWS's sample record (test/fixtures/events/SOURCES.tsv). */
const record = (
  eventName: string,
  requestParameters: object | null,
  responseElements: object | null,
  error?: { errorCode: string; errorMessage: string },
): CloudTrailRecord =>
  CloudTrailRecord.parse({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventName,
    awsRegion: REGION,
    requestParameters: requestParameters && asJson(requestParameters),
    responseElements: responseElements && asJson(responseElements),
    ...error,
  });

/** Registers a revision; the RegisterTaskDefinition call's record and the revision's ARN. */
async function register(input: RegisterTaskDefinitionCommandInput) {
  const response = await world.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
  return {
    arn: response.taskDefinition?.taskDefinitionArn ?? "",
    call: record("RegisterTaskDefinition", input, response),
  };
}

async function createService(input: CreateServiceCommandInput) {
  const response = await world.clients.ecs.send(new CreateServiceCommand({ desiredCount: 1, ...input }));
  return record("CreateService", input, response);
}

async function updateService(input: UpdateServiceCommandInput) {
  return record("UpdateService", input, await world.clients.ecs.send(new UpdateServiceCommand(input)));
}

const deregister = (arn: string) =>
  world.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));

/** The decision without the evaluations, which are checked apart (the rules' own tests hold their details). */
function decision(outcome: PolicyOutcome) {
  const { evaluation, resources, ...rest } = outcome;
  return {
    ...rest,
    ...(evaluation ? { evaluation: findingsOf(evaluation) } : {}),
    ...(resources ? { resources: resources.map((r) => r.subject) } : {}),
  };
}
const findingsOf = (evaluation: Evaluation) =>
  `${evaluation.subject}: ${evaluation.findings.map((f) => `${f.ruleId} ${f.severity}`).join(", ")}`;

describe("planPolicyForCall against moto", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "prod");
  });

  describe("RegisterTaskDefinition", () => {
    it("enforce: tags a non-compliant revision with its finding count and deregisters it, naming the rules at or above the threshold", async () => {
      const { arn, call } = await register(BAD);
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "RegisterTaskDefinition",
        mode: "enforce",
        evaluation: "ledger:1: ECS001 high, ECS003 high",
        compliant: false,
        actions: [
          { kind: "tag", taskDefinitionArn: arn, findings: 2 },
          { kind: "deregister", taskDefinitionArn: arn, reason: "ECS001, ECS003 at or above high" },
        ],
      });
    });

    it("enforce: one finding at the threshold is enough to deregister a revision", async () => {
      const { arn, call } = await register(PRIVILEGED);
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "RegisterTaskDefinition",
        mode: "enforce",
        evaluation: "ledger:1: ECS001 high",
        compliant: false,
        actions: [
          { kind: "tag", taskDefinitionArn: arn, findings: 1 },
          { kind: "deregister", taskDefinitionArn: arn, reason: "ECS001 at or above high" },
        ],
      });
    });

    it("enforce: the revision's own policy-skip tag (read from ECS with its tags) keeps it registered", async () => {
      const { arn, call } = await register({
        ...PRIVILEGED,
        tags: [
          { key: `${POLICY_SKIP_TAG_PREFIX}ECS001`, value: "the agent needs the host's devices, OPS-12" },
        ],
      });
      const outcome = await planPolicyForCall(world.clients, call, ENFORCE);
      expect(decision(outcome)).toEqual({
        trigger: "RegisterTaskDefinition",
        mode: "enforce",
        evaluation: "ledger:1: ",
        compliant: true,
        actions: [{ kind: "tag", taskDefinitionArn: arn, findings: 0 }],
      });
      expect(outcome.evaluation?.suppressed.map((s) => `${s.finding.ruleId} ${s.by}: ${s.reason}`)).toEqual([
        "ECS001 tags: the agent needs the host's devices, OPS-12",
      ]);
    });

    it("audit: tags a non-compliant revision and deregisters nothing", async () => {
      const { arn, call } = await register(BAD);
      expect(decision(await planPolicyForCall(world.clients, call, AUDIT))).toEqual({
        trigger: "RegisterTaskDefinition",
        mode: "audit",
        evaluation: "ledger:1: ECS001 high, ECS003 high",
        compliant: false,
        actions: [{ kind: "tag", taskDefinitionArn: arn, findings: 2 }],
      });
    });

    it("enforce: only tags a revision whose findings are all below the threshold", async () => {
      const { arn, call } = await register(WRITABLE);
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "RegisterTaskDefinition",
        mode: "enforce",
        evaluation: "ledger:1: ECS002 medium",
        compliant: true,
        actions: [{ kind: "tag", taskDefinitionArn: arn, findings: 1 }],
      });
    });

    it("a revision that could not be read is unknown, not compliant, and nothing is done to it", async () => {
      const { arn, call } = await register(BAD);
      // moto answers every DescribeTaskDefinition: the refused read is injected (test/support/refuseDescribe.ts).
      const clients = createAwsClients({ region: REGION });
      refuseDescribe(clients.ecs, [arn]);
      expect(await planPolicyForCall(clients, call, ENFORCE)).toEqual({
        trigger: "RegisterTaskDefinition",
        mode: "enforce",
        compliant: false,
        unknown: {
          taskDefinitionArn: arn,
          reason: "AccessDeniedException: User is not authorized to perform: ecs:DescribeTaskDefinition",
        },
        actions: [],
      });
    });

    it("a successful call whose response names no revision is unknown (never compliant), named by its family", async () => {
      for (const response of [null, {}, { taskDefinition: { family: "ledger" } }])
        expect(
          await planPolicyForCall(world.clients, record("RegisterTaskDefinition", BAD, response), ENFORCE),
        ).toEqual({
          trigger: "RegisterTaskDefinition",
          mode: "enforce",
          compliant: false,
          unknown: {
            taskDefinitionArn: "ledger",
            reason:
              "the CloudTrail record names no taskDefinitionArn in its response: the registered revision cannot be identified",
          },
          actions: [],
        });
    });
  });

  describe("CreateService and UpdateService", () => {
    it("enforce: rolls a service created on a non-compliant revision back to the family's earlier compliant one", async () => {
      const good = await register(GOOD);
      const bad = await register(BAD);
      const call = await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: bad.arn });
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "CreateService",
        mode: "enforce",
        evaluation: "ledger:2: ECS001 high, ECS003 high",
        resources: ["prod/ledger"],
        compliant: false,
        actions: [
          {
            kind: "rollback",
            cluster: "prod",
            service: "ledger",
            serviceArn: SERVICE_ARN,
            from: bad.arn,
            to: good.arn,
            reason: "ledger:2 violates ECS001, ECS003",
          },
        ],
      });
    });

    it("enforce: rolls back to what the service ran before (its deployments) ahead of the family's newer revisions", async () => {
      const first = await register(GOOD);
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      await register(GOOD); // ledger:2: compliant, newer, never run by the service
      const bad = await register(BAD);
      // The call as the request names it (the service's name, not its ARN): the service is described.
      await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      const call = record(
        "UpdateService",
        { cluster: "prod", service: "ledger", taskDefinition: bad.arn },
        null,
      );
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "UpdateService",
        mode: "enforce",
        evaluation: "ledger:3: ECS001 high, ECS003 high",
        resources: ["prod/ledger"],
        compliant: false,
        actions: [
          {
            kind: "rollback",
            cluster: "prod",
            service: "ledger",
            serviceArn: SERVICE_ARN,
            from: bad.arn,
            to: first.arn,
            reason: "ledger:3 violates ECS001, ECS003",
          },
        ],
      });
    });

    it("enforce: otherwise the newest earlier ACTIVE compliant revision of the family, never a later or deregistered one", async () => {
      const first = await register(BAD); // ledger:1, what the service ran: non-compliant
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      await register(GOOD); // ledger:2
      const newest = await register(WRITABLE); // ledger:3: compliant (a medium finding only)
      await deregister((await register(GOOD)).arn); // ledger:4: compliant but INACTIVE
      const bad = await register(BAD); // ledger:5
      await register(GOOD); // ledger:6: compliant, but registered after the call's revision
      const call = await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "UpdateService",
        mode: "enforce",
        evaluation: "ledger:5: ECS001 high, ECS003 high",
        resources: ["prod/ledger"],
        compliant: false,
        actions: [
          {
            kind: "rollback",
            cluster: "prod",
            service: "ledger",
            serviceArn: SERVICE_ARN,
            from: bad.arn,
            to: newest.arn,
            reason: "ledger:5 violates ECS001, ECS003",
          },
        ],
      });
    });

    it("enforce: no rollback when no earlier revision is compliant", async () => {
      const first = await register(BAD);
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      const bad = await register(BAD);
      const call = await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "UpdateService",
        mode: "enforce",
        evaluation: "ledger:2: ECS001 high, ECS003 high",
        resources: ["prod/ledger"],
        compliant: false,
        actions: [
          {
            kind: "no-rollback",
            cluster: "prod",
            service: "ledger",
            reason: "ledger:2 violates ECS001, ECS003; no earlier compliant revision to roll back to",
            why: "no-target",
          },
        ],
      });
    });

    it("enforce: never rolls back to a revision it could not read, and says how many it passed over", async () => {
      const first = await register(GOOD); // ledger:1, what the service ran: unreadable
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      const readable = await register(WRITABLE); // ledger:2: readable and compliant
      const third = await register(GOOD); // ledger:3: unreadable
      const bad = await register(BAD);
      const call = await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      // moto answers every DescribeTaskDefinition: the refused reads are injected (test/support/refuseDescribe.ts).
      const clients = createAwsClients({ region: REGION });
      refuseDescribe(clients.ecs, [first.arn, third.arn]);
      expect(decision(await planPolicyForCall(clients, call, ENFORCE))).toMatchObject({
        actions: [
          {
            kind: "rollback",
            from: bad.arn,
            to: readable.arn,
            reason:
              "ledger:4 violates ECS001, ECS003; 2 earlier revision(s) could not be read and were not considered",
          },
        ],
      });
      // None readable and compliant: not rolled back *yet* — one that could not be read may be
      // compliant, so the event is retried (fails closed), never "nothing to roll back to".
      refuseDescribe(clients.ecs, [readable.arn]);
      expect(decision(await planPolicyForCall(clients, call, ENFORCE))).toEqual({
        trigger: "UpdateService",
        mode: "enforce",
        evaluation: "ledger:4: ECS001 high, ECS003 high",
        resources: ["prod/ledger"],
        compliant: false,
        actions: [
          {
            kind: "no-rollback",
            cluster: "prod",
            service: "ledger",
            reason:
              "ledger:4 violates ECS001, ECS003; not rolled back yet: no earlier revision that could be read is compliant; 3 earlier revision(s) could not be read and were not considered; this event is retried, then dead-lettered, to check again",
            why: "unreadable",
            retried: true,
          },
        ],
      });
    });

    it("enforce: judges the revision the call set; a service that no longer runs it is not rolled back", async () => {
      const first = await register(GOOD);
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      const bad = await register(BAD);
      const call = await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      await updateService({ cluster: "prod", service: "ledger", taskDefinition: first.arn });
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "UpdateService",
        mode: "enforce",
        evaluation: "ledger:2: ECS001 high, ECS003 high",
        resources: ["prod/ledger"],
        compliant: false,
        actions: [
          {
            kind: "no-rollback",
            cluster: "prod",
            service: "ledger",
            reason:
              "ledger:2 violates ECS001, ECS003; the service no longer runs it (it runs ledger:1), so nothing was rolled back",
            why: "moved",
            runs: first.arn,
          },
        ],
      });
    });

    it("enforce: a service moved onto exactly this event's earlier rollback target is reported as that rollback, anything else is not", async () => {
      const first = await register(GOOD);
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      const bad = await register(BAD);
      const call = await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      await updateService({ cluster: "prod", service: "ledger", taskDefinition: first.arn });
      const ledger = `arn:aws:ecs:${REGION}:123456789012:service/prod/ledger`;
      const asked: string[] = [];
      // What an earlier attempt of this event remembered (core/policy/rollbackRecord.ts).
      const remembered = (from: string, to: string) => async (serviceArn: string) => {
        asked.push(serviceArn);
        return { from, to, reason: "ledger:2 violates ECS001, ECS003 (as first planned)" };
      };
      expect(
        decision(await planPolicyForCall(world.clients, call, ENFORCE, remembered(bad.arn, first.arn)))
          .actions,
      ).toEqual([
        {
          kind: "rollback",
          cluster: "prod",
          service: "ledger",
          serviceArn: ledger,
          from: bad.arn,
          to: first.arn,
          reason: "ledger:2 violates ECS001, ECS003 (as first planned)",
          earlierAttempt: true,
        },
      ]);
      expect(asked).toEqual([ledger]);
      // A record of a rollback to another revision, or from another one: the service was moved by
      // someone else since, and nothing was rolled back by this event.
      const third = await register(GOOD);
      for (const other of [remembered(bad.arn, third.arn), remembered(third.arn, first.arn)])
        expect(decision(await planPolicyForCall(world.clients, call, ENFORCE, other)).actions).toEqual([
          {
            kind: "no-rollback",
            cluster: "prod",
            service: "ledger",
            reason:
              "ledger:2 violates ECS001, ECS003; the service no longer runs it (it runs ledger:1), so nothing was rolled back",
            why: "moved",
            runs: first.arn,
          },
        ]);
    });

    it("audit: reports a service on a non-compliant revision and rolls nothing back", async () => {
      const first = await register(GOOD);
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      const bad = await register(BAD);
      const call = await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      expect(decision(await planPolicyForCall(world.clients, call, AUDIT))).toEqual({
        trigger: "UpdateService",
        mode: "audit",
        evaluation: "ledger:2: ECS001 high, ECS003 high",
        resources: ["prod/ledger"],
        compliant: false,
        actions: [],
      });
    });

    it("enforce: leaves a service on a compliant revision alone", async () => {
      const writable = await register(WRITABLE);
      const call = await createService({
        cluster: "prod",
        serviceName: "ledger",
        taskDefinition: writable.arn,
      });
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toEqual({
        trigger: "CreateService",
        mode: "enforce",
        evaluation: "ledger:1: ECS002 medium",
        resources: ["prod/ledger"],
        compliant: true,
        actions: [],
      });
    });

    it("enforce: leaves a service alone whose exemption tag names the rule its revision breaks", async () => {
      await register(GOOD);
      const privileged = await register(PRIVILEGED);
      const call = await createService({
        cluster: "prod",
        serviceName: "ledger",
        taskDefinition: privileged.arn,
        tags: [{ key: SERVICE_TAGS.policyExempt, value: "ECS001" }],
      });
      const outcome = await planPolicyForCall(world.clients, call, ENFORCE);
      expect(decision(outcome)).toEqual({
        trigger: "CreateService",
        mode: "enforce",
        evaluation: "ledger:2: ",
        resources: ["prod/ledger"],
        compliant: true,
        actions: [],
      });
      expect(outcome.evaluation?.suppressed.map((s) => `${s.finding.ruleId} ${s.by}`)).toEqual([
        `ECS001 service tag ${SERVICE_TAGS.policyExempt}`,
      ]);
    });

    it("finds the service by its request when the response does not name it: CreateService's serviceName, the default cluster", async () => {
      await createCluster(world.clients, "default");
      const good = await register(GOOD);
      const bad = await register(BAD);
      await createService({ serviceName: "ledger", taskDefinition: bad.arn });
      const call = record("CreateService", { serviceName: "ledger", taskDefinition: bad.arn }, null);
      expect(decision(await planPolicyForCall(world.clients, call, ENFORCE))).toMatchObject({
        compliant: false,
        actions: [
          {
            kind: "rollback",
            cluster: "default",
            service: "ledger",
            serviceArn: `arn:aws:ecs:${REGION}:123456789012:service/default/ledger`,
            from: bad.arn,
            to: good.arn,
          },
        ],
      });
    });

    it("a revision the call set that could not be read is unknown: not compliant, nothing rolled back", async () => {
      const first = await register(GOOD);
      await createService({ cluster: "prod", serviceName: "ledger", taskDefinition: first.arn });
      const bad = await register(BAD);
      const call = await updateService({ cluster: "prod", service: "ledger", taskDefinition: bad.arn });
      // moto answers every DescribeTaskDefinition: the refused read is injected (test/support/refuseDescribe.ts).
      const clients = createAwsClients({ region: REGION });
      refuseDescribe(clients.ecs, [bad.arn]);
      expect(decision(await planPolicyForCall(clients, call, ENFORCE))).toEqual({
        trigger: "UpdateService",
        mode: "enforce",
        resources: ["prod/ledger"],
        compliant: false,
        unknown: {
          taskDefinitionArn: bad.arn,
          reason: "AccessDeniedException: User is not authorized to perform: ecs:DescribeTaskDefinition",
        },
        actions: [],
      });
    });

    it("ignores a call naming no service, a service that is not there, and one without a task definition", async () => {
      const ignored = (eventName: string, ignored: string) => ({
        trigger: eventName,
        mode: "enforce",
        compliant: true,
        actions: [],
        ignored,
      });
      expect(
        await planPolicyForCall(world.clients, record("UpdateService", { cluster: "prod" }, null), ENFORCE),
      ).toEqual(ignored("UpdateService", "no service in the call"));
      expect(
        await planPolicyForCall(
          world.clients,
          record("UpdateService", { cluster: "prod", service: "ghost" }, null),
          ENFORCE,
        ),
      ).toEqual(ignored("UpdateService", "service ghost not found"));
      expect(
        await planPolicyForCall(
          world.clients,
          record("CreateService", { cluster: "prod", serviceName: "ghost" }, null),
          ENFORCE,
        ),
      ).toEqual(ignored("CreateService", "service ghost not found"));
      // An EXTERNAL deployment controller's service has no task definition: its task sets do.
      const external = await createService({
        cluster: "prod",
        serviceName: "blue-green",
        deploymentController: { type: "EXTERNAL" },
      });
      expect(await planPolicyForCall(world.clients, external, ENFORCE)).toEqual(
        ignored(
          "CreateService",
          `service arn:aws:ecs:${REGION}:123456789012:service/prod/blue-green has no task definition of its own (its task sets have them)`,
        ),
      );
    });
  });

  it("ignores a call that failed, whatever it names", async () => {
    const bad = await register(BAD);
    const input = { cluster: "prod", service: "ledger", taskDefinition: bad.arn };
    const error = await world.clients.ecs.send(new UpdateServiceCommand(input)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const failed = record("UpdateService", input, null, {
      errorCode: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    expect(await planPolicyForCall(world.clients, failed, ENFORCE)).toEqual({
      trigger: "UpdateService",
      mode: "enforce",
      compliant: true,
      actions: [],
      ignored: "the call failed (ServiceNotFoundException)",
    });
    expect(
      await planPolicyForCall(
        world.clients,
        { ...bad.call, errorCode: "ClientException", responseElements: null },
        ENFORCE,
      ),
    ).toEqual({
      trigger: "RegisterTaskDefinition",
      mode: "enforce",
      compliant: true,
      actions: [],
      ignored: "the call failed (ClientException)",
    });
  });

  it("ignores the ECS calls it does not check", async () => {
    const bad = await register(BAD);
    expect(
      await planPolicyForCall(
        world.clients,
        record(
          "DeregisterTaskDefinition",
          { taskDefinition: bad.arn },
          { taskDefinition: { taskDefinitionArn: bad.arn } },
        ),
        ENFORCE,
      ),
    ).toEqual({
      trigger: "DeregisterTaskDefinition",
      mode: "enforce",
      compliant: true,
      actions: [],
      ignored: "DeregisterTaskDefinition is not checked",
    });
  });
});
