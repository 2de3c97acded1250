import { type Filter, type PricingClient, paginateGetProducts } from "@aws-sdk/client-pricing";
import type { FargateRate } from "./fargatePrices.ts";

/** One product of a GetProducts price list, as the Pricing API serialises it (a JSON string). */
interface PriceListItem {
  readonly product?: { readonly attributes?: Readonly<Record<string, string>> };
  readonly terms?: {
    readonly OnDemand?: Readonly<
      Record<
        string,
        {
          readonly priceDimensions?: Readonly<
            Record<string, { readonly unit?: string; readonly pricePerUnit?: { readonly USD?: string } }>
          >;
        }
      >
    >;
  };
}

/** The on-demand USD price of a price-list item (its first price dimension). */
export function onDemandUsd(item: PriceListItem): number | undefined {
  for (const term of Object.values(item.terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(dimension.pricePerUnit?.USD);
      if (Number.isFinite(usd)) return usd;
    }
  }
  return undefined;
}

async function products(
  pricing: PricingClient,
  serviceCode: string,
  filters: Filter[],
): Promise<PriceListItem[]> {
  const items: PriceListItem[] = [];
  for await (const page of paginateGetProducts(
    { client: pricing },
    { ServiceCode: serviceCode, Filters: filters, FormatVersion: "aws_v1", MaxResults: 100 },
  )) {
    for (const raw of page.PriceList ?? []) items.push(JSON.parse(raw as string) as PriceListItem);
  }
  return items;
}

/**
 * Fargate Linux on-demand rates of a region from the Pricing API (`AmazonECS` products whose
 * usage type is `<REGION>-Fargate-vCPU-Hours:perCPU`, `-Fargate-GB-Hours` and the `-ARM-`
 * variants). The Pricing API answers from us-east-1, eu-central-1 and ap-south-1 only.
 */
export async function fetchFargateRates(
  pricing: PricingClient,
  region: string,
): Promise<Partial<Record<"X86_64" | "ARM64", FargateRate>>> {
  const found: Record<string, number> = {};
  for (const item of await products(pricing, "AmazonECS", [
    { Type: "TERM_MATCH", Field: "regionCode", Value: region },
  ])) {
    const usage = item.product?.attributes?.usagetype ?? "";
    const price = onDemandUsd(item);
    const kind = /-Fargate-(ARM-)?(vCPU-Hours:perCPU|GB-Hours)$/.exec(usage);
    if (price !== undefined && kind)
      found[`${kind[1] ? "ARM64" : "X86_64"}:${kind[2]?.startsWith("vCPU") ? "vcpu" : "gb"}`] = price;
  }
  const rate = (arch: string): FargateRate | undefined => {
    const vcpuHour = found[`${arch}:vcpu`];
    const gbHour = found[`${arch}:gb`];
    return vcpuHour !== undefined && gbHour !== undefined ? { vcpuHour, gbHour } : undefined;
  };
  const x86 = rate("X86_64");
  const arm = rate("ARM64");
  return { ...(x86 ? { X86_64: x86 } : {}), ...(arm ? { ARM64: arm } : {}) };
}

/** Linux, shared-tenancy on-demand hourly prices of EC2 instance types in a region. */
export async function fetchEc2Hourly(
  pricing: PricingClient,
  region: string,
  instanceTypes: readonly string[],
): Promise<Map<string, number>> {
  const prices = new Map<string, number>();
  for (const instanceType of instanceTypes) {
    const items = await products(pricing, "AmazonEC2", [
      { Type: "TERM_MATCH", Field: "regionCode", Value: region },
      { Type: "TERM_MATCH", Field: "instanceType", Value: instanceType },
      { Type: "TERM_MATCH", Field: "operatingSystem", Value: "Linux" },
      { Type: "TERM_MATCH", Field: "tenancy", Value: "Shared" },
      { Type: "TERM_MATCH", Field: "preInstalledSw", Value: "NA" },
      { Type: "TERM_MATCH", Field: "capacitystatus", Value: "Used" },
    ]);
    const price = items.map(onDemandUsd).find((p): p is number => p !== undefined && p > 0);
    if (price !== undefined) prices.set(instanceType, price);
  }
  return prices;
}
