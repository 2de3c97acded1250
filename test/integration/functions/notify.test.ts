/**
 * The Notify entry (functions/notify.ts) with a bot-token secret: SQS records of the outbox, the
 * state table on moto, and the Slack stand-in as the Web API. What the outbox needs from it: a
 * message shown once whatever became of earlier attempts, configuration errors that keep the
 * message and say what to fix, and a failed read-back that posts nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { createNotifyHandler } from "../../../functions/notify.ts";
import { postContextOf, postOutbox } from "../../../runtime/postOutbox.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { BOT_TOKEN, SlackStandIn } from "../../faults/SlackStandIn.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

let world: World;
let slack: SlackStandIn;
let serial = 0;
const previous = process.env.SLACK_WEBHOOK_URL;

/** An outbox message as runtime/deliver.ts queues it. */
const body = (id: string, text: string) =>
  JSON.stringify({
    id,
    channel: "SlackWebhookUrl",
    flow: "redeploy",
    eventId: `event-${id}`,
    message: { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] },
  });

/** The SQS record Lambda's event source hands over, received `receives` times. */
const record = (id: string, text: string, receives = 1, sentAt = Date.now() - 5_000) => ({
  messageId: `sqs-${id}`,
  receiptHandle: `receipt-${id}`,
  body: body(id, text),
  attributes: {
    ApproximateReceiveCount: String(receives),
    SentTimestamp: String(sentAt),
    SenderId: "AIDAEXAMPLE",
    ApproximateFirstReceiveTimestamp: String(sentAt),
  },
  messageAttributes: {},
  md5OfBody: "0",
  eventSource: "aws:sqs",
  eventSourceARN: `arn:aws:sqs:${REGION}:123456789012:outbox`,
  awsRegion: REGION,
});

const notify = () =>
  createNotifyHandler(createRuntime("notify", { clients: world.clients, tableName: world.tableName }));
const invoke = (records: unknown[]) => notify()({ Records: records }, localContext("notify"));

describe("Notify with a bot token (the Slack Web API)", () => {
  beforeAll(async () => {
    slack = await SlackStandIn.start();
  });
  beforeEach(async () => {
    world = await createWorld();
    slack.reset();
    process.env.SLACK_WEBHOOK_URL = slack.botSecret;
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.SLACK_WEBHOOK_URL;
    else process.env.SLACK_WEBHOOK_URL = previous;
    await slack.close();
  });

  it("Slack took the message, the reply was lost: the retry within the invocation reads it back — shown once, not retried by the outbox", async () => {
    slack.arm({ fault: "drop-after", times: 1, method: "chat.postMessage" });
    const id = `lost-${++serial}`;
    expect(await invoke([record(id, "prod/api deployed 1.4.2")])).toEqual({
      batchItemFailures: [],
      posted: 1,
      alreadyPosted: 0,
    });
    expect(slack.shown().map((m) => m.text)).toEqual(["prod/api deployed 1.4.2"]);
    expect(slack.reads).toHaveLength(1);
  });

  it("a record received again after an invocation that posted it but was cut off before remembering it: read back, not posted again", async () => {
    const id = `cut-${++serial}`;
    const text = "api: task stopped (out-of-memory)";
    // What the cut-off invocation left: the message in the channel with its id, nothing in the table.
    await createRuntime("notify", { clients: world.clients, tableName: world.tableName })
      .notifierFor("SlackWebhookUrl")
      .post(JSON.parse(body(id, text)).message, { id, mayHavePosted: false, queuedAt: Date.now() - 5_000 });
    expect(slack.shown()).toHaveLength(1);
    expect(await invoke([record(id, text, 2)])).toEqual({
      batchItemFailures: [],
      posted: 1,
      alreadyPosted: 0,
    });
    expect(slack.shown()).toHaveLength(1);
    expect(slack.reads).toEqual([{ outcome: "answered", messages: 1, cursor: false }]);
  });

  it("a configuration error keeps the message in the outbox and logs the secret and Slack's code, never the token", async () => {
    slack.arm({ fault: "ok-false", error: "not_in_channel", method: "chat.postMessage" });
    const lines: Array<{ level: string; message: string; details: Record<string, unknown> }> = [];
    const log = (level: string) => (message: string, details?: Record<string, unknown>) =>
      void lines.push({ level, message, details: details ?? {} });
    const runtime = createRuntime("notify", { clients: world.clients, tableName: world.tableName });
    const id = `config-${++serial}`;
    const result = await postOutbox([record(id, "schedule applied")], {
      state: world.state,
      notifierFor: runtime.notifierFor,
      log: { info: log("info"), warn: log("warn"), error: log("error") },
      owner: "notify-test",
    });
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: `sqs-${id}` }],
      posted: 0,
      alreadyPosted: 0,
    });
    expect(lines).toEqual([
      {
        level: "error",
        message: "Slack refuses the channel's secret; the message stays in the outbox",
        details: expect.objectContaining({
          secret: "SLACK_WEBHOOK_URL",
          slackError: "not_in_channel",
          error: expect.stringContaining("invite it (/invite @your-app)"),
        }),
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain(BOT_TOKEN.split("-").pop());
    // Fixed (the app invited): the next receive posts it, once.
    slack.arm(undefined);
    expect(await invoke([record(id, "schedule applied", 2)])).toMatchObject({
      batchItemFailures: [],
      posted: 1,
    });
    expect(slack.shown().map((m) => m.text)).toEqual(["schedule applied"]);
  });

  it("the read-back fails: nothing is posted, the record fails and a later receive posts it once", async () => {
    slack.arm({ fault: "503", method: "conversations.history" });
    const id = `readback-${++serial}`;
    expect(await invoke([record(id, "policy: not compliant", 3)])).toEqual({
      batchItemFailures: [{ itemIdentifier: `sqs-${id}` }],
      posted: 0,
      alreadyPosted: 0,
    });
    expect(slack.posts).toEqual([]);
    slack.arm(undefined);
    expect(await invoke([record(id, "policy: not compliant", 4)])).toMatchObject({ posted: 1 });
    expect(slack.shown()).toHaveLength(1);
  });
});

describe("postContextOf: what an SQS record says about earlier deliveries", () => {
  it("reads the receive count and the time it was queued", () => {
    expect(postContextOf(record("a", "t", 1, 1_764_000_000_000), "a")).toEqual({
      id: "a",
      mayHavePosted: false,
      queuedAt: 1_764_000_000_000,
    });
    expect(postContextOf(record("a", "t", 2, 1_764_000_000_000), "a").mayHavePosted).toBe(true);
  });

  it("a record that does not say is treated as maybe posted, from an hour back", () => {
    expect(postContextOf({ messageId: "m", body: "" }, "a", 10 * 3_600_000)).toEqual({
      id: "a",
      mayHavePosted: true,
      queuedAt: 9 * 3_600_000,
    });
  });
});
