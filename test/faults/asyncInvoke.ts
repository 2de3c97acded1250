/**
 * Lambda's asynchronous invocation (how EventBridge invokes every ecs-autopilot function),
 * emulated: the event is delivered; if the handler throws or runs past the function's timeout,
 * Lambda invokes it again, up to `retries` more times (the functions are deployed with
 * `retries: 2`, infra/shared.ts), then sends the event to the on-failure destination (the DLQ).
 *
 * A timeout is what Lambda does to it: the invocation is cut off at its deadline. The harness
 * freezes the fault proxy and the Slack stand-in at that instant, so nothing the handler does
 * after its deadline reaches AWS or Slack, waits for the orphaned promise to settle, and starts
 * the retry in a new execution environment (a cold start, as Lambda does after a timeout).
 */
import type { Context } from "aws-lambda";
import type { LambdaHandler } from "../../runtime/rejectInvalidEvents.ts";

export interface Invocation {
  readonly attempt: number;
  readonly outcome: "returned" | "threw" | "timed-out";
  readonly response?: unknown;
  readonly error?: string;
  readonly ms: number;
}

export interface AsyncDelivery {
  readonly invocations: readonly Invocation[];
  /** Every attempt failed: Lambda sends the event to the DLQ. */
  readonly deadLettered: boolean;
}

/** A Lambda execution environment: the handler built once (cold start), reused while warm. */
export interface Environments {
  /** The current environment's handler; a new one after {@link discard}. */
  current(): LambdaHandler;
  discard(): void;
}

/** Environments built by `build` (e.g. `() => createRedeployHandler(createRuntime("redeploy"))`). */
export function environments(build: () => LambdaHandler): Environments {
  let handler: LambdaHandler | undefined;
  return {
    current: () => {
      handler ??= build();
      return handler;
    },
    discard: () => {
      handler = undefined;
    },
  };
}

function lambdaContext(functionName: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "fault-harness",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error);

export interface DeliveryOptions {
  readonly functionName: string;
  readonly timeoutMs: number;
  /** Lambda's `MaximumRetryAttempts` for asynchronous invocations. */
  readonly retries: number;
  /** Called at a deadline: stop everything the cut-off invocation would still send. */
  readonly freeze: () => void;
  readonly thaw: () => void;
}

/**
 * Delivers one event with Lambda's asynchronous semantics.
 *
 * @example
 * const delivery = await deliverAsync(event, environments(build), { functionName: "redeploy", timeoutMs: 120_000, retries: 2, freeze, thaw });
 * delivery.deadLettered; // true when every attempt failed
 */
export async function deliverAsync(
  event: unknown,
  env: Environments,
  options: DeliveryOptions,
): Promise<AsyncDelivery> {
  const invocations: Invocation[] = [];
  for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    const running = env
      .current()(structuredClone(event), lambdaContext(options.functionName, deadline))
      .then(
        (response) => ({ kind: "returned" as const, response }),
        (error: unknown) => ({ kind: "threw" as const, error }),
      );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ kind: "timed-out" }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "timed-out" }), options.timeoutMs);
    });
    const first = await Promise.race([running, timedOut]);
    clearTimeout(timer);
    if (first.kind === "timed-out") {
      options.freeze();
      await running;
      options.thaw();
      env.discard();
      invocations.push({ attempt, outcome: "timed-out", ms: Date.now() - started });
      continue;
    }
    const ms = Date.now() - started;
    if (first.kind === "returned") {
      invocations.push({ attempt, outcome: "returned", response: first.response, ms });
      return { invocations, deadLettered: false };
    }
    invocations.push({ attempt, outcome: "threw", error: describe(first.error), ms });
  }
  return { invocations, deadLettered: true };
}
