/**
 * Dead letters you can act on (issue 11, Must show 7): every way a function is invoked ends, after
 * its retries, in a dead-letter queue — EventBridge rule targets, EventBridge Scheduler jobs, the
 * functions' own asynchronous invocations, the Slack outbox — and each dead-letter queue has an
 * alarm on its depth. `sst deploy` cannot run here: infra/ is imported with SST's and Pulumi's
 * globals replaced by stand-ins that record what infra/ asks for (as failureDestinations.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DEAD_LETTER_RETENTION_SECONDS,
  EVENTBRIDGE_RETRY_SECONDS,
  LAMBDA_RETRY_SECONDS,
  REDRIVE_HORIZON_SECONDS,
} from "../../../core/state/index.ts";

/** Any property, call or construction gives itself back: enough for what is not looked at. */
const inert: unknown = new Proxy(function inertTarget() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => "inert" : inert),
  apply: () => inert,
  construct: () => inert as object,
});

// biome-ignore lint/suspicious/noExplicitAny: the arguments infra/ passes to SST are read loosely here.
type Args = Record<string, any>;
interface Recorded {
  functions: Array<{ name: string; args: Args }>;
  queues: Array<{ name: string; args: Args }>;
  busSubscriptions: Array<{ name: string; target: string; args: Args }>;
  queueSubscriptions: Array<{ queue: string; target: string }>;
  crons: Array<{ name: string; args: Args }>;
  alarms: Array<{ name: string; args: Args }>;
}
const recorded: Recorded = {
  functions: [],
  queues: [],
  busSubscriptions: [],
  queueSubscriptions: [],
  crons: [],
  alarms: [],
};

/** A namespace whose listed members are given, every other one inert. */
const members = (given: Record<string, unknown>): unknown =>
  new Proxy({}, { get: (_t, key) => (typeof key === "string" && key in given ? given[key] : inert) });

const sst = members({
  aws: members({
    Function: function RecordedFunction(name: string, args: Args) {
      recorded.functions.push({ name, args });
      return { name, arn: `arn:function:${name}`, nodes: inert, url: inert };
    },
    Queue: function RecordedQueue(name: string, args: Args) {
      recorded.queues.push({ name, args });
      return {
        name,
        arn: `arn:queue:${name}`,
        url: `https://queue/${name}`,
        nodes: { queue: { name } },
        subscribe: (target: string) => recorded.queueSubscriptions.push({ queue: name, target }),
      };
    },
    CronV2: function RecordedCron(name: string, args: Args) {
      recorded.crons.push({ name, args });
      return inert;
    },
    Bus: members({
      get: () => ({
        subscribe: (name: string, target: string, args: Args) =>
          recorded.busSubscriptions.push({ name, target, args }),
      }),
    }),
  }),
});

const aws = members({
  cloudwatch: members({
    MetricAlarm: function RecordedAlarm(name: string, args: Args) {
      recorded.alarms.push({ name, args });
      return inert;
    },
  }),
});

const MODULES = ["redeploy", "monitor", "schedule", "policy", "rightsize", "notify"];
const DEAD_LETTERS = "arn:queue:AutopilotDeadLetters";
const OUTBOX_DEAD_LETTERS = "arn:queue:AutopilotOutboxDeadLetters";

describe("infra/: every invocation ends in a dead-letter queue, and every dead-letter queue has an alarm", () => {
  beforeEach(async () => {
    vi.stubGlobal("sst", sst);
    vi.stubGlobal("aws", aws);
    for (const name of ["$app", "$dev", "$resolve", "$jsonStringify", "$interpolate"])
      vi.stubGlobal(name, inert);
    vi.resetModules();
    for (const list of Object.values(recorded)) list.length = 0;
    for (const module of MODULES) await import(new URL(`../../../infra/${module}.ts`, import.meta.url).href);
  });
  afterEach(() => vi.unstubAllGlobals());

  it("each EventBridge rule target retries for a day, then dead-letters", () => {
    expect(recorded.busSubscriptions.length).toBeGreaterThanOrEqual(6);
    for (const subscription of recorded.busSubscriptions) {
      const target: Args = {};
      subscription.args.transform.target(target);
      expect(target, subscription.name).toMatchObject({
        deadLetterConfig: { arn: DEAD_LETTERS },
        retryPolicy: { maximumEventAgeInSeconds: 24 * 60 * 60 },
      });
    }
  });

  it("each scheduled job dead-letters", () => {
    expect(recorded.crons.length).toBeGreaterThan(0);
    for (const cron of recorded.crons) expect(cron.args.dlq, cron.name).toBe(DEAD_LETTERS);
  });

  it("each function invoked asynchronously sends its failed invocations to the dead-letter queue", () => {
    const flows = recorded.functions.map((f) => f.args.environment?.AUTOPILOT_FLOW).sort();
    expect(flows).toEqual([
      "monitor",
      "notify",
      "policy",
      "redeploy",
      "rightsize",
      "schedule",
      "service-index",
    ]);
    // Notify is invoked by the outbox's event source mapping, not asynchronously: the outbox's own
    // dead-letter queue takes what it cannot post (below).
    for (const fn of recorded.functions.filter((f) => f.name !== "Notify"))
      expect(fn.args.transform?.eventInvokeConfig?.destinationConfig?.onFailure?.destination, fn.name).toBe(
        DEAD_LETTERS,
      );
  });

  it("the Slack outbox, read by the Notify function, dead-letters into a queue of its own", () => {
    const outbox = recorded.queues.find((q) => q.name === "AutopilotSlackOutbox");
    expect(outbox?.args.dlq).toEqual({ queue: OUTBOX_DEAD_LETTERS, retry: 100 });
    expect(recorded.queueSubscriptions).toEqual([
      { queue: "AutopilotSlackOutbox", target: "arn:function:Notify" },
    ]);
  });

  it("both dead-letter queues alarm as soon as they hold a message", () => {
    for (const queue of ["AutopilotDeadLetters", "AutopilotOutboxDeadLetters"]) {
      const alarm = recorded.alarms.find((a) => a.args.dimensions?.QueueName === queue);
      expect(alarm?.args, queue).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      });
      expect(alarm?.args.alarmActions, queue).toHaveLength(1);
    }
  });

  it("keeps dead letters, and retries events, exactly as long as the redrive horizon says (the markers a redrive relies on are kept that long)", () => {
    for (const queue of ["AutopilotDeadLetters", "AutopilotOutboxDeadLetters"]) {
      const args: Args = {};
      recorded.queues.find((q) => q.name === queue)?.args.transform.queue(args);
      expect(args.messageRetentionSeconds, queue).toBe(DEAD_LETTER_RETENTION_SECONDS);
    }
    for (const subscription of recorded.busSubscriptions) {
      const target: Args = {};
      subscription.args.transform.target(target);
      expect(target.retryPolicy.maximumEventAgeInSeconds, subscription.name).toBe(EVENTBRIDGE_RETRY_SECONDS);
    }
    for (const fn of recorded.functions.filter((f) => f.name !== "Notify"))
      expect(fn.args.transform?.eventInvokeConfig?.maximumEventAgeInSeconds, fn.name).toBe(
        LAMBDA_RETRY_SECONDS,
      );
    // 14 days in the queue (SQS's maximum), after a day of EventBridge's retries and 6 hours of Lambda's.
    expect(REDRIVE_HORIZON_SECONDS).toBe((14 * 24 + 24 + 6) * 60 * 60);
  });
});
