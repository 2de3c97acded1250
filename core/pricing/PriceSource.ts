/**
 * Where a set of prices came from and how old it is: every report names the prices it used with
 * these, so a figure from a 2024 snapshot never reads like today's price.
 */
export interface PriceSource {
  /** What the figures are: `EC2 On-Demand Linux`, `Fargate On-Demand x86_64`, `Fargate Spot x86_64`, … */
  readonly what: string;
  readonly region: string;
  /** `repository@commit:path`, an AWS offer file, `AWS Pricing API GetProducts` or a price file. */
  readonly source: string;
  /** The date the figures are as of (YYYY-MM-DD). */
  readonly asOf: string;
  /** The source's own words about the date, when there is more to it (offer version, effective date). */
  readonly dateDetail?: string;
  /** What to keep in mind when relying on it (a test mock, a floating Spot rate, a third-party snapshot). */
  readonly caveat?: string;
}

const DAY_MS = 86_400_000;

/**
 * Whole days between a source's date and `now`.
 *
 * @example
 * priceAgeDays("2024-04-04", new Date("2026-11-26T08:00:00Z")); // 966
 */
export function priceAgeDays(asOf: string, now: Date): number {
  const from = Date.parse(`${asOf.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(from)) return Number.NaN;
  return Math.max(0, Math.floor((now.getTime() - from) / DAY_MS));
}

/** `as of 2024-04-04, 966 days old`. */
export function describeAge(asOf: string, now: Date): string {
  const days = priceAgeDays(asOf, now);
  return `as of ${asOf.slice(0, 10)}, ${Number.isNaN(days) ? "age unknown" : `${days} day${days === 1 ? "" : "s"} old`}`;
}

/** One line per source: `EC2 On-Demand Linux eu-west-1: vantage-sh/ec2instances.info@a19cd85 (as of 2024-04-04, 966 days old; <caveat>)`. */
export function describePriceSource(source: PriceSource, now: Date): string {
  return `${source.what} ${source.region}: ${shortSource(source.source)} (${describeAge(source.asOf, now)}${source.caveat ? `; ${source.caveat}` : ""})`;
}

/** `owner/repo@abcdef1:path` with the commit shortened; other sources unchanged. */
export function shortSource(source: string): string {
  return source.replace(/@([0-9a-f]{7})[0-9a-f]{33}:/, "@$1:");
}

/** The same sources, once each (several figures often share one). */
export function distinctSources(sources: readonly PriceSource[]): PriceSource[] {
  const seen = new Map<string, PriceSource>();
  for (const s of sources) seen.set(`${s.what}|${s.region}|${s.source}|${s.asOf}`, s);
  return [...seen.values()];
}
