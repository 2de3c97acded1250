/**
 * Records what every AWS call a deployed function would make anywhere in the test suite asks IAM
 * for, so that test/proof/iamCalls.test.ts can check it against that function's statements.
 *
 * Which function made a call: the scope the Lambda handler chain runs in (runtime/flowHandler.ts),
 * else the outermost flow folder on the caller's stack (tests also call core entries such as
 * `reconcileSchedules` directly). Calls made by test code itself (seeding moto) or by the CLI
 * (which runs with the user's credentials, not a function's role) are not a function's.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, expect } from "vitest";
import { type ApiCall, observeApiCalls } from "../../core/aws/index.ts";
import { authorizationsOf } from "../support/iam/authorizations.ts";
import { callsDir, OWN } from "../support/iam/recordings.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

const FLOW_FRAME =
  /\/(core\/(redeploy|policy|schedule|monitor|rightsize|pricing)\/[\w.]+|functions\/[\w-]+)\.ts:/g;

/** The function a call belongs to, from its scope or the outermost flow frame of its stack. */
export function functionOf(call: Pick<ApiCall, "scope" | "stack">): string | undefined {
  if (call.scope) return call.scope;
  const stack = call.stack ?? "";
  if (/\/cli\/[\w-]+\.ts:/.test(stack)) return undefined;
  const frames = [...stack.matchAll(FLOW_FRAME)].map((m) => m[1] ?? "");
  const outermost = frames[frames.length - 1];
  if (!outermost) return undefined;
  if (outermost === "core/redeploy/runServiceIndex" || outermost === "functions/service-index")
    return "service-index";
  if (outermost.startsWith("functions/")) return outermost.slice("functions/".length);
  const folder = outermost.split("/")[1];
  return folder === "pricing" ? "rightsize" : folder;
}

const stateTables = new Set<string>();
const lines = new Set<string>();

function canonical(resource: string): string {
  return resource
    .replace(/:table\/([^/]+)$/, (whole, name: string) =>
      stateTables.has(name) ? `:table/${OWN.stateTable}` : whole,
    )
    .replace(/(:sqs:[^:]+:\d+:)[\w-]*(?:dead-letters|dlq)[\w-]*$/, `$1${OWN.deadLetterQueue}`)
    .replace(/(:sqs:[^:]+:\d+:)[\w-]*outbox[\w-]*$/, `$1${OWN.outboxQueue}`);
}

observeApiCalls((call) => {
  const input = (call.input ?? {}) as Record<string, unknown>;
  if (call.service === "DynamoDB" && call.operation === "CreateTable") {
    const keys = JSON.stringify(input.KeySchema ?? []);
    if (keys.includes('"pk"') && keys.includes('"sk"')) stateTables.add(String(input.TableName));
  }
  const fn = functionOf(call);
  if (!fn) return;
  const requests = authorizationsOf(call);
  const file = (expect.getState().testPath ?? "unknown").replace(`${ROOT}/`, "");
  if (typeof requests === "string") {
    lines.add(JSON.stringify({ fn, op: `${call.service}.${call.operation}`, unmodelled: requests, file }));
    return;
  }
  for (const request of requests)
    lines.add(
      JSON.stringify({
        fn,
        op: `${call.service}.${call.operation}`,
        action: request.action,
        resource: canonical(request.resource),
        context: request.context ?? {},
        region: call.region,
        file,
      }),
    );
});

afterAll(() => {
  if (lines.size === 0) return;
  mkdirSync(callsDir(), { recursive: true });
  appendFileSync(join(callsDir(), `calls-${process.pid}.jsonl`), `${[...lines].join("\n")}\n`);
  lines.clear();
});
