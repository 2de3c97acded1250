/**
 * Maps over items with at most `limit` calls in flight: fast on a large fleet without bursting
 * past ECS API rate limits (the SDK's adaptive retries handle the rest).
 *
 * When `fn` throws, no further item is started and the first error is thrown once the calls in
 * flight have settled: nothing keeps calling AWS after the caller has failed (in Lambda, after
 * the invocation ended — the frozen environment would resume those calls in a later one).
 *
 * @example
 * const described = await mapWithConcurrency(arns, 5, (arn) => describe(arn));
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Splits a list into chunks of at most `size` (DescribeServices takes 10, BatchWriteItem 25). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
