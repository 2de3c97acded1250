/**
 * Proof (a) of the permissions (core/iam): every AWS call each deployed function makes anywhere
 * in the test suite is allowed by that function's statements — action, resource and conditions,
 * including what AWS checks beyond the called action (iam:PassRole and tag-on-create for
 * RegisterTaskDefinition, what Application Auto Scaling checks on the caller) — and the
 * statements grant nothing the suite never needed.
 *
 * The suite records as it runs (test/setup/recordAwsCalls.ts); this project runs after it
 * (vitest.config.ts, groupOrder). Run on its own, it first runs the suite into a folder of its own.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { AUTOPILOT_FUNCTIONS, type AutopilotFunction, policyDocument } from "../../core/iam/index.ts";
import { TEST_ACCOUNT } from "../support/iam/authorizations.ts";
import { allowingStatement } from "../support/iam/evaluate.ts";
import { OWN, type RecordedAuthorization, readRecordings, recordingRun } from "../support/iam/recordings.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** The roles the suite's task definitions name, as a team would list them in deploy.passRoles. */
const TEST_PASS_ROLES = [`arn:aws:iam::${TEST_ACCOUNT}:role/ecsTaskExecutionRole`];

/**
 * Actions a statement grants that no test makes, each with why it stays. Anything granted and
 * neither exercised nor listed here fails the last test: the statements shrink with the code.
 */
const NOT_EXERCISED: Readonly<Record<string, string>> = {
  "ssm:GetParameter":
    "tests pass the config inline; reading it from SSM is tested in test/integration/config (not as a function)",
  "ecs:DeregisterTaskDefinition@redeploy":
    "the roll-out deregisters only when UpdateService fails; moto never fails it (test/integration/redeploy/applyFailure injects the failure on a mocked client)",
  "ecs:DeregisterTaskDefinition@rightsize": "as for redeploy: only after a failed UpdateService",
  "ecs:DescribeTasks@policy":
    "the audit describes running tasks, and moto never runs any (ListTasks is empty: README, moto's gaps)",
  "sqs:ReceiveMessage@notify":
    "called by Lambda's event source mapping with the role, not by the function's code",
  "sqs:DeleteMessage@notify":
    "called by Lambda's event source mapping with the role, not by the function's code",
  "sqs:GetQueueAttributes@notify":
    "called by Lambda's event source mapping with the role, not by the function's code",
  "ecs:ListTaskDefinitions@redeploy":
    "a roll-out looks for an earlier attempt's revision only after a lost reply; test/integration/ecs/rollOut.test.ts drives rollOut itself, outside a function (right-sizing's resumed roll-outs do record it)",
  "dynamodb:GetItem@schedule":
    "a lease is read only when taking it finds one already there (core/state/leases.ts): a concurrent tell-once",
  "dynamodb:GetItem@rightsize":
    "as for schedule: a lease found already taken (a duplicate event, a concurrent run)",
  "dynamodb:DeleteItem@rightsize":
    "a lease is released only after a failed run, so that its retry can take it",
  "dynamodb:GetItem@policy":
    "as for schedule: a rollback's service lease found already taken (a roll-out under way)",
  "dynamodb:GetItem@notify": "as for schedule: a message's posting lease found already taken",
  "dynamodb:DeleteItem@notify": "a posting lease is released only when Slack refused the message",
  "pricing:GetProducts@rightsize":
    "moto has no Pricing API; the client is tested against a local server answering real GetProducts shapes (test/unit/rightsize/pricingApi.test.ts), outside a function",
};

async function recordingsOfThisRun(): Promise<RecordedAuthorization[]> {
  if (recordingRun() === process.ppid) return readRecordings();
  // Not part of a whole run: run the suite into a folder of its own, then read that.
  const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-aws-calls-"));
  await promisify(execFile)("npx", ["vitest", "run", "--project", "suite", "--reporter", "dot"], {
    cwd: ROOT,
    env: { ...process.env, AUTOPILOT_AWS_CALLS_DIR: dir },
    maxBuffer: 64 * 1024 * 1024,
  });
  return readRecordings(dir);
}

const documentFor = (fn: AutopilotFunction, region: string) =>
  policyDocument(
    fn,
    { acting: true, passRoles: TEST_PASS_ROLES },
    {
      partition: "aws",
      region,
      account: TEST_ACCOUNT,
      stateTable: OWN.stateTable,
      deadLetterQueue: OWN.deadLetterQueue,
      outboxQueue: OWN.outboxQueue,
      configParameter: "ecs-autopilot-test-config",
    },
  );

describe("IAM proof (a): every AWS call a function makes in the test suite is allowed by its statements", () => {
  let recordings: RecordedAuthorization[];

  beforeAll(async () => {
    recordings = await recordingsOfThisRun();
  }, 900_000);

  it("saw calls of every function (the suite exercised each one)", () => {
    const seen = new Set(recordings.map((r) => r.fn));
    expect(AUTOPILOT_FUNCTIONS.filter((fn) => !seen.has(fn))).toEqual([]);
    expect([...seen].filter((fn) => !(AUTOPILOT_FUNCTIONS as readonly string[]).includes(fn))).toEqual([]);
    expect(recordings.length).toBeGreaterThan(100);
  });

  it("knows what IAM checks for every call it saw", () => {
    expect(recordings.filter((r) => r.unmodelled).map((r) => `${r.fn}: ${r.unmodelled} (${r.file})`)).toEqual(
      [],
    );
  });

  it("allows each call: action, resource and condition keys", () => {
    const denied = recordings
      .filter((r) => r.action && r.resource)
      .filter(
        (r) =>
          !allowingStatement(documentFor(r.fn as AutopilotFunction, r.region ?? "eu-west-1"), {
            action: r.action ?? "",
            resource: r.resource ?? "",
            context: r.context ?? {},
          }),
      )
      .map((r) => `${r.fn}: ${r.action} on ${r.resource} ${JSON.stringify(r.context)} (${r.op}, ${r.file})`);
    expect([...new Set(denied)]).toEqual([]);
  });

  it("grants no action the suite never needed (or says why it stays)", () => {
    const unused: string[] = [];
    for (const fn of AUTOPILOT_FUNCTIONS) {
      const used = new Set(recordings.filter((r) => r.fn === fn).map((r) => r.action?.toLowerCase()));
      for (const statement of documentFor(fn, "eu-west-1").Statement)
        for (const action of statement.Action)
          if (!used.has(action.toLowerCase()) && !NOT_EXERCISED[action] && !NOT_EXERCISED[`${action}@${fn}`])
            unused.push(`${fn}: ${action} (${statement.Sid})`);
    }
    expect(unused).toEqual([]);
  });
});
