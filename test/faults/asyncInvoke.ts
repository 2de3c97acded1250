/**
 * Lambda's asynchronous invocation (how EventBridge invokes every ecs-autopilot function),
 * emulated: the event is delivered; if the handler throws or runs past the function's timeout,
 * Lambda invokes it again, up to `retries` more times (the functions are deployed with
 * `retries: 2`, infra/shared.ts), then sends the event to the on-failure destination (the DLQ).
 *
 * Lambda waits one minute before the second attempt and two before the third ("How Lambda
 * handles errors and retries with asynchronous invocation", AWS Lambda Developer Guide). The
 * harness waits them after a timeout, where it matters — an invocation cut off at its deadline
 * releases nothing, its leases run out by themselves — and retries at once after a throw, where
 * the handler gave its leases back and waiting would only add time.
 *
 * A timeout is what Lambda does to it: the invocation is cut off at its deadline (`onTimeout`
 * makes sure nothing it still sends reaches AWS or Slack) and the retry starts in a new execution
 * environment, as Lambda does after a timeout.
 */
import type { Context } from "aws-lambda";
import type { LambdaHandler } from "../../runtime/rejectInvalidEvents.ts";

export interface Invocation {
  readonly attempt: number;
  readonly outcome: "returned" | "threw" | "timed-out";
  readonly response?: unknown;
  readonly error?: string;
  readonly ms: number;
  /** The execution environment that ran it. */
  readonly environment: number;
}

export interface AsyncDelivery {
  readonly invocations: readonly Invocation[];
  /** Every attempt failed: Lambda sends the event to the DLQ. */
  readonly deadLettered: boolean;
}

/** A Lambda execution environment: its handler, built once (cold start), and its id. */
export interface Environment {
  readonly id: number;
  readonly handler: LambdaHandler;
}

/** The environments of one function: the current one is reused while warm. */
export interface Environments {
  /** The current environment; a new one after {@link discard}. */
  current(): Environment;
  discard(): void;
}

let environmentIds = 0;

/**
 * Environments whose handlers `build` makes, given the new environment's id (e.g. to tag its
 * AWS clients): `environments((id) => createRedeployHandler(createRuntime("redeploy", …)))`.
 */
export function environments(build: (id: number) => LambdaHandler): Environments {
  let current: Environment | undefined;
  return {
    current: () => {
      if (!current) {
        const id = ++environmentIds;
        current = { id, handler: build(id) };
      }
      return current;
    },
    discard: () => {
      current = undefined;
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

/** Lambda's waits before the 2nd and the 3rd attempt of an asynchronous invocation. */
export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

export interface DeliveryOptions {
  readonly functionName: string;
  readonly timeoutMs: number;
  /** Lambda's `MaximumRetryAttempts` for asynchronous invocations. */
  readonly retries: number;
  /** Waits before each retry that follows a timeout (default {@link LAMBDA_RETRY_DELAYS_MS}). */
  readonly retryDelaysMs?: readonly number[];
  /** An invocation starts and ends in environment `id` (calls it makes outside are its own). */
  readonly started?: (id: number) => void;
  readonly ended?: (id: number) => void;
  /**
   * The invocation in environment `id` ran past its deadline: make sure nothing it still does
   * reaches AWS or Slack. `running` settles when the orphaned handler does.
   */
  readonly cutOff: (id: number, running: Promise<unknown>) => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers one event with Lambda's asynchronous semantics.
 *
 * @example
 * const delivery = await deliverAsync(event, environments(build), { functionName: "redeploy", timeoutMs: 120_000, retries: 2, cutOff });
 * delivery.deadLettered; // true when every attempt failed
 */
export async function deliverAsync(
  event: unknown,
  env: Environments,
  options: DeliveryOptions,
): Promise<AsyncDelivery> {
  const invocations: Invocation[] = [];
  const delays = options.retryDelaysMs ?? LAMBDA_RETRY_DELAYS_MS;
  for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
    const previous = invocations[invocations.length - 1];
    if (previous?.outcome === "timed-out") await sleep(delays[attempt - 2] ?? 0);
    const environment = env.current();
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    options.started?.(environment.id);
    const running = environment
      .handler(structuredClone(event), lambdaContext(options.functionName, deadline))
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
      await options.cutOff(environment.id, running);
      env.discard();
      invocations.push({
        attempt,
        outcome: "timed-out",
        ms: Date.now() - started,
        environment: environment.id,
      });
      continue;
    }
    options.ended?.(environment.id);
    const ms = Date.now() - started;
    if (first.kind === "returned") {
      invocations.push({
        attempt,
        outcome: "returned",
        response: first.response,
        ms,
        environment: environment.id,
      });
      return { invocations, deadLettered: false };
    }
    invocations.push({
      attempt,
      outcome: "threw",
      error: describe(first.error),
      ms,
      environment: environment.id,
    });
  }
  return { invocations, deadLettered: true };
}
