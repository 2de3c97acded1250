/**
 * The roll-out is safe to retry, lost replies included. moto answers every call; a lost reply
 * ("the call reached AWS, the reply never came back") is injected by a middleware that lets the
 * request through to moto and then fails the attempt with a connection reset, as the network
 * would. (The fault-injection harness in test/faults does the same from outside the SDK.)
 */
import {
  ClientException,
  DescribeServicesCommand,
  type ECSClient,
  ECSServiceException,
  ListTaskDefinitionsCommand,
} from "@aws-sdk/client-ecs";
import { beforeEach, describe, expect, it } from "vitest";
import { createAwsClients } from "../../../core/aws/index.ts";
import { copyTaskDefinition, mergeTags } from "../../../core/ecs/index.ts";
import { type RollOut, RollOutError, rollOut, rolloutIdOf } from "../../../core/ecs/rollOut.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  pushImage,
} from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let serial = 0;

/**
 * Fails every matching attempt after (drop-after) or before (refuse: throttled; refuse-request: a
 * ClientException, the request itself wrong) it reached moto. Returns how many attempts it saw.
 */
function inject(
  client: ECSClient,
  command: string,
  mode: "drop-after" | "refuse" | "refuse-request",
  times = Number.POSITIVE_INFINITY,
): { attempts: number } {
  let left = times;
  const seen = { attempts: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === `${command}Command`) seen.attempts++;
      if (context.commandName !== `${command}Command` || left <= 0) return next(args);
      left--;
      if (mode === "refuse-request")
        throw new ClientException({ message: "Too many revisions of this family", $metadata: {} });
      if (mode === "refuse")
        throw new ECSServiceException({
          name: "ThrottlingException",
          $fault: "client",
          message: "Rate exceeded",
          $metadata: { httpStatusCode: 400 },
        });
      await next(args);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    },
    // After the retry middleware: each SDK attempt goes through it.
    { step: "deserialize", name: `inject-${command}-${++serial}` },
  );
  return seen;
}

async function setUp(name: string): Promise<RollOut & { name: string; family: string }> {
  await createCluster(world.clients, "prod");
  await createRepository(world.clients, `shop/${name}`);
  await pushImage(world.clients, `shop/${name}`, "1.0.0");
  const service = await createService(world.clients, {
    cluster: "prod",
    name,
    containers: [{ name, image: ecrImage(REGION, `shop/${name}`, "1.0.0"), essential: true }],
  });
  const digest = await pushImage(world.clients, `shop/${name}`, "1.1.0");
  const { taskDefinition } = await import("@aws-sdk/client-ecs").then(
    async ({ DescribeTaskDefinitionCommand }) =>
      world.clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition ?? "" }),
      ),
  );
  if (!taskDefinition) throw new Error("no task definition");
  const image = `${ecrImage(REGION, `shop/${name}`, "1.0.0").split(":")[0]}@${digest}`;
  return {
    name,
    family: taskDefinition.family ?? name,
    register: copyTaskDefinition(taskDefinition, new Map([[name, image]]), mergeTags({}, {})),
    service: { clusterArn: service.clusterArn ?? "", serviceArn: service.serviceArn ?? "" },
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  };
}

async function revisions(family: string): Promise<string[]> {
  const listed = await world.clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, status: "ACTIVE" }),
  );
  return (listed.taskDefinitionArns ?? []).map((arn) => arn.slice(arn.lastIndexOf("/") + 1));
}

async function runs(name: string): Promise<string> {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: "prod", services: [name] }),
  );
  const arn = described.services?.[0]?.taskDefinition ?? "";
  return arn.slice(arn.lastIndexOf("/") + 1);
}

describe("rollOut: safe to retry, lost replies included", () => {
  beforeEach(async () => {
    world = await createWorld();
  });

  it("registers once when the RegisterTaskDefinition reply is lost: it looks the revision up instead of registering again", async () => {
    const action = await setUp("web");
    const clients = createAwsClients({ region: REGION });
    inject(clients.ecsSingleAttempt, "RegisterTaskDefinition", "drop-after", 1);
    const result = await rollOut(clients.ecs, action, {
      rolloutId: rolloutIdOf(action.service.serviceArn, ["web"]),
      registerWith: clients.ecsSingleAttempt,
    });
    expect(result).toMatchObject({
      taskDefinitionArn: expect.stringMatching(/:task-definition\/web:2$/),
      reusedRevision: true,
    });
    expect(await revisions("web")).toEqual(["web:1", "web:2"]);
    expect(await runs("web")).toBe("web:2");
  });

  it("without that care the SDK's own retry registers a duplicate (why RegisterTaskDefinition goes through a client without retries)", async () => {
    const action = await setUp("dup");
    const clients = createAwsClients({ region: REGION });
    inject(clients.ecs, "RegisterTaskDefinition", "drop-after", 1);
    await rollOut(clients.ecs, action, { rolloutId: rolloutIdOf(action.service.serviceArn, ["dup"]) });
    expect(await revisions("dup")).toEqual(["dup:1", "dup:2", "dup:3"]);
  });

  it("reports success when UpdateService was applied but every reply was lost: it reads the service back and deregisters nothing", async () => {
    const action = await setUp("api");
    const clients = createAwsClients({ region: REGION, maxAttempts: 2 });
    inject(clients.ecs, "UpdateService", "drop-after");
    const result = await rollOut(clients.ecs, action, {
      rolloutId: rolloutIdOf(action.service.serviceArn, ["api"]),
      registerWith: clients.ecsSingleAttempt,
    });
    expect(result).toMatchObject({ confirmedByReadBack: true });
    expect(await runs("api")).toBe("api:2");
    expect(await revisions("api")).toEqual(["api:1", "api:2"]);
  });

  it("says what holds when UpdateService never got through: the old revision runs, the new one is deregistered", async () => {
    const action = await setUp("cart");
    const clients = createAwsClients({ region: REGION, maxAttempts: 2 });
    inject(clients.ecs, "UpdateService", "refuse");
    const error = await rollOut(clients.ecs, action, {
      rolloutId: rolloutIdOf(action.service.serviceArn, ["cart"]),
      registerWith: clients.ecsSingleAttempt,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RollOutError);
    expect((error as RollOutError).serviceRuns).toMatch(/cart:1$/);
    expect((error as RollOutError).deregistered).toMatch(/cart:2$/);
    expect((error as Error).message).toBe(
      "UpdateService failed: ThrottlingException: Rate exceeded; the service still runs cart:1; cart:2 was deregistered again",
    );
    expect(await runs("cart")).toBe("cart:1");
    expect(await revisions("cart")).toEqual(["cart:1"]);
  });

  it("resumes a roll-out whose earlier attempt registered the revision and died: no second revision", async () => {
    const action = await setUp("feed");
    const rolloutId = rolloutIdOf(action.service.serviceArn, ["feed"]);
    const clients = createAwsClients({ region: REGION, maxAttempts: 1 });
    inject(clients.ecs, "UpdateService", "refuse", 1);
    // The first attempt registers feed:2, fails to update and… (a crash would leave feed:2 behind;
    // here the failure path deregisters it, so register it by hand as a crash would have left it).
    await rollOut(clients.ecs, action, { rolloutId, registerWith: clients.ecsSingleAttempt }).catch(
      () => undefined,
    );
    const { RegisterTaskDefinitionCommand } = await import("@aws-sdk/client-ecs");
    await world.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        ...action.register,
        tags: [{ key: "autopilot:rollout", value: rolloutId }],
      }),
    );
    const result = await rollOut(world.clients.ecs, action, { rolloutId, resumed: true });
    expect(result).toMatchObject({
      reusedRevision: true,
      taskDefinitionArn: expect.stringMatching(/feed:3$/),
    });
    expect(await runs("feed")).toBe("feed:3");
    expect(await revisions("feed")).toEqual(["feed:1", "feed:3"]);
  });

  it("gives up registering after 4 attempts, each failure followed by a look-up that finds nothing, and says nothing changed", async () => {
    const action = await setUp("shop");
    const clients = createAwsClients({ region: REGION });
    const register = inject(clients.ecsSingleAttempt, "RegisterTaskDefinition", "refuse");
    // Counted, never failed (0 times).
    const lookUps = inject(clients.ecs, "ListTaskDefinitions", "refuse", 0);
    const error = await rollOut(clients.ecs, action, {
      rolloutId: rolloutIdOf(action.service.serviceArn, ["shop"]),
      registerWith: clients.ecsSingleAttempt,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RollOutError);
    expect((error as RollOutError).step).toBe("register");
    expect((error as Error).message).toBe(
      "RegisterTaskDefinition failed: ThrottlingException: Rate exceeded",
    );
    expect(register.attempts).toBe(4);
    expect(lookUps.attempts).toBe(4);
    expect(await revisions("shop")).toEqual(["shop:1"]);
    expect(await runs("shop")).toBe("shop:1");
  });

  it("does not retry a register ECS refuses as a wrong request (ClientException): one attempt, no look-up, the error at once", async () => {
    const action = await setUp("pay");
    const clients = createAwsClients({ region: REGION });
    const register = inject(clients.ecsSingleAttempt, "RegisterTaskDefinition", "refuse-request");
    const lookUps = inject(clients.ecs, "ListTaskDefinitions", "refuse", 0);
    const error = await rollOut(clients.ecs, action, {
      rolloutId: rolloutIdOf(action.service.serviceArn, ["pay"]),
      registerWith: clients.ecsSingleAttempt,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "RegisterTaskDefinition failed: ClientException: Too many revisions of this family",
    );
    expect(register.attempts).toBe(1);
    expect(lookUps.attempts).toBe(0);
    expect(await runs("pay")).toBe("pay:1");
  });
});
