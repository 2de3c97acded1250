import type { PricingClient } from "@aws-sdk/client-pricing";
import { fetchEc2Hourly, fetchFargateRates } from "../pricing/pricingApi.ts";
import { bundledPriceBook, liveInstanceTypes, livePriceBookFrom, type PriceBook } from "./priceBook.ts";

/**
 * Prices from the AWS Pricing API (GetProducts), with the bundled ones where the API has none
 * (Fargate Spot never is in it). The Pricing API answers from us-east-1 (and eu-central-1,
 * ap-south-1) for every region. What is taken from which is livePriceBookFrom (priceBook.ts).
 */
export async function livePriceBook(pricing: PricingClient, region: string): Promise<PriceBook> {
  const bundled = bundledPriceBook(region);
  const fargate = await fetchFargateRates(pricing, region);
  const ec2 = await fetchEc2Hourly(pricing, region, liveInstanceTypes(bundled));
  return livePriceBookFrom(bundled, { fargate, ec2 }, new Date().toISOString().slice(0, 10));
}
