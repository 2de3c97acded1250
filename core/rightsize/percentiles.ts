/**
 * Percentiles computed on our side from per-period values, so the same code works where the
 * metric source offers none (moto) or where the period statistics are all we have.
 * Linear interpolation between closest ranks (the "R-7" definition most tools use).
 *
 * @example
 * percentile([1, 2, 3, 4], 0.5); // 2.5
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (b - a) * (rank - low);
}

export interface Distribution {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  /** Standard deviation over mean: 0 is perfectly steady. */
  readonly variation: number;
  readonly samples: number;
}

export function distribution(values: readonly number[]): Distribution | undefined {
  if (values.length === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return {
    p50: percentile(values, 0.5) ?? 0,
    p95: percentile(values, 0.95) ?? 0,
    p99: percentile(values, 0.99) ?? 0,
    max: Math.max(...values),
    mean,
    variation: mean === 0 ? 0 : Math.sqrt(variance) / mean,
    samples: values.length,
  };
}
