/**
 * Issue 11, note 2 (companion of unreadRetryTells.test.ts): a push for `web` and `api`, whose reads
 * for `api` keep failing, deploys `web` and fails the invocation, so Lambda retries it. Whether a
 * retry tells `web` again depends on whether the first attempt's report got out: once it is handed
 * to the outbox, `web`'s roll-out record is marked `reported` (core/redeploy/reportedRollouts.ts)
 * and no retry tells it again (unreadRetryTells.test.ts). Here the report did NOT get out, or the
 * mark did not hold, and the deploy must still be told — once, by the next attempt, as "already
 * deployed here by this event … (an earlier attempt, whose outcome was not reported)":
 * - the outbox send failed (a real SQS QueueDoesNotExist from moto: DeliveryError);
 * - locally (no outbox), Slack did not take the message;
 * - the mark's reply was lost (drop-after on its UpdateItem): the SDK's retry sets it again, so
 *   the deploy is told once; a mark refused for good is the worst case: told twice, never lost.
 *
 * moto cannot throttle nor lose a reply: those faults are injected between the SDK and moto.
 */
import { DescribeServicesCommand } from "@aws-sdk/client-ecs";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import type { Notifier, SlackMessage } from "../../../core/notify/index.ts";
import { renderPlainText, TerminalNotifier } from "../../../core/notify/index.ts";
import { ServiceIndex } from "../../../core/redeploy/index.ts";
import { RedeployFailedError } from "../../../core/redeploy/runRedeploy.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { DeliveryError } from "../../../runtime/deliver.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { pinnedImage, runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

/** Two services of one cluster track the repository; `failing()` throttles `api`'s task definition read. */
async function twoServices(name: string) {
  const world = await createWorld();
  const repository = `shop/${name}`;
  await createCluster(world.clients, name);
  await createRepository(world.clients, repository);
  await pushImage(world.clients, repository, "1.0.0");
  for (const service of ["api", "web"])
    await createService(world.clients, {
      cluster: name,
      name: service,
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: service, image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
    });
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster: name, services: ["api"] }),
  );
  const apiTaskDefinition = described.services?.[0]?.taskDefinition ?? "";
  const reads = { failing: false };
  world.clients.ecs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { taskDefinition?: string };
      if (
        reads.failing &&
        context.commandName === "DescribeTaskDefinitionCommand" &&
        input.taskDefinition === apiTaskDefinition
      )
        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      return next(args);
    },
    { step: "initialize", name: "throttleApiTaskDefinition" },
  );
  await new ServiceIndex(world.clients, world.state).rebuild();
  const digest = await pushImage(world.clients, repository, "1.1.0");
  const event = ecrPushEvent({ region: REGION, repository, digest, tag: "1.1.0", id: `${name}-push` });
  return { world, repository, digest, event, reads };
}

/** How many times the texts name the service (its section or its skip line). */
const mentions = (texts: readonly string[], cluster: string, service: string): number =>
  texts.join("\n").split(`${cluster} / ${service}`).length - 1;

const NOT_REPORTED = "(an earlier attempt, whose outcome was not reported)";

/** The redeploy handler on moto, its messages going to `outboxQueueUrl` (deployed) or `notifier` (local). */
const handlerOn = (world: World, target: { outboxQueueUrl: string } | { notifier: Notifier }) =>
  createRedeployHandler(
    createRuntime("redeploy", {
      clients: world.clients,
      tableName: world.tableName,
      config: DEFAULT_CONFIG,
      ...target,
    }),
  );

async function createOutbox(world: World, name: string): Promise<string> {
  const created = await world.clients.sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-${process.pid}` }),
  );
  return created.QueueUrl ?? "";
}

/** The texts of the messages queued in the outbox, as Slack shows them. */
async function drain(world: World, queueUrl: string): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const r = await world.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    if (!r.Messages?.length) return texts;
    texts.push(
      ...r.Messages.map((m) =>
        renderPlainText((JSON.parse(m.Body ?? "{}") as { message: SlackMessage }).message),
      ),
    );
  }
}

/** Injects a fault into the state table's UpdateItem that marks a roll-out reported, below the SDK's retries. */
function faultOnReportedMark(
  world: World,
  mode: "drop-after" | "refuse",
  times: number,
): { readonly hit: number } {
  const counted = { hit: 0 };
  world.clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { UpdateExpression?: string };
      if (
        context.commandName !== "UpdateItemCommand" ||
        !input.UpdateExpression?.includes("#reported") ||
        counted.hit >= times
      )
        return next(args);
      counted.hit++;
      if (mode === "refuse")
        throw Object.assign(new Error("Service Unavailable"), {
          name: "ServiceUnavailable",
          $metadata: { httpStatusCode: 503 },
        });
      // The write reaches DynamoDB; its reply never comes back.
      await next(args);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    },
    { step: "deserialize", name: `reportedMark-${mode}` },
  );
  return counted;
}

describe("a retry of a push that failed for one (unread) service, after an attempt that deployed the other", () => {
  it("tells the deploy once when the first attempt's report could not be queued (the outbox send failed)", async () => {
    const { world, repository, digest, event, reads } = await twoServices("unread-report-outbox");
    const cluster = "unread-report-outbox";
    const outbox = await createOutbox(world, "outbox-unread-report");
    const broken = handlerOn(world, {
      outboxQueueUrl: outbox.replace(/outbox-unread-report-\d+$/, "missing-outbox"),
    });
    const working = handlerOn(world, { outboxQueueUrl: outbox });

    reads.failing = true;
    // web deploys; the report cannot be queued: nothing says web was reported.
    expect(await broken(event, localContext("redeploy")).catch((e: unknown) => e)).toBeInstanceOf(
      DeliveryError,
    );
    expect(await runningImage(world, "web", cluster)).toBe(pinnedImage(repository, digest));
    // Lambda's retry, api still unread: it tells web, as the earlier attempt's deploy not reported.
    expect(await working(event, localContext("redeploy")).catch((e: unknown) => e)).toBeInstanceOf(
      RedeployFailedError,
    );
    const second = await drain(world, outbox);
    expect(second.join("\n")).toContain(
      `• ${cluster} / web: ${digest} was already deployed here by this event as web:2 ${NOT_REPORTED}`,
    );
    expect(second.join("\n")).toContain(`:x: ${cluster} / api failed`);
    // The next retry, api readable: api deploys; web, told by the one before, is not told again.
    reads.failing = false;
    expect(await working(event, localContext("redeploy"))).toMatchObject({
      deployed: 1,
      failed: 0,
      services: [
        { service: `${cluster}/api`, result: "deployed" },
        {
          service: `${cluster}/web`,
          result: "skip:deployed-earlier",
          detail: `${digest} was already deployed here by this event as web:2 (an earlier attempt, which reported it)`,
        },
      ],
    });
    const third = await drain(world, outbox);
    expect(third.join("\n")).toContain(`:rocket: ${cluster} / api deployed`);
    expect(mentions([...second, ...third], cluster, "web")).toBe(1);
  }, 30_000);

  it("tells the deploy once when Slack did not take the first attempt's message (local run, no outbox)", async () => {
    const { world, event, reads } = await twoServices("unread-report-local");
    const cluster = "unread-report-local";
    const posted: string[] = [];
    const terminal = new TerminalNotifier((line) => posted.push(line));
    let slackDown = true;
    const handler = handlerOn(world, {
      notifier: {
        post: async (message) => {
          if (slackDown) throw new Error("Slack answered 503");
          await terminal.post(message);
        },
      },
    });

    reads.failing = true;
    expect(await handler(event, localContext("redeploy")).catch((e: unknown) => e)).toBeInstanceOf(
      RedeployFailedError,
    );
    expect(posted).toEqual([]);
    slackDown = false;
    expect(await handler(event, localContext("redeploy")).catch((e: unknown) => e)).toBeInstanceOf(
      RedeployFailedError,
    );
    reads.failing = false;
    expect(await handler(event, localContext("redeploy"))).toMatchObject({ deployed: 1, failed: 0 });

    expect(mentions(posted, cluster, "web")).toBe(1);
    expect(posted.join("\n")).toContain(NOT_REPORTED);
    expect(posted.join("\n").split(`:rocket: ${cluster} / api deployed`).length - 1).toBe(1);
  }, 30_000);

  it.each([
    // The SDK makes 5 attempts (core/aws/clients.ts): a refusal for good refuses them all.
    ["its reply is lost once (the SDK's retry sets it again): the deploy is told once", "drop-after", 1, 1],
    ["it is refused for good (the worst case): the deploy is told twice, never lost", "refuse", 5, 2],
  ] as const)(
    "the mark that the report was queued: %s",
    async (_, mode, times, told) => {
      const cluster = `unread-report-${mode}`;
      const { world, event, reads } = await twoServices(cluster);
      const outbox = await createOutbox(world, `outbox-${mode}`);
      const handler = handlerOn(world, { outboxQueueUrl: outbox });
      const fault = faultOnReportedMark(world, mode, times);

      reads.failing = true;
      expect(await handler(event, localContext("redeploy")).catch((e: unknown) => e)).toBeInstanceOf(
        RedeployFailedError,
      );
      expect(fault.hit).toBe(times);
      const first = await drain(world, outbox);
      expect(first.join("\n")).toContain(`:rocket: ${cluster} / web deployed`);
      reads.failing = false;
      expect(await handler(event, localContext("redeploy"))).toMatchObject({ deployed: 1, failed: 0 });
      const second = await drain(world, outbox);

      expect(mentions([...first, ...second], cluster, "web")).toBe(told);
      expect(second.join("\n").includes(NOT_REPORTED)).toBe(told === 2);
    },
    60_000,
  );
});
