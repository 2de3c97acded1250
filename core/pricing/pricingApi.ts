import { type Filter, type PricingClient, paginateGetProducts } from "@aws-sdk/client-pricing";
import type { FargateRate } from "./bundledPrices.ts";

/** One product of a GetProducts price list, as the Pricing API serialises it (a JSON string). */
interface PriceListItem {
  /** When AWS published the price list the item comes from (ISO timestamp). */
  readonly publicationDate?: string;
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

/** The newest publication date among items (YYYY-MM-DD), what "as of" means for prices read from the API. */
function publishedOn(items: readonly PriceListItem[]): string | undefined {
  const dates = items.map((i) => i.publicationDate?.slice(0, 10)).filter((d): d is string => Boolean(d));
  return dates.sort().at(-1);
}

/**
 * Fargate Linux on-demand rates of a region from the Pricing API (`AmazonECS` products whose
 * usage type is `<REGION>-Fargate-vCPU-Hours:perCPU`, `-Fargate-GB-Hours` and the `-ARM-`
 * variants), and the price list's publication date. The Pricing API answers from us-east-1,
 * eu-central-1 and ap-south-1 only.
 */
export async function fetchFargateRates(
  pricing: PricingClient,
  region: string,
): Promise<{ rates: Partial<Record<"X86_64" | "ARM64", FargateRate>>; publicationDate?: string }> {
  const found: Record<string, number> = {};
  const items = await products(pricing, "AmazonECS", [
    { Type: "TERM_MATCH", Field: "regionCode", Value: region },
  ]);
  for (const item of items) {
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
  const publicationDate = publishedOn(items);
  return {
    rates: { ...(x86 ? { X86_64: x86 } : {}), ...(arm ? { ARM64: arm } : {}) },
    ...(publicationDate ? { publicationDate } : {}),
  };
}

/** Linux, shared-tenancy on-demand hourly prices of EC2 instance types in a region, and the publication date. */
export async function fetchEc2Hourly(
  pricing: PricingClient,
  region: string,
  instanceTypes: readonly string[],
): Promise<{ prices: Map<string, number>; publicationDate?: string }> {
  const prices = new Map<string, number>();
  const dates: string[] = [];
  for (const instanceType of instanceTypes) {
    const items = await products(pricing, "AmazonEC2", [
      { Type: "TERM_MATCH", Field: "regionCode", Value: region },
      { Type: "TERM_MATCH", Field: "instanceType", Value: instanceType },
      { Type: "TERM_MATCH", Field: "operatingSystem", Value: "Linux" },
      { Type: "TERM_MATCH", Field: "tenancy", Value: "Shared" },
      { Type: "TERM_MATCH", Field: "preInstalledSw", Value: "NA" },
      { Type: "TERM_MATCH", Field: "capacitystatus", Value: "Used" },
      { Type: "TERM_MATCH", Field: "marketoption", Value: "OnDemand" },
    ]);
    const price = items.map(onDemandUsd).find((p): p is number => p !== undefined && p > 0);
    if (price !== undefined) prices.set(instanceType, price);
    const published = publishedOn(items);
    if (published) dates.push(published);
  }
  const publicationDate = dates.sort().at(-1);
  return { prices, ...(publicationDate ? { publicationDate } : {}) };
}
