/**
 * Events at the edge: any payload is a typed event or a rejection naming the field, and a
 * rejected event reaches no AWS API (the runtime runs without a DLQ here, as locally, so the
 * rejection is thrown; deployed, the only call is the DLQ's SendMessage — see
 * test/integration/events/oversizedEvents.test.ts).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../cli/localContext.ts";
import {
  CloudTrailApiCallEvent,
  describeIssues,
  EcrImageActionEvent,
  EcsContainerInstanceStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsTaskStateChangeEvent,
  ScheduledEvent,
} from "../../core/events/index.ts";
import { TerminalNotifier } from "../../core/notify/index.ts";
import type * as z from "../../core/zod.ts";
import { createMonitorHandler } from "../../functions/monitor.ts";
import { createPolicyHandler } from "../../functions/policy.ts";
import { createRedeployHandler } from "../../functions/redeploy.ts";
import { createRightsizeHandler } from "../../functions/rightsize.ts";
import { createScheduleHandler } from "../../functions/schedule.ts";
import { createServiceIndexHandler } from "../../functions/service-index.ts";
import { postOutbox } from "../../runtime/postOutbox.ts";
import { InvalidEventError, type LambdaHandler } from "../../runtime/rejectInvalidEvents.ts";
import { createRuntime, type FlowRuntime } from "../../runtime/runtime.ts";
import { sampleEvents } from "../support/fixtures.ts";
import { createWorld, type World } from "../support/world.ts";
import {
  bounded,
  boundedAsync,
  expectDocumentedError,
  FUZZ_TIMEOUT_MS,
  hostileJson,
  hostileString,
  mutationsOf,
  RUNS,
} from "./fuzzSupport.ts";

const SCHEMAS: Record<string, z.ZodMiniType> = {
  EcrImageActionEvent,
  EcsTaskStateChangeEvent,
  EcsDeploymentStateChangeEvent,
  EcsServiceActionEvent,
  EcsContainerInstanceStateChangeEvent,
  CloudTrailApiCallEvent,
  ScheduledEvent,
};

/** Which events each Lambda entry takes (its schema's options). */
const ACCEPTS: Record<string, readonly z.ZodMiniType[]> = {
  redeploy: [EcrImageActionEvent, EcsDeploymentStateChangeEvent, ScheduledEvent],
  monitor: [
    EcsTaskStateChangeEvent,
    EcsDeploymentStateChangeEvent,
    EcsServiceActionEvent,
    EcsContainerInstanceStateChangeEvent,
    // The agent-disconnect sweep (monitor-agent-sweep, every 5 minutes).
    ScheduledEvent,
  ],
  policy: [CloudTrailApiCallEvent, ScheduledEvent],
  schedule: [CloudTrailApiCallEvent, ScheduledEvent],
  "service-index": [CloudTrailApiCallEvent, ScheduledEvent],
  rightsize: [ScheduledEvent],
};

const samples = sampleEvents().map((s) => s.event);
const anyEvent = fc.oneof(
  { weight: 4, arbitrary: mutationsOf(samples) },
  { weight: 1, arbitrary: hostileJson },
  {
    weight: 1,
    arbitrary: fc.record({ id: hostileString, "detail-type": hostileString, detail: hostileJson }),
  },
);

let world: World;
let handlers: Record<string, LambdaHandler>;
const savedLevel = process.env.POWERTOOLS_LOG_LEVEL;

describe("fuzz: events", { timeout: FUZZ_TIMEOUT_MS }, () => {
  beforeAll(async () => {
    // Thousands of rejections are logged as errors otherwise; what is logged is not under test here.
    process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
    world = await createWorld();
    const runtime = (flow: string): FlowRuntime =>
      createRuntime(flow, {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => undefined),
      });
    handlers = {
      redeploy: createRedeployHandler(runtime("redeploy")),
      monitor: createMonitorHandler(runtime("monitor")),
      policy: createPolicyHandler(runtime("policy")),
      schedule: createScheduleHandler(runtime("schedule")),
      "service-index": createServiceIndexHandler(runtime("service-index")),
      rightsize: createRightsizeHandler(runtime("rightsize"), { insight: world.insight }),
    };
  });
  afterAll(() => {
    if (savedLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = savedLevel;
  });

  it("every schema answers any payload with a typed event or issues naming the field", () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        for (const [name, schema] of Object.entries(SCHEMAS)) {
          const result = bounded(() => schema.safeParse(event), name);
          if (result.success) continue;
          expect(result.error.issues.length).toBeGreaterThan(0);
          for (const line of describeIssues(result.error.issues).split("; "))
            expect(line).toMatch(/^([^:\s]+|\(event\)): \S/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("every Lambda entry rejects what its schema refuses with InvalidEventError, before any AWS call", async () => {
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        for (const [flow, schemas] of Object.entries(ACCEPTS)) {
          if (schemas.some((schema) => schema.safeParse(event).success)) continue;
          world.counter.reset();
          const error = await boundedAsync(
            () =>
              (handlers[flow] as LambdaHandler)(event, localContext(flow)).then(
                (response) => ({ response }),
                (e: unknown) => e,
              ),
            flow,
          );
          expectDocumentedError(error, [InvalidEventError]);
          expect(world.counter.total()).toBe(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("the outbox refuses a message body it cannot read without calling AWS, and leaves it for the DLQ", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileString,
          hostileJson.map((v) => JSON.stringify(v) ?? ""),
        ),
        async (body) => {
          world.counter.reset();
          const result = await boundedAsync(() =>
            postOutbox([{ messageId: "m-1", body }], {
              state: world.state,
              notifierFor: () => new TerminalNotifier(() => undefined),
              log: { info: () => undefined, warn: () => undefined, error: () => undefined },
              owner: "fuzz",
            }),
          );
          expect(result).toEqual({
            batchItemFailures: [{ itemIdentifier: "m-1" }],
            posted: 0,
            alreadyPosted: 0,
          });
          expect(world.counter.total()).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
