/**
 * Secrets stay secret (issue 11, Must show 8). Every Lambda entry in functions/*.ts runs as
 * deployed — its module-level `handler`, built from the environment — against moto, with the
 * Slack webhook URLs holding a recognisable token in their path (`SLACK_WEBHOOK_URL`, the linked
 * `SlackWebhookUrl` secret and a routed channel's secret) — and, in their Web API form, a bot
 * token (`{"token":"xoxb-…","channel":"C…"}`) — under faults: Slack hanging, answering 5xx/429
 * while quoting the request path or the bearer token back, dropping the connection, `ok: false`
 * answers echoing the token; the outbox (with read-backs of the channel) and the dead-letter
 * queue in use; AWS refusing every connection; a malformed webhook URL or bot-token secret. Everything
 * that leaves the code is captured — stdout, stderr, console, Powertools logs, every response,
 * every thrown error with all its own properties and causes, the Slack request bodies and
 * headers (but the `Authorization` header, which is Slack's), every SQS message of the outbox and
 * the DLQ, every item of the state table — and the tokens must appear nowhere in it.
 */
import { inspect } from "node:util";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { type RecordedPost, startRecordingServer } from "../../support/recordingServer.ts";
import { ecsEventsSample } from "../../support/secretsScene.ts";
import { createWorld, type World } from "../../support/world.ts";

/** The credential parts of the webhook URLs: what must never leave the code except towards Slack. */
const TOKEN = "XsEcReTtOkEn11iQz7Wv";
const ROUTE_TOKEN = "RoUtEsEcReT11iKp3Lm";
const DEFAULT_PATH = `/services/T0SECRET11I/B0SECRET11I/${TOKEN}`;
const ROUTE_PATH = `/services/T0SECRET11I/B1ROUTE11I/${ROUTE_TOKEN}`;
/** A bot token (the Web API mode of the same secrets): its secret parts, and the whole token. */
const BOT_SECRET = "BoTsEcReT11iWq8Zt";
const BOT_TOKEN = `xoxb-7711000001-7711000002-${BOT_SECRET}`;
const BOT_CHANNEL = "C0SECRET11I";
const SECRETS = [TOKEN, ROUTE_TOKEN, "T0SECRET11I", "B0SECRET11I", "B1ROUTE11I", BOT_SECRET, "7711000001"];

const FLOWS = ["redeploy", "monitor", "policy", "schedule", "service-index", "rightsize"] as const;
type Entry = (event: unknown, context: ReturnType<typeof localContext>) => Promise<unknown>;

let world: World;
let slack: Awaited<ReturnType<typeof startRecordingServer>>;
let deadLetters = "";
let outbox = "";
/** Everything that left the code, as text. */
const captured: string[] = [];
const restore: Array<() => void> = [];
const savedEnv = { ...process.env };

/** A value as a log, a runtime or a debugger would show it: every own property, enumerable or not, recursively. */
function everything(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return String(value);
  if (seen.has(value)) return "";
  seen.add(value);
  const keys = [...Object.getOwnPropertyNames(value), ...Object.getOwnPropertySymbols(value)];
  return keys
    .map((key) => {
      let inner: unknown;
      try {
        inner = (value as Record<PropertyKey, unknown>)[key];
      } catch {
        inner = "";
      }
      return `${String(key)}=${everything(inner, seen)}`;
    })
    .join(" ");
}

function capture(what: string, value: unknown): void {
  captured.push(`${what}: ${typeof value === "string" ? value : everything(value)}`);
  if (typeof value === "object" && value !== null)
    captured.push(inspect(value, { showHidden: true, depth: 20, getters: true }));
}

/** Runs an entry as Lambda would, capturing the response or the thrown error whole. */
async function invoke(entry: Entry, flow: string, event: unknown): Promise<unknown> {
  try {
    const response = await entry(event, localContext(flow));
    capture(`${flow} response`, response);
    return response;
  } catch (error) {
    capture(`${flow} error`, error);
    return error;
  }
}

/** Fresh entry modules, built from the environment as it is now (as a cold start would). */
async function loadEntries(): Promise<Record<(typeof FLOWS)[number] | "notify", Entry>> {
  vi.resetModules();
  return {
    redeploy: (await import("../../../functions/redeploy.ts")).handler,
    monitor: (await import("../../../functions/monitor.ts")).handler,
    policy: (await import("../../../functions/policy.ts")).handler,
    schedule: (await import("../../../functions/schedule.ts")).handler,
    "service-index": (await import("../../../functions/service-index.ts")).handler,
    rightsize: (await import("../../../functions/rightsize.ts")).handler,
    notify: (await import("../../../functions/notify.ts")).handler,
  };
}

async function drain(queueUrl: string): Promise<Array<{ body: string; raw: unknown }>> {
  const messages: Array<{ body: string; raw: unknown }> = [];
  for (;;) {
    const received = await world.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (!received.Messages?.length) return messages;
    for (const message of received.Messages) messages.push({ body: message.Body ?? "", raw: message });
  }
}

/**
 * Slack as it misbehaves: never answering (the sender's timeout), then in turn a dropped
 * connection, 5xx and 429 quoting the request path back (plain and percent-encoded), and a 404
 * quoting the token — five kinds against four attempts per message, so each kind is the last
 * answer (the one an error reports) for some message.
 */
let apiCalls = 0;
const misbehave = (
  post: RecordedPost,
  index: number,
  res: Parameters<Parameters<typeof startRecordingServer>[0]>[2],
) => {
  if (post.path.startsWith("/api/")) return misbehaveAsApi(post, res);
  if (index === 0) return;
  const token = post.path.split("/").pop() ?? "";
  switch (index % 5) {
    case 0:
      res.socket?.destroy();
      return;
    case 1:
      res.writeHead(503, { "retry-after": "0" }).end(`upstream error for ${post.path}`);
      return;
    case 2:
      res.writeHead(429, { "retry-after": "0" }).end(`rate_limited ${encodeURIComponent(post.path)}`);
      return;
    case 3:
      res.writeHead(500).end(`internal error: POST ${post.path}`);
      return;
    default:
      res.writeHead(404).end(`no_service: unknown token ${token}`);
  }
};

/**
 * Slack's Web API as it misbehaves, quoting the bearer token back in every way a proxy or a
 * broken gateway might: in a 503's body, percent-encoded in a 429's, in an `ok: false` answer's
 * extra fields, in a 500's; the reply of a post lost (so the next attempt reads the channel back,
 * and its answers quote the token too). Every post fails: nothing is ever taken.
 */
const misbehaveAsApi = (
  post: RecordedPost,
  res: Parameters<Parameters<typeof startRecordingServer>[0]>[2],
) => {
  const authorization = String(post.headers.authorization ?? "");
  switch (apiCalls++ % 5) {
    case 0:
      res.socket?.destroy();
      return;
    case 1:
      res.writeHead(503, { "retry-after": "0" }).end(`upstream error for ${authorization}`);
      return;
    case 2:
      res
        .writeHead(429, { "retry-after": "0" })
        .end(JSON.stringify({ ok: false, error: "ratelimited", token: encodeURIComponent(authorization) }));
      return;
    case 3:
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(
          JSON.stringify({ ok: false, error: "internal_error", echo: authorization, needed: authorization }),
        );
      return;
    default:
      res.writeHead(500).end(`internal error: ${authorization.split("-").pop()}`);
  }
};

describe("secrets stay secret: every Lambda entry under faults", () => {
  beforeAll(async () => {
    world = await createWorld();
    slack = await startRecordingServer(misbehave);
    deadLetters =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: "secrets-dead-letters" })))
        .QueueUrl ?? "";
    outbox =
      (await world.clients.sqs.send(new CreateQueueCommand({ QueueName: "secrets-outbox" }))).QueueUrl ?? "";
    await ecsEventsSample.seed(world.clients);

    const write =
      (stream: NodeJS.WriteStream, name: string) =>
      (chunk: unknown, ...rest: unknown[]): boolean => {
        captured.push(
          `${name}: ${typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8")}`,
        );
        const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
        callback?.();
        void stream;
        return true;
      };
    for (const [stream, name] of [
      [process.stdout, "stdout"],
      [process.stderr, "stderr"],
    ] as const) {
      const original = stream.write;
      stream.write = write(stream, name) as typeof stream.write;
      restore.push(() => {
        stream.write = original;
      });
    }
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) =>
        void captured.push(`console.${method}: ${args.map((a) => everything(a)).join(" ")}`);
      restore.push(() => {
        console[method] = original;
      });
    }

    Object.assign(process.env, {
      // Logs on, with the incoming events: what CloudWatch would hold.
      POWERTOOLS_LOG_LEVEL: "DEBUG",
      POWERTOOLS_LOGGER_LOG_EVENT: "true",
      AUTOPILOT_STATE_TABLE: world.tableName,
      AUTOPILOT_DEAD_LETTER_QUEUE_URL: deadLetters,
      SLACK_WEBHOOK_URL: slack.url(DEFAULT_PATH),
      // What SST links into a deployed function: the default webhook and a routed channel's.
      SST_RESOURCE_App: JSON.stringify({ name: "ecs-autopilot", stage: "test" }),
      SST_RESOURCE_SlackWebhookUrl: JSON.stringify({
        type: "sst.sst.Secret",
        value: slack.url(DEFAULT_PATH),
      }),
      SST_RESOURCE_SlackWebhookUrlPayments: JSON.stringify({
        type: "sst.sst.Secret",
        value: slack.url(ROUTE_PATH),
      }),
      AUTOPILOT_CONFIG: JSON.stringify({
        monitor: { routes: [{ cluster: "payments-*", webhook: "SlackWebhookUrlPayments" }] },
      }),
    });
  }, 120_000);

  afterAll(async () => {
    for (const undo of restore.reverse()) undo();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await slack?.close();
  });

  it("posting to Slack directly: Slack hanging, 5xx, 429 and dropped connections", async () => {
    const entries = await loadEntries();
    for (const flow of FLOWS)
      for (const event of ecsEventsSample.events(flow, "direct")) await invoke(entries[flow], flow, event);
    // Events that fail their schema go to the DLQ with the reason.
    for (const flow of FLOWS) await invoke(entries[flow], flow, ecsEventsSample.invalid(flow));
    expect(slack.posts.length).toBeGreaterThan(0);
  }, 180_000);

  it("through the outbox: flows queue, the Notify entry posts to a failing Slack", async () => {
    process.env.AUTOPILOT_OUTBOX_QUEUE_URL = outbox;
    const entries = await loadEntries();
    for (const flow of FLOWS)
      for (const event of ecsEventsSample.events(flow, "outbox")) await invoke(entries[flow], flow, event);
    const queued = await drain(outbox);
    for (const message of queued) capture("outbox message", message.raw);
    expect(queued.length).toBeGreaterThan(0);
    const response = await invoke(
      entries.notify,
      "notify",
      ecsEventsSample.sqsEvent(queued.map((q) => q.body)),
    );
    expect(response).toMatchObject({ posted: 0 });
    delete process.env.AUTOPILOT_OUTBOX_QUEUE_URL;
  }, 180_000);

  it("with a bot token (the Web API) for the default channel: posted directly, and through the outbox with read-backs", async () => {
    const webhook = process.env.SLACK_WEBHOOK_URL;
    const bot = JSON.stringify({ token: BOT_TOKEN, channel: BOT_CHANNEL, api: slack.url("/api/") });
    process.env.SLACK_WEBHOOK_URL = bot;
    process.env.SST_RESOURCE_SlackWebhookUrl = JSON.stringify({ type: "sst.sst.Secret", value: bot });
    try {
      let entries = await loadEntries();
      for (const flow of FLOWS)
        for (const event of ecsEventsSample.events(flow, "token")) await invoke(entries[flow], flow, event);
      process.env.AUTOPILOT_OUTBOX_QUEUE_URL = outbox;
      entries = await loadEntries();
      for (const flow of FLOWS)
        for (const event of ecsEventsSample.events(flow, "token-outbox"))
          await invoke(entries[flow], flow, event);
      const queued = await drain(outbox);
      for (const message of queued) capture("outbox message", message.raw);
      expect(queued.length).toBeGreaterThan(0);
      // A first receive, then a redelivery (the channel is read back before each post).
      for (const receives of ["1", "2"]) {
        const event = ecsEventsSample.sqsEvent(queued.map((q) => q.body)) as {
          Records: Array<{ attributes: { ApproximateReceiveCount: string } }>;
        };
        for (const record of event.Records) record.attributes.ApproximateReceiveCount = receives;
        expect(await invoke(entries.notify, "notify", event)).toMatchObject({ posted: 0 });
      }
      expect(slack.posts.some((p) => p.path === "/api/conversations.history")).toBe(true);
      expect(slack.posts.some((p) => p.path === "/api/chat.postMessage")).toBe(true);
    } finally {
      delete process.env.AUTOPILOT_OUTBOX_QUEUE_URL;
      process.env.SLACK_WEBHOOK_URL = webhook;
      process.env.SST_RESOURCE_SlackWebhookUrl = JSON.stringify({
        type: "sst.sst.Secret",
        value: slack.url(DEFAULT_PATH),
      });
    }
  }, 180_000);

  it("with AWS refusing every connection", async () => {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:9";
    try {
      const entries = await loadEntries();
      for (const flow of FLOWS) {
        const [event] = ecsEventsSample.events(flow, "refused");
        const outcome = await invoke(entries[flow], flow, event);
        if (flow !== "service-index" && flow !== "rightsize") expect(outcome).toBeInstanceOf(Error);
      }
    } finally {
      process.env.AWS_ENDPOINT_URL = endpoint;
    }
  }, 180_000);

  it("with a malformed webhook URL: each invocation fails before it acts, naming the secret, never the URL", async () => {
    const good = process.env.SLACK_WEBHOOK_URL;
    process.env.SLACK_WEBHOOK_URL = `https://[hooks.slack.com${DEFAULT_PATH}`;
    try {
      const entries = await loadEntries();
      for (const flow of FLOWS) {
        const [event] = ecsEventsSample.events(flow, "malformed");
        const outcome = await invoke(entries[flow], flow, event);
        // core/notify/webhookSecret.ts: checked when the flow's context is built, before any change.
        expect(outcome, flow).toBeInstanceOf(Error);
        expect((outcome as Error).message, flow).toBe(
          'secret SLACK_WEBHOOK_URL is not usable: it is not a URL. Set it to a Slack incoming-webhook URL, to a bot token and its channel as {"token":"xoxb-…","channel":"C…"}, or to "none" to write messages to the log instead',
        );
      }
      // A bot token with a channel name instead of its ID: the same, never quoting the token.
      process.env.SLACK_WEBHOOK_URL = JSON.stringify({ token: BOT_TOKEN, channel: "#alerts" });
      const again = await loadEntries();
      for (const flow of FLOWS) {
        const [event] = ecsEventsSample.events(flow, "malformed");
        const outcome = await invoke(again[flow], flow, event);
        expect(outcome, flow).toBeInstanceOf(Error);
        expect((outcome as Error).message, flow).toMatch(
          /^secret SLACK_WEBHOOK_URL is not usable: its "channel" is not a channel ID/,
        );
      }
    } finally {
      process.env.SLACK_WEBHOOK_URL = good;
    }
  }, 180_000);

  it("leaves no token in any output, error, Slack body, queue message or state item", async () => {
    for (const message of await drain(deadLetters)) capture("dead letter", message.raw);
    const items = await world.clients.dynamodb.send(new ScanCommand({ TableName: world.tableName }));
    capture("state table", items.Items ?? []);
    for (const post of slack.posts) {
      // The bearer token goes to Slack in this header and nowhere else: the header is Slack's.
      const { authorization, ...headers } = post.headers;
      captured.push(`slack body: ${post.body}`, `slack headers: ${JSON.stringify(headers)}`);
      if (post.path.startsWith("/api/")) expect(authorization).toBe(`Bearer ${BOT_TOKEN}`);
    }

    // The run did what it is meant to: secrets in use, logs written, errors thrown, letters dead.
    expect(slack.posts.some((p) => p.path === DEFAULT_PATH)).toBe(true);
    expect(slack.posts.some((p) => p.path === ROUTE_PATH)).toBe(true);
    expect(slack.posts.some((p) => p.path === "/api/chat.postMessage")).toBe(true);
    expect(captured.some((entry) => entry.includes("SlackApiError"))).toBe(true);
    const text = captured.join("\n");
    expect(text).toMatch(/"level":"(ERROR|WARN)"/);
    expect(text).toContain("dead letter:");
    expect(text).toContain("outbox message:");
    expect(text).toMatch(/ error: .*stack=/);

    const leaks = captured.filter((entry) => SECRETS.some((secret) => entry.includes(secret)));
    expect(leaks.map((leak) => leak.slice(0, 2000))).toEqual([]);
  });
});
