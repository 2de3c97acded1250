import type { PricingClient } from "@aws-sdk/client-pricing";
import { z } from "zod";
import { FARGATE_PRICE_SOURCE, FARGATE_PRICES } from "../pricing/fargatePrices.ts";
import { fetchEc2Hourly, fetchFargateRates } from "../pricing/pricingApi.ts";
import type { PriceBook } from "./recommend.ts";

/** Instance types considered for EC2 capacity: current general, compute and memory families, x86 and Graviton. */
export const CANDIDATE_INSTANCE_TYPES: readonly string[] = ["m6i", "m7g", "c6i", "c7g", "r6i", "r7g"].flatMap(
  (family) => ["large", "xlarge", "2xlarge", "4xlarge"].map((size) => `${family}.${size}`),
);

/** AWS advertises Fargate Spot at up to 70% off; configurable because the real discount varies. */
export const DEFAULT_SPOT_DISCOUNT = 0.7;

/** The bundled prices: Fargate where sourced (see core/pricing/fargatePrices.ts); no EC2 prices are bundled. */
export function bundledPriceBook(region: string): PriceBook {
  return {
    region,
    fargate: FARGATE_PRICES[region] ?? {},
    fargateSpotDiscount: DEFAULT_SPOT_DISCOUNT,
    ec2: new Map(),
    source: `bundled: ${FARGATE_PRICES[region] ? FARGATE_PRICE_SOURCE : `no Fargate price for ${region}`}; no EC2 prices (they come from the Pricing API)`,
  };
}

/**
 * Prices from the AWS Pricing API (GetProducts), with the bundled ones where the API has none.
 * The Pricing API answers from us-east-1 (and eu-central-1, ap-south-1) for every region.
 */
export async function livePriceBook(
  pricing: PricingClient,
  region: string,
  instanceTypes: readonly string[] = CANDIDATE_INSTANCE_TYPES,
): Promise<PriceBook> {
  const bundled = bundledPriceBook(region);
  const fargate = await fetchFargateRates(pricing, region);
  const ec2 = await fetchEc2Hourly(pricing, region, instanceTypes);
  return {
    region,
    fargate: { ...bundled.fargate, ...fargate },
    fargateSpotDiscount: DEFAULT_SPOT_DISCOUNT,
    ec2,
    source: `AWS Pricing API GetProducts, ${new Date().toISOString().slice(0, 10)} (${Object.keys(fargate).length} Fargate rates, ${ec2.size} EC2 prices)`,
  };
}

const rate = z.strictObject({ vcpuHour: z.number().positive(), gbHour: z.number().positive() });
const priceFile = z.strictObject({
  region: z.string().optional(),
  fargate: z.strictObject({ X86_64: rate.optional(), ARM64: rate.optional() }).optional(),
  fargateSpotDiscount: z.number().min(0).max(1).optional(),
  ec2: z
    .record(
      z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, "an instance type such as m6i.large"),
      z.number().positive(),
    )
    .optional(),
  source: z.string().optional(),
});

/**
 * A price book from JSON (`--prices FILE`): `{ fargate: { X86_64: { vcpuHour, gbHour } }, fargateSpotDiscount,
 * ec2: { "m6i.large": 0.096 }, source }`. Throws naming the first wrong field, e.g. `ec2.m6i.large: expected number`.
 */
export function priceBookFromJson(region: string, value: unknown): PriceBook {
  const parsed = priceFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}`);
  }
  const file = parsed.data;
  if (file.region && file.region !== region)
    throw new Error(`region: the file prices ${file.region}, the fleet is in ${region}`);
  return {
    region,
    fargate: file.fargate ?? {},
    fargateSpotDiscount: file.fargateSpotDiscount ?? DEFAULT_SPOT_DISCOUNT,
    ec2: new Map(Object.entries(file.ec2 ?? {})),
    source: file.source ?? "price file",
  };
}
