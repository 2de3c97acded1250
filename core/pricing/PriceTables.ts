/**
 * The shape of the bundled price tables (core/pricing/data/*.tsv, compiled into
 * bundledPrices.generated.ts by `npm run prices:update`). Every figure points at the source it was
 * copied from and that source's date; nothing here is computed or estimated.
 */

/** Where a figure came from: `repository@commit:path` (or an AWS offer file) and its date as written there. */
export interface TableSource {
  readonly source: string;
  /** The date column as the table has it, e.g. `2025-08-28 (AWS AmazonECS offer version …)`. */
  readonly sourceDate: string;
}

export type FargateArchitecture = "x86_64" | "arm64";
export type FargateCapacity = "on-demand" | "spot";

/** One Fargate rate: region, architecture, capacity, $ per vCPU-hour and per GB-hour, index into `sources`. */
export type FargateRateRow = readonly [
  region: string,
  architecture: FargateArchitecture,
  capacity: FargateCapacity,
  usdPerVcpuHour: number,
  usdPerGbHour: number,
  source: number,
];

/** Fargate ephemeral storage above the included 20 GB: region, $ per GB-hour, index into `sources`. */
export type EphemeralStorageRow = readonly [region: string, usdPerGbHour: number, source: number];

/** EC2 Linux on-demand (shared tenancy) $/hour per instance type, one source per row. */
export type Ec2PriceRow = readonly [instanceType: string, usdPerHour: number, source: number];

export interface PriceTables {
  readonly sources: readonly TableSource[];
  /** Per region, its EC2 rows. */
  readonly ec2: Readonly<Record<string, readonly Ec2PriceRow[]>>;
  readonly fargate: readonly FargateRateRow[];
  readonly ephemeralStorage: readonly EphemeralStorageRow[];
}
