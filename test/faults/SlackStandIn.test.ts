/**
 * The Slack stand-in's fault modes, seen through the product's own sender (SlackWebhook): each
 * mode fails the way it says, and "shown" counts what a person in the channel would have seen.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SlackWebhook } from "../../core/notify/index.ts";
import { SlackStandIn } from "./SlackStandIn.ts";

let slack: SlackStandIn;
const message = { text: "hello", blocks: [] };
const sender = (options: ConstructorParameters<typeof SlackWebhook>[1] = {}) =>
  new SlackWebhook(slack.webhookUrl, { baseDelayMs: 10, ...options });

describe("SlackStandIn", () => {
  beforeAll(async () => {
    slack = await SlackStandIn.start();
  });
  beforeEach(() => slack.reset());
  afterAll(async () => slack.close());

  it("503 once: refused, then shown on the sender's retry", async () => {
    slack.arm({ fault: "503", times: 1 });
    await sender().post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["refused", "shown"]);
    expect(slack.shown()).toEqual([message]);
  });

  it("503 always: an outage, nothing shown and the sender gives up", async () => {
    slack.arm({ fault: "503" });
    await expect(sender({ maxAttempts: 2 }).post(message)).rejects.toThrow(/HTTP 503/);
    expect(slack.shown()).toEqual([]);
    expect(slack.injected).toBe(2);
  });

  it("429 with Retry-After: the sender waits as told, then it is shown", async () => {
    slack.arm({ fault: "429", times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    await sender().post(message);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["refused", "shown"]);
  });

  it("no answer: the sender's timeout ends the attempt; the retry is shown", async () => {
    slack.arm({ fault: "hang", times: 1 });
    await sender({ timeoutMs: 200 }).post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["unanswered", "shown"]);
  });

  it("drop-after: Slack shows the message, the reply is lost, the retry shows it again", async () => {
    slack.arm({ fault: "drop-after", times: 1 });
    await sender().post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown-reply-lost", "shown"]);
    expect(slack.shown()).toHaveLength(2);
  });

  it("after K: the first K posts pass", async () => {
    slack.arm({ fault: "503", after: 1, times: 1 });
    await sender().post(message);
    await sender().post(message);
    expect(slack.posts.map((p) => p.outcome)).toEqual(["shown", "refused", "shown"]);
  });

  it("frozen (a Lambda past its timeout): nothing is shown", async () => {
    slack.freeze();
    await expect(sender({ maxAttempts: 1 }).post(message)).rejects.toThrow();
    slack.thaw();
    expect(slack.shown()).toEqual([]);
  });
});
