import type { FargateSize } from "../ecs/FargateSize.ts";
import type { FargateRate } from "../pricing/fargatePrices.ts";
import { cheapestEc2, type Ec2Option, type InstanceShape } from "./binPacking.ts";
import { sizeNeed, smallestFargateSize } from "./fargateSize.ts";
import type { ServiceProfile } from "./profile.ts";

export const HOURS_PER_MONTH = 730;

/** The prices a recommendation is made with, and where they came from. */
export interface PriceBook {
  readonly region: string;
  readonly fargate: Partial<Record<"X86_64" | "ARM64", FargateRate>>;
  /** Share Fargate Spot takes off the Fargate price (AWS advertises up to 70%). */
  readonly fargateSpotDiscount: number;
  /** Linux on-demand $/hour per instance type. */
  readonly ec2: ReadonlyMap<string, number>;
  readonly source: string;
}

export type Capacity = "FARGATE" | "FARGATE_SPOT" | "EC2";

export interface Recommendation {
  readonly profile: ServiceProfile;
  readonly capacity?: Capacity;
  /** The Fargate task size (also the task size to register when staying on Fargate). */
  readonly size?: FargateSize;
  /** What the task needs (p99 CPU and peak memory with headroom; OOM-aware). */
  readonly need: { readonly cpu: number; readonly memory: number };
  readonly ec2?: Ec2Option;
  readonly currentMonthly?: number;
  readonly recommendedMonthly?: number;
  readonly saving?: number;
  readonly risk: "low" | "medium" | "high";
  /** One sentence a person accepts or rejects. */
  readonly reason: string;
}

const round = (n: number) => Math.round(n * 100) / 100;
const vcpu = (units: number) => `${Math.round((units / 1024) * 100) / 100} vCPU`;
const gib = (mib: number) => `${Math.round((mib / 1024) * 10) / 10} GiB`;
const money = (n: number) => `$${n.toFixed(2)}`;

function fargateHourly(rate: FargateRate | undefined, cpu: number, memory: number): number | undefined {
  return rate ? (cpu / 1024) * rate.vcpuHour + (memory / 1024) * rate.gbHour : undefined;
}

/**
 * The cheapest capacity that is safe for the service: the smallest valid Fargate size covering
 * p99 CPU and peak memory with headroom (never below peak memory, never less memory after an OOM
 * kill), against EC2 capacity bin-packed for the peak task count, against Fargate Spot for
 * interruption-tolerant work. Fargate pays for the mean running tasks, EC2 for capacity at the
 * peak — which is why bursty and batch work lands on Fargate and steady fleets on EC2.
 */
export function recommend(
  profile: ServiceProfile,
  prices: PriceBook,
  candidates: readonly InstanceShape[],
  options: { headroom?: number } = {},
): Recommendation {
  const { facts } = profile;
  const rate = prices.fargate[facts.architecture];
  const need = sizeNeed({
    p99Cpu: profile.cpu.p99,
    maxMemory: profile.memoryPeak,
    currentMemory: facts.taskMemory,
    oomKills: profile.oomKills,
    headroom: options.headroom ?? 0.2,
  });
  const size = smallestFargateSize(need, rate);
  const arch = facts.architecture === "ARM64" ? "arm64" : "x86_64";
  const instances = candidates.filter((c) => c.architecture === arch);
  const peakTasks = Math.max(1, profile.tasks.max);
  const meanTasks = profile.tasks.mean;

  const currentFargate = fargateHourly(rate, facts.taskCpu, facts.taskMemory);
  const currentEc2 = cheapestEc2(
    Array.from({ length: peakTasks }, () => ({ cpu: facts.taskCpu, memory: facts.taskMemory })),
    instances,
    prices.ec2,
  );
  const currentMonthly =
    facts.runsOn === "EC2"
      ? currentEc2 && currentEc2.hourly * HOURS_PER_MONTH
      : currentFargate !== undefined
        ? currentFargate *
          meanTasks *
          HOURS_PER_MONTH *
          (facts.runsOn === "FARGATE_SPOT" ? 1 - prices.fargateSpotDiscount : 1)
        : undefined;

  const choices: Array<{ capacity: Capacity; monthly: number; ec2?: Ec2Option }> = [];
  if (facts.ec2Only.length === 0 && size) {
    const hourly = fargateHourly(rate, size.cpu, size.memory);
    if (hourly !== undefined) {
      choices.push({ capacity: "FARGATE", monthly: hourly * meanTasks * HOURS_PER_MONTH });
      if (facts.interruptible)
        choices.push({
          capacity: "FARGATE_SPOT",
          monthly: hourly * meanTasks * HOURS_PER_MONTH * (1 - prices.fargateSpotDiscount),
        });
    }
  }
  const ec2 = cheapestEc2(
    Array.from({ length: peakTasks }, () => need),
    instances,
    prices.ec2,
  );
  if (ec2) choices.push({ capacity: "EC2", monthly: ec2.hourly * HOURS_PER_MONTH, ec2 });
  const best = choices.sort((a, b) => a.monthly - b.monthly)[0];

  const shape = `p99 ${vcpu(profile.cpu.p99)} and peak ${gib(profile.memoryPeak)} per task, ${profile.tasks.min === profile.tasks.max ? `${profile.tasks.max} tasks` : `${profile.tasks.min}-${profile.tasks.max} tasks`}`;
  if (!best) {
    return {
      profile,
      need,
      ...(size ? { size } : {}),
      ...(currentMonthly !== undefined ? { currentMonthly: round(currentMonthly) } : {}),
      risk: "low",
      reason:
        facts.ec2Only.length > 0
          ? `Runs only on EC2 (${facts.ec2Only.join(", ")}), and no instance price is known for ${prices.region}.`
          : `No price is known for ${prices.region}: ${shape}.`,
    };
  }
  const recommendedMonthly = round(best.monthly);
  const fargate = choices.find((c) => c.capacity === "FARGATE");
  const memoryCut =
    best.capacity !== "EC2" && size ? size.memory < facts.taskMemory : need.memory < facts.taskMemory;
  const risk: Recommendation["risk"] =
    (best.capacity === "EC2") !== (facts.runsOn === "EC2") || (profile.oomKills > 0 && memoryCut)
      ? "high"
      : best.capacity === "FARGATE_SPOT" || (size && size.memory < facts.taskMemory * 0.7)
        ? "medium"
        : "low";
  let reason: string;
  if (best.capacity === "EC2") {
    const why =
      facts.ec2Only.length > 0
        ? `Runs only on EC2 (${facts.ec2Only.join(", ")})`
        : `${profile.steady ? "Steady" : "Varying"} load (${shape})`;
    reason = `${why}: ${best.ec2?.instances} × ${best.ec2?.instance.instanceType} at ${money(recommendedMonthly)}/month${fargate ? ` cost less than Fargate at ${money(fargate.monthly)}/month` : ""}.`;
  } else {
    const kind =
      profile.dutyCycle < 0.5
        ? `batch-like (tasks run ${Math.round(profile.dutyCycle * 100)}% of the time)`
        : profile.burstiness >= 3
          ? `bursty (p99 is ${profile.burstiness.toFixed(1)}× the median)`
          : "sized";
    const sizeText = size ? `${vcpu(size.cpu)} / ${gib(size.memory)}` : "";
    const ec2Text = ec2
      ? `; EC2 capacity for the peak would cost ${money(ec2.hourly * HOURS_PER_MONTH)}/month`
      : "";
    reason = `${kind[0]?.toUpperCase()}${kind.slice(1)} work (${shape}): ${best.capacity === "FARGATE_SPOT" ? "Fargate Spot" : "Fargate"} ${sizeText} at ${money(recommendedMonthly)}/month${ec2Text}.`;
  }
  return {
    profile,
    need,
    capacity: best.capacity,
    ...(size ? { size } : {}),
    ...(best.ec2 ? { ec2: best.ec2 } : {}),
    ...(currentMonthly !== undefined
      ? { currentMonthly: round(currentMonthly), saving: round(round(currentMonthly) - recommendedMonthly) }
      : {}),
    recommendedMonthly,
    risk,
    reason,
  };
}
