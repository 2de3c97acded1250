import { BUNDLED_PRICE_TABLES } from "./bundledPrices.generated.ts";
import type { PriceSource } from "./PriceSource.ts";
import type { FargateArchitecture, PriceTables, TableSource } from "./PriceTables.ts";

/** $ per vCPU-hour and per GB-hour of a Fargate task. */
export interface FargateRate {
  readonly vcpuHour: number;
  readonly gbHour: number;
}

export type TaskArchitecture = "X86_64" | "ARM64";

/**
 * What to keep in mind about each source of the bundled tables (core/pricing/data/SOURCES.md says
 * how each was obtained); carried into every report that uses its figures.
 */
const CAVEATS: ReadonlyArray<readonly [prefix: string, caveat: string]> = [
  [
    "aws/karpenter-provider-aws@",
    "AWS Pricing API figures as generated into Karpenter's source (Linux, shared tenancy, On-Demand)",
  ],
  [
    "vantage-sh/ec2instances.info@",
    "third-party snapshot (ec2instances.info via an opsZero pull request, not on main); check today's price before acting",
  ],
  ["opencost/opencost@", "an unmodified AWS AmazonECS offer file (Price List Bulk API)"],
  [
    "theuves/fgcalc@",
    "third-party table (its README says MIT, no LICENSE file); its header says it was checked against the AmazonECS Price List Bulk API",
  ],
  [
    "ligoj/plugin-prov-aws@",
    "AWS offer rows kept in a test mock (a sibling mock changes prices on purpose); single source",
  ],
  ["AWS Price List Bulk API", "AWS's public offer file"],
];

function caveatOf(source: string, sourceDate: string): string | undefined {
  const base = CAVEATS.find(([prefix]) => source.startsWith(prefix))?.[1];
  const spot = /spot rates float/i.test(sourceDate) ? "Spot prices float; this is a snapshot" : undefined;
  return [base, spot].filter(Boolean).join("; ") || undefined;
}

/** A table source as a {@link PriceSource} for `what` in `region`. */
function priceSource(what: string, region: string, from: TableSource): PriceSource {
  const asOf = from.sourceDate.slice(0, 10);
  const caveat = caveatOf(from.source, from.sourceDate);
  return {
    what,
    region,
    source: from.source,
    asOf,
    ...(from.sourceDate.length > 10 ? { dateDetail: from.sourceDate } : {}),
    ...(caveat ? { caveat } : {}),
  };
}

/** A price and where it came from. */
export interface SourcedPrice<T> {
  readonly price: T;
  readonly source: PriceSource;
}

/**
 * The bundled prices (core/pricing/data, compiled by `npm run prices:update`): EC2 On-Demand Linux
 * for 17 families in 31 regions, Fargate On-Demand x86 in 22 regions, ARM in us-east-1 and
 * eu-west-1, Fargate Spot x86 in 22 regions, ephemeral storage in two. Every lookup returns the
 * source and date of the figure.
 *
 * @example
 * bundledPrices.ec2("eu-west-1", "m6i.xlarge"); // { price: 0.214, source: { source: "vantage-sh/ec2instances.info@…", asOf: "2024-04-04", … } }
 */
export class BundledPrices {
  constructor(private readonly tables: PriceTables = BUNDLED_PRICE_TABLES) {}

  /** Regions with any bundled price. */
  regions(): string[] {
    return [
      ...new Set([...Object.keys(this.tables.ec2), ...this.tables.fargate.map(([region]) => region)]),
    ].sort();
  }

  #source(index: number): TableSource {
    const source = this.tables.sources[index];
    if (!source) throw new Error(`bundled price tables: no source #${index}`);
    return source;
  }

  /** Linux On-Demand $/hour of an instance type in a region. */
  ec2(region: string, instanceType: string): SourcedPrice<number> | undefined {
    const row = this.tables.ec2[region]?.find(([type]) => type === instanceType);
    return row
      ? { price: row[1], source: priceSource("EC2 On-Demand Linux", region, this.#source(row[2])) }
      : undefined;
  }

  /** Every bundled EC2 price of a region, with the sources they came from. */
  ec2Region(region: string): { prices: Map<string, number>; sources: PriceSource[] } {
    const rows = this.tables.ec2[region] ?? [];
    const sources = new Map<number, PriceSource>();
    for (const [, , index] of rows)
      if (!sources.has(index))
        sources.set(index, priceSource("EC2 On-Demand Linux", region, this.#source(index)));
    return { prices: new Map(rows.map(([type, usd]) => [type, usd])), sources: [...sources.values()] };
  }

  /** The Fargate rate of a region for an architecture, On-Demand or Spot. */
  fargate(
    region: string,
    architecture: TaskArchitecture,
    capacity: "on-demand" | "spot" = "on-demand",
  ): SourcedPrice<FargateRate> | undefined {
    const arch: FargateArchitecture = architecture === "ARM64" ? "arm64" : "x86_64";
    const row = this.tables.fargate.find(([r, a, c]) => r === region && a === arch && c === capacity);
    if (!row) return undefined;
    const what = `Fargate ${capacity === "spot" ? "Spot" : "On-Demand"} ${arch}`;
    return {
      price: { vcpuHour: row[3], gbHour: row[4] },
      source: priceSource(what, region, this.#source(row[5])),
    };
  }

  /** Fargate ephemeral storage above the included 20 GB, $ per GB-hour. */
  ephemeralStorage(region: string): SourcedPrice<number> | undefined {
    const row = this.tables.ephemeralStorage.find(([r]) => r === region);
    return row
      ? { price: row[1], source: priceSource("Fargate ephemeral storage", region, this.#source(row[2])) }
      : undefined;
  }
}

/** The bundled tables of this build. */
export const bundledPrices = new BundledPrices();
