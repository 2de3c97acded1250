import { AsyncLocalStorage } from "node:async_hooks";

/** One AWS API call as a client made it: what was asked, and what came back. */
export interface ApiCall {
  /** The counter's service name: `ECS`, `DynamoDB`, `ApplicationAutoScaling`, … */
  readonly service: string;
  /** The operation without `Command`: `DescribeServices`. */
  readonly operation: string;
  /** The client's region. */
  readonly region: string;
  /** The request as the client sent it (DynamoDB: marshalled, with `TableName`). */
  readonly input: unknown;
  /** The response, when the call succeeded. */
  readonly output?: unknown;
  /** The error, when it failed. */
  readonly error?: unknown;
  /** The function the call was made for, when it ran inside {@link withFunctionScope}. */
  readonly scope?: string;
  /** Where the call was made from (a stack trace), taken only while an observer listens. */
  readonly stack?: string;
}

/** Hears every call of every counted client, e.g. the test suite's IAM proof. */
export type ApiCallObserver = (call: ApiCall) => void;

const observers = new Set<ApiCallObserver>();
const functionScope = new AsyncLocalStorage<string>();

/**
 * Lets `observer` hear every AWS call made by clients created from now on by `createAwsClients`,
 * `createInsightClients` or `createPricingClient`, counted or not. Returns the way to stop.
 */
export function observeApiCalls(observer: ApiCallObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** True when some observer listens: clients then carry the recording middleware even without a counter. */
export const hasApiCallObservers = (): boolean => observers.size > 0;

/**
 * Runs `work` as `name` (a Lambda function: `redeploy`, `monitor`, …): every AWS call made inside
 * it, through every `await`, is recorded with that scope. The Lambda handler chain runs in one.
 */
export function withFunctionScope<T>(name: string, work: () => T): T {
  return functionScope.run(name, work);
}

/** The function scope of the code running now, if any. */
export const currentFunctionScope = (): string | undefined => functionScope.getStore();

/** The caller's stack, up to 60 frames (async frames included): who made a call. */
export function callerStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error("caller").stack ?? "";
  Error.stackTraceLimit = limit;
  return stack;
}

/** Tells every observer about a call. */
export function notifyApiCall(call: ApiCall): void {
  for (const observer of observers) observer(call);
}

/**
 * Counts AWS API calls per service and operation, fed by a middleware that every client made by
 * {@link createAwsClients} carries. Benchmarks and tests use it to prove how many calls a flow
 * makes per event (for example: a push costs the same with 5 or with 200 unrelated services).
 *
 * @example
 * const counter = new ApiCallCounter();
 * const clients = createAwsClients({ counter });
 * await flow(clients);
 * counter.total(); // 7
 * counter.byOperation(); // { "ECS.DescribeServices": 1, ... }
 */
export class ApiCallCounter {
  readonly #calls = new Map<string, number>();

  record(service: string, operation: string): void {
    const key = `${service}.${operation}`;
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
  }

  total(filter?: (key: string) => boolean): number {
    let sum = 0;
    for (const [key, count] of this.#calls) if (!filter || filter(key)) sum += count;
    return sum;
  }

  byOperation(): Record<string, number> {
    return Object.fromEntries([...this.#calls].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.#calls.clear();
  }
}
