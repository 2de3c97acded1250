/**
 * Fargate On-Demand prices (Linux), bundled so that plans can state money without an AWS call.
 * The right-sizing flow refreshes them from the Pricing API when deployed; until a region is
 * here, plans state task-hours only.
 */
export interface FargateRate {
  readonly vcpuHour: number;
  readonly gbHour: number;
}

export const FARGATE_PRICE_SOURCE =
  "AWS Fargate pricing page (aws.amazon.com/fargate/pricing), Linux On-Demand, us-east-1, as published in 2026 (quoted by vantage.sh and factualminds.com, June 2026)";

export const FARGATE_PRICES: Readonly<Record<string, Readonly<Record<"X86_64" | "ARM64", FargateRate>>>> = {
  "us-east-1": {
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
};

/**
 * The hourly price of one Fargate task of `cpu` units (1024 = 1 vCPU) and `memory` MiB, or
 * undefined where no price is bundled.
 *
 * @example
 * fargateTaskHourly("us-east-1", "X86_64", 256, 512); // 0.0123425
 */
export function fargateTaskHourly(
  region: string,
  architecture: "X86_64" | "ARM64",
  cpu: number,
  memory: number,
): number | undefined {
  const rate = FARGATE_PRICES[region]?.[architecture];
  if (!rate) return undefined;
  return (cpu / 1024) * rate.vcpuHour + (memory / 1024) * rate.gbHour;
}
