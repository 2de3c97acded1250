/**
 * A few scenarios of the fault matrix, so CI keeps the harness alive (the full matrix is
 * `npm run test:faults`, 1½–2 hours; its numbers are in docs/reliability.md). For every flow: the
 * fault-free run satisfies all its invariants, and two faults the SDK's own retry absorbs (a
 * dropped connection on its first write, a 503 on its first read) change nothing. Then the
 * invariants themselves are shown to catch what they are there to catch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monitorFlow } from "./flows/monitor.ts";
import { policyFlow } from "./flows/policy.ts";
import { redeployFlow } from "./flows/redeploy.ts";
import { rightsizeFlow } from "./flows/rightsize.ts";
import { scheduleFlow } from "./flows/schedule.ts";
import { Harness } from "./Harness.ts";
import { FLOWS } from "./matrix.ts";
import { type FlowSpec, type RunRecord, runScenario } from "./scenario.ts";

let harness: Harness;
const READ = /^(Describe|List|Get|Query|Scan|BatchGet)/;

describe("fault harness smoke", () => {
  beforeAll(async () => {
    harness = await Harness.start();
  });
  afterAll(async () => harness.stop());

  for (const flow of FLOWS) {
    it(`${flow.name}: the fault-free run holds every invariant; a dropped write and a 503 read are absorbed`, async () => {
      const clean = await runScenario(harness, { flow, fault: { target: "none" } });
      expect(clean.violations).toEqual([]);
      expect(clean.invocations).toBe(clean.events);
      // No retries needed, except for what moto does not implement (it answers 500 every time).
      const implemented = (counts: Readonly<Record<string, number>>) =>
        Object.fromEntries(Object.entries(counts).filter(([op]) => !clean.unimplemented.includes(op)));
      expect(implemented(clean.attempts)).toEqual(implemented(clean.commands));

      const operations = Object.keys(clean.commands).filter((op) => !clean.unimplemented.includes(op));
      const firstWrite = operations.find((op) => !READ.test(op.split(".")[1] ?? ""));
      const firstRead = operations.find((op) => READ.test(op.split(".")[1] ?? "") && !op.startsWith("SSM."));
      for (const [operation, fault] of [
        [firstWrite, "drop"],
        [firstRead, "5xx"],
      ] as const) {
        if (!operation) continue;
        const [service = "", action = ""] = operation.split(".");
        const result = await runScenario(harness, {
          flow,
          fault: { target: "aws", className: `${fault} ×1`, rule: { service, action, fault, times: 1 } },
        });
        expect({ operation, fault, injected: result.injected, violations: result.violations }).toEqual({
          operation,
          fault,
          injected: 1,
          violations: [],
        });
        expect(result.invocations).toBe(result.events);
      }
    });
  }
});

const noRun: RunRecord = {
  deliveries: [],
  shown: [],
  parked: [],
  queued: [],
  dropped: [],
  slackPosts: [],
  calls: [],
};
const broken = <O>(flow: FlowSpec<unknown, O>, observation: O) =>
  flow.invariants.flatMap((i) => i.check(observation, noRun).map(() => `${i.id} ${i.breaks}`));

describe("the invariants catch what they are there for", () => {
  const revision = (name: string, status: string, digest = "sha256:old") => ({
    arn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${name}`,
    name,
    status,
    images: [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api@${digest}`],
    tags: {},
  });

  it("redeploy: a service left on a deregistered revision, a false 'failed', an undeployed service nobody retries", () => {
    const api = revision("api:2", "INACTIVE", "sha256:new");
    expect(
      broken(redeployFlow as FlowSpec<unknown, unknown>, {
        services: [
          {
            name: "api",
            runs: api,
            original: revision("api:1", "ACTIVE").arn,
            onDigest: true,
            claims: [{ kind: "failed" }],
            pending: false,
          },
          {
            name: "worker",
            runs: revision("worker:1", "ACTIVE"),
            original: revision("worker:1", "ACTIVE").arn,
            onDigest: false,
            claims: [],
            pending: false,
          },
        ],
        pushed: [{ ...api, usedBy: ["api"] }],
        deadLettered: false,
      }),
    ).toEqual(["R1 inconsistent", "R4 inconsistent", "R6 lost", "R7 lost"]);
  });

  it("monitor: a stop counted twice and an alert shown twice; an alert never shown", () => {
    const observation = {
      statsStops: 4,
      statsOom: 4,
      windowStops: 3,
      alerts: { "out-of-memory": 2, "crash-loop": 1, "deployment-failed": 0 },
      stopsDeadLettered: [false, false, false, false],
      anyStopDeadLettered: false,
      deploymentDeadLettered: false,
    };
    expect(broken(monitorFlow as FlowSpec<unknown, unknown>, observation)).toEqual([
      "M1 inconsistent",
      "M1 inconsistent",
      "M3 inconsistent",
      "M4 lost",
    ]);
  });

  it("schedule: a capacity lowered to 0 with nothing remembered", () => {
    const web = { target: { min: 2, max: 2 }, actions: ["a"], memory: { min: 2, max: 2 } };
    const down = { target: { min: 0, max: 0 }, actions: ["a"] };
    expect(
      broken(scheduleFlow as FlowSpec<unknown, unknown>, {
        afterFault: { web: down, api: web, batch: web },
        converged: { web, api: web, batch: web },
        secondRerunWrites: [],
        reference: { web, api: web, batch: web },
        applied: { api: ["Schedule applied: api"], batch: ["Schedule applied: batch"] },
        reportedFailed: [],
        deadLettered: false,
      }),
    ).toEqual(["S1 inconsistent", "S3 lost", "S6 lost"]);
  });

  it("schedule: every service scheduled as a fault-free run makes it, and one of them never told", () => {
    const web = { target: { min: 2, max: 2 }, actions: ["a"], memory: { min: 2, max: 2 } };
    const told = { api: ["Schedule applied: api"], batch: ["Schedule applied: batch"] };
    const observation = {
      afterFault: { web, api: web, batch: web },
      converged: { web, api: web, batch: web },
      secondRerunWrites: [],
      reference: { web, api: web, batch: web },
      applied: told,
      reportedFailed: [],
      deadLettered: false,
    };
    expect(broken(scheduleFlow as FlowSpec<unknown, unknown>, observation)).toEqual(["S6 lost"]);
    // Told as failed, or dead-lettered (judged again after its redrive), is not lost.
    expect(
      broken(scheduleFlow as FlowSpec<unknown, unknown>, { ...observation, reportedFailed: ["web"] }),
    ).toEqual([]);
    expect(
      broken(scheduleFlow as FlowSpec<unknown, unknown>, { ...observation, deadLettered: true }),
    ).toEqual([]);
  });

  it("policy: a rollback the flow made, told as 'nothing was rolled back'", () => {
    const good = "arn:aws:ecs:eu-west-1:123456789012:task-definition/payments:1";
    const observation = {
      runs: good,
      good,
      bad: { ...revision("payments:2", "INACTIVE"), arn: good.replace(":1", ":2") },
      told: {
        RegisterTaskDefinition: [{ verdict: "not compliant", text: "deregistered `payments:2`" }],
        UpdateService: [
          {
            verdict: "not compliant",
            text: "payments:2 violates ECS001; the service no longer runs it (it runs payments:1), so nothing was rolled back",
          },
        ],
      },
      registerDeadLettered: false,
      updateDeadLettered: false,
    };
    // Not told (P7), and told the opposite of what holds (P8).
    expect(broken(policyFlow as FlowSpec<unknown, unknown>, observation)).toEqual([
      "P7 lost",
      "P8 inconsistent",
    ]);
    const rolledBack = {
      verdict: "not compliant",
      text: "rolled *prod/payments* back from `payments:2` to `payments:1`",
    };
    expect(
      broken(policyFlow as FlowSpec<unknown, unknown>, {
        ...observation,
        told: { ...observation.told, UpdateService: [rolledBack] },
      }),
    ).toEqual([]);
    // Told beside a "rolled back" (a retry planning again over its own rollback), the "nothing was
    // rolled back" is still false: P8 (and P6, the verdict told twice).
    expect(
      broken(policyFlow as FlowSpec<unknown, unknown>, {
        ...observation,
        told: { ...observation.told, UpdateService: [rolledBack, ...observation.told.UpdateService] },
      }),
    ).toEqual(["P8 inconsistent", "P6 inconsistent"]);
    // The same words while the service still runs the privileged revision are true.
    expect(
      broken(policyFlow as FlowSpec<unknown, unknown>, {
        ...observation,
        runs: observation.bad.arn,
        updateDeadLettered: true,
      }),
    ).toEqual([]);
  });

  it("right-sizing: a step taken that no summary lists as applied", () => {
    const original = revision("cart:1", "ACTIVE");
    const stepped = revision("cart:2", "ACTIVE");
    const observation = {
      services: {
        cart: { runs: stepped, revisions: [original, stepped] },
        search: { runs: revision("search:1", "ACTIVE"), revisions: [revision("search:1", "ACTIVE")] },
      },
      original: { cart: original.arn, search: revision("search:1", "ACTIVE").arn },
      referenceSize: "undefined/undefined",
      summaries: 1,
      sameSummaryShown: 1,
      appliedRevisions: [],
      deadLettered: false,
    };
    expect(broken(rightsizeFlow as FlowSpec<unknown, unknown>, observation)).toContain("Z8 lost");
    expect(
      broken(rightsizeFlow as FlowSpec<unknown, unknown>, { ...observation, appliedRevisions: ["cart:2"] }),
    ).not.toContain("Z8 lost");
  });
});
