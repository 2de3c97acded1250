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
