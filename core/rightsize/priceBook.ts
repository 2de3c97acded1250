import { AutopilotError } from "../errors.ts";
import { bundledPrices, type FargateRate, type TaskArchitecture } from "../pricing/bundledPrices.ts";
import { distinctSources, type PriceSource, shortSource } from "../pricing/PriceSource.ts";
import * as z from "../zod.ts";

/** The prices a recommendation is made with, and where each came from. */
export interface PriceBook {
  readonly region: string;
  /** Fargate On-Demand rates per architecture. */
  readonly fargate: Partial<Record<TaskArchitecture, FargateRate>>;
  /** Fargate Spot rates (x86 only: Fargate Spot does not run ARM64 tasks). */
  readonly fargateSpot?: Partial<Record<"X86_64", FargateRate>>;
  /** Only from a price file without Spot rates: the share Spot takes off the On-Demand price. */
  readonly fargateSpotDiscount?: number;
  /** Linux On-Demand $/hour per instance type. */
  readonly ec2: ReadonlyMap<string, number>;
  /** Fargate ephemeral storage above the included 20 GB, $ per GB-hour. */
  readonly fargateEphemeralGbHour?: number;
  /** One line naming the prices (what `prices.source` of the JSON report has always said). */
  readonly source: string;
  /** Every source of the figures with its date: what the reports list, with each one's age. */
  readonly sources?: readonly PriceSource[];
}

/**
 * The instance families considered for EC2 capacity: general, compute and memory optimised,
 * x86 (m5/c5/r5, m6i/c6i/r6i, m7i/c7i/r7i) and Graviton (m6g/c6g/r6g, m7g/c7g/r7g). Burstable
 * t3/t4g are bundled too but left out: sustained container load spends CPU credits and then
 * costs more than the list price says.
 */
export const CANDIDATE_FAMILIES: readonly string[] = [
  "m5",
  "c5",
  "r5",
  "m6i",
  "c6i",
  "r6i",
  "m7i",
  "c7i",
  "r7i",
  "m6g",
  "c6g",
  "r6g",
  "m7g",
  "c7g",
  "r7g",
];
const CANDIDATE_SIZES = new Set(["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]);

/** The candidate instance types among those a price book prices (sizes large to 8xlarge). */
export function candidateInstanceTypes(prices: PriceBook): string[] {
  return [...prices.ec2.keys()]
    .filter((type) => {
      const [family = "", size = ""] = type.split(".");
      return CANDIDATE_FAMILIES.includes(family) && CANDIDATE_SIZES.has(size);
    })
    .sort();
}

/** The sources as one line for `prices.source`: `bundled: EC2 … (2024-04-04); Fargate … (2026-09-29)`. */
function summarise(prefix: string, sources: readonly PriceSource[]): string {
  return `${prefix}: ${distinctSources(sources)
    .map((s) => `${s.what} ${shortSource(s.source)} (${s.asOf})`)
    .join("; ")}`;
}

/**
 * The bundled prices of a region (core/pricing/data): EC2 On-Demand, Fargate On-Demand x86/ARM
 * and Spot x86, each with its source and date. A region without bundled prices gets an empty book
 * that says so.
 */
export function bundledPriceBook(region: string): PriceBook {
  const ec2 = bundledPrices.ec2Region(region);
  const x86 = bundledPrices.fargate(region, "X86_64");
  const arm = bundledPrices.fargate(region, "ARM64");
  const spot = bundledPrices.fargate(region, "X86_64", "spot");
  const ephemeral = bundledPrices.ephemeralStorage(region);
  const sources = [...ec2.sources, ...[x86, arm, spot, ephemeral].flatMap((s) => (s ? [s.source] : []))];
  return {
    region,
    fargate: { ...(x86 ? { X86_64: x86.price } : {}), ...(arm ? { ARM64: arm.price } : {}) },
    fargateSpot: spot ? { X86_64: spot.price } : {},
    ec2: ec2.prices,
    ...(ephemeral ? { fargateEphemeralGbHour: ephemeral.price } : {}),
    sources,
    source: sources.length > 0 ? summarise("bundled", sources) : `bundled: no prices for ${region}`,
  };
}

/**
 * The EC2 instance types a live price book asks the Pricing API for: the candidates among the
 * region's bundled prices, or among us-east-1's for a region without bundled EC2 prices.
 */
export function liveInstanceTypes(bundled: PriceBook): string[] {
  return candidateInstanceTypes(bundled.ec2.size > 0 ? bundled : bundledPriceBook("us-east-1"));
}

/** What the Pricing API answered for a region (pricingApi.ts), each with its price list's publication date. */
export interface LiveAnswers {
  readonly fargate: {
    readonly rates: Partial<Record<TaskArchitecture, FargateRate>>;
    readonly publicationDate?: string;
  };
  readonly ec2: { readonly prices: ReadonlyMap<string, number>; readonly publicationDate?: string };
}

/**
 * The price book of the Pricing API's answers, with the bundled prices where the API has none:
 * Fargate Spot (never in it), ephemeral storage, a Fargate architecture it did not price, and EC2
 * when it priced no instance type. Every figure's source says which it is; an answer without a
 * publication date is dated `today` (YYYY-MM-DD).
 */
export function livePriceBookFrom(bundled: PriceBook, answers: LiveAnswers, today: string): PriceBook {
  const { region } = bundled;
  const { fargate, ec2 } = answers;
  const api = (what: string, date: string | undefined): PriceSource => ({
    what,
    region,
    source: "AWS Pricing API GetProducts",
    asOf: date ?? today,
    ...(date ? { dateDetail: `price list published ${date}` } : {}),
  });
  const archs = Object.keys(fargate.rates) as TaskArchitecture[];
  const sources = [
    ...(ec2.prices.size > 0
      ? [api("EC2 On-Demand Linux", ec2.publicationDate)]
      : (bundled.sources ?? []).filter((s) => s.what.startsWith("EC2"))),
    ...archs.map((arch) =>
      api(`Fargate On-Demand ${arch === "ARM64" ? "arm64" : "x86_64"}`, fargate.publicationDate),
    ),
    ...(bundled.sources ?? []).filter(
      (s) =>
        s.what.startsWith("Fargate Spot") ||
        s.what.startsWith("Fargate ephemeral") ||
        (s.what.startsWith("Fargate On-Demand") &&
          !archs.some((a) => s.what.endsWith(a === "ARM64" ? "arm64" : "x86_64"))),
    ),
  ];
  return {
    region,
    fargate: { ...bundled.fargate, ...fargate.rates },
    ...(bundled.fargateSpot ? { fargateSpot: bundled.fargateSpot } : {}),
    ...(bundled.fargateEphemeralGbHour !== undefined
      ? { fargateEphemeralGbHour: bundled.fargateEphemeralGbHour }
      : {}),
    ec2: ec2.prices.size > 0 ? ec2.prices : bundled.ec2,
    sources,
    source: summarise("AWS Pricing API GetProducts and bundled", sources),
  };
}

const rate = z.strictObject({
  vcpuHour: z.number().check(z.positive()),
  gbHour: z.number().check(z.positive()),
});
const priceFile = z.strictObject({
  region: z.optional(z.string()),
  fargate: z.optional(z.strictObject({ X86_64: z.optional(rate), ARM64: z.optional(rate) })),
  fargateSpot: z.optional(z.strictObject({ X86_64: z.optional(rate) })),
  fargateSpotDiscount: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  ec2: z.optional(
    z.record(
      z.string().check(z.regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, "an instance type such as m6i.large")),
      z.number().check(z.positive()),
    ),
  ),
  source: z.optional(z.string()),
  asOf: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD"))),
});

/** A price file (`--prices FILE`) that is not a price book: names the field that is wrong. */
export class PriceFileError extends AutopilotError {
  readonly code = "price-file-invalid";
}

/**
 * A price book from JSON (`--prices FILE`): `{ fargate: { X86_64: { vcpuHour, gbHour } }, fargateSpot,
 * fargateSpotDiscount, ec2: { "m6i.large": 0.096 }, source, asOf }`. Throws naming the first wrong field,
 * e.g. `ec2.m6i.large: expected number`.
 */
export function priceBookFromJson(region: string, value: unknown): PriceBook {
  const parsed = priceFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // A wrong instance type is a wrong record key: its rule's message is in the issue zod wraps.
    const message = issue?.code === "invalid_key" ? issue.issues[0]?.message : issue?.message;
    throw new PriceFileError(`${issue?.path.join(".") || "(top level)"}: ${message ?? "invalid"}`);
  }
  const file = parsed.data;
  if (file.region && file.region !== region)
    throw new PriceFileError(`region: the file prices ${file.region}, the fleet is in ${region}`);
  const source = file.source ?? "price file";
  const fileSource = (what: string): PriceSource => ({
    what,
    region,
    source,
    asOf: file.asOf ?? "unknown",
    caveat: file.asOf ? "from a price file" : "from a price file that gives no date (asOf)",
  });
  return {
    region,
    fargate: file.fargate ?? {},
    ...(file.fargateSpot ? { fargateSpot: file.fargateSpot } : {}),
    ...(file.fargateSpotDiscount !== undefined ? { fargateSpotDiscount: file.fargateSpotDiscount } : {}),
    ec2: new Map(Object.entries(file.ec2 ?? {})),
    sources: [
      ...(file.ec2 ? [fileSource("EC2 On-Demand Linux")] : []),
      ...(file.fargate ? [fileSource("Fargate On-Demand")] : []),
      ...(file.fargateSpot || file.fargateSpotDiscount !== undefined ? [fileSource("Fargate Spot")] : []),
    ],
    source,
  };
}

/** The Fargate Spot rate a book has for x86 tasks: a sourced rate, else the file's discount off On-Demand. */
export function fargateSpotRate(prices: PriceBook): FargateRate | undefined {
  const spot = prices.fargateSpot?.X86_64;
  if (spot) return spot;
  const onDemand = prices.fargate.X86_64;
  if (!onDemand || prices.fargateSpotDiscount === undefined) return undefined;
  const keep = 1 - prices.fargateSpotDiscount;
  return { vcpuHour: onDemand.vcpuHour * keep, gbHour: onDemand.gbHour * keep };
}
