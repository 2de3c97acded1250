import type { FargateSize } from "../ecs/FargateSize.ts";
import type { FargateRate, TaskArchitecture } from "../pricing/bundledPrices.ts";
import { type AgentReserve, cheapestEc2, type InstanceShape, packTasks } from "./binPacking.ts";
import type { CurrentEc2 } from "./currentEc2Cost.ts";
import { type Ec2Plan, HOURS_PER_MONTH, planEc2 } from "./ec2Plan.ts";
import { sizeNeed, smallestFargateSize } from "./fargateSize.ts";
import { fargateSpotRate, type PriceBook } from "./priceBook.ts";
import { type ServiceProfile, spanText } from "./profile.ts";

export type { PriceBook };
export { HOURS_PER_MONTH };

export type Capacity = "FARGATE" | "FARGATE_SPOT" | "EC2";

/** Whether every image of the task has a linux/arm64 build, as ECR says (core/ecs/imagePlatforms.ts). */
export interface ImageArchitectures {
  readonly arm64: "yes" | "no" | "unknown";
  /** What was read, e.g. `shop/api:1.4 has linux/amd64, linux/arm64`. */
  readonly evidence: string;
}

/** One way to run the service and what it costs. */
export interface CapacityOption {
  readonly capacity: Capacity;
  readonly architecture: TaskArchitecture;
  readonly monthly: number;
  /** The Fargate task size (also for EC2: the size the task would register on Fargate). */
  readonly size?: FargateSize;
  readonly ec2?: Ec2Plan;
}

/**
 * Graviton: where the images already have linux/arm64, ARM is priced like any other option and may
 * be the recommendation; where they do not, what ARM would save "if you build for arm64" is shown
 * apart and never recommended.
 */
export interface GravitonAdvice {
  readonly status: "recommended" | "not-cheaper" | "if-you-build-for-arm64" | "already-arm64" | "not-priced";
  readonly evidence: string;
  /** The cheapest ARM option (for `if-you-build-for-arm64`: what it would cost once built). */
  readonly option?: CapacityOption;
  /** $/month the ARM option saves against the recommendation (against now when there is none). */
  readonly saving?: number;
}

export interface Recommendation {
  readonly profile: ServiceProfile;
  readonly capacity?: Capacity;
  /** The architecture to run on (a change from the task's own is a Graviton move). */
  readonly architecture: TaskArchitecture;
  /** The Fargate task size (also the task size to register when staying on Fargate). */
  readonly size?: FargateSize;
  /** What the task needs (p99 CPU and peak memory with headroom; OOM-aware). */
  readonly need: { readonly cpu: number; readonly memory: number };
  readonly ec2?: Ec2Plan;
  readonly currentMonthly?: number;
  /** For an EC2 service: what `currentMonthly` rests on (its cluster's instances, or an estimate). */
  readonly currentBasis?: string;
  readonly recommendedMonthly?: number;
  readonly saving?: number;
  readonly risk: "low" | "medium" | "high";
  /** One sentence a person accepts or rejects. */
  readonly reason: string;
  readonly graviton?: GravitonAdvice;
}

export interface RecommendOptions {
  readonly headroom?: number;
  /** The images' architectures (default: not read, so ARM is only shown as "if you build for arm64"). */
  readonly images?: ImageArchitectures;
  /** What ECS can place on an instance type (registered resources where a cluster runs it). */
  readonly reserveOf?: (instance: InstanceShape) => AgentReserve;
  /** For an EC2 service: what its cluster's instances say it costs now (currentEc2Cost.ts). */
  readonly currentEc2?: CurrentEc2;
}

const round = (n: number) => Math.round(n * 100) / 100;
const vcpu = (units: number) => `${Math.round((units / 1024) * 100) / 100} vCPU`;
const gib = (mib: number) => `${Math.round((mib / 1024) * 10) / 10} GiB`;
const money = (n: number) => `$${n.toFixed(2)}`;
const archName = (a: TaskArchitecture) => (a === "ARM64" ? "arm64" : "x86_64");

function fargateHourly(rate: FargateRate | undefined, cpu: number, memory: number): number | undefined {
  return rate ? (cpu / 1024) * rate.vcpuHour + (memory / 1024) * rate.gbHour : undefined;
}

/** A Fargate task's ephemeral storage above the included 20 GiB, $/hour; undefined when it has some and no rate is known. */
function ephemeralHourly(facts: ServiceProfile["facts"], prices: PriceBook): number | undefined {
  const extra = Math.max(0, (facts.ephemeralStorageGiB ?? 20) - 20);
  if (extra === 0) return 0;
  return prices.fargateEphemeralGbHour === undefined ? undefined : extra * prices.fargateEphemeralGbHour;
}

/** The priced ways to run the service on one architecture. */
function optionsFor(
  architecture: TaskArchitecture,
  profile: ServiceProfile,
  need: { cpu: number; memory: number },
  prices: PriceBook,
  candidates: readonly InstanceShape[],
  options: RecommendOptions,
): CapacityOption[] {
  const { facts } = profile;
  const rate = prices.fargate[architecture];
  const size = smallestFargateSize(need);
  const meanHours = profile.tasks.mean * HOURS_PER_MONTH;
  const choices: CapacityOption[] = [];
  // Storage above 20 GiB without a rate: Fargate is priced without it (a lower bound), and the reason says so.
  const storage = ephemeralHourly(facts, prices) ?? 0;
  if (facts.ec2Only.length === 0 && size) {
    const base = fargateHourly(rate, size.cpu, size.memory);
    const hourly = base === undefined ? undefined : base + storage;
    if (hourly !== undefined) {
      choices.push({ capacity: "FARGATE", architecture, monthly: hourly * meanHours, size });
      // Fargate Spot runs Linux x86_64 tasks only.
      const spot = architecture === "X86_64" && facts.interruptible ? fargateSpotRate(prices) : undefined;
      const spotBase = fargateHourly(spot, size.cpu, size.memory);
      // The AmazonECS offer file has one ephemeral-storage SKU (no Spot one): Spot tasks' storage at that rate.
      const spotHourly = spotBase === undefined ? undefined : spotBase + storage;
      if (spotHourly !== undefined)
        choices.push({ capacity: "FARGATE_SPOT", architecture, monthly: spotHourly * meanHours, size });
    }
  }
  const ec2 = planEc2({
    need,
    tasks: profile.tasks,
    interruptible: facts.interruptible,
    ...(facts.deployment ? { deployment: facts.deployment } : {}),
    current: { cpu: facts.taskCpu, memory: facts.taskMemory },
    candidates: candidates.filter((c) => c.architecture === archName(architecture)),
    prices: prices.ec2,
    ...(options.reserveOf ? { reserveOf: options.reserveOf } : {}),
  });
  if (ec2)
    choices.push({
      capacity: "EC2",
      architecture,
      monthly: ec2.hourly * HOURS_PER_MONTH,
      ...(size ? { size } : {}),
      ec2,
    });
  return choices.sort((a, b) => a.monthly - b.monthly);
}

/**
 * The cheapest capacity that is safe for the service: the smallest valid Fargate size covering
 * p99 CPU and peak memory with headroom (never below peak memory, never less memory after an OOM
 * kill), against EC2 capacity bin-packed for the peak task count (with the capacity provider
 * settings and the cost of their headroom), against Fargate Spot for interruption-tolerant work,
 * on x86 and, where the images have linux/arm64, on Graviton. Fargate pays for the mean running
 * tasks, EC2 for capacity at the peak — which is why bursty and batch work lands on Fargate and
 * steady fleets on EC2.
 */
export function recommend(
  profile: ServiceProfile,
  prices: PriceBook,
  candidates: readonly InstanceShape[],
  options: RecommendOptions = {},
): Recommendation {
  const { facts } = profile;
  const images = options.images ?? { arm64: "unknown", evidence: "images not read" };
  const need = sizeNeed({
    p99Cpu: profile.cpu.p99,
    maxMemory: profile.memoryPeak,
    currentMemory: facts.taskMemory,
    oomKills: profile.oomKills,
    headroom: options.headroom ?? 0.2,
  });
  const own = facts.architecture;
  const armReady = own === "ARM64" || images.arm64 === "yes";
  const real = [
    ...optionsFor(own, profile, need, prices, candidates, options),
    ...(own === "X86_64" && armReady ? optionsFor("ARM64", profile, need, prices, candidates, options) : []),
  ].sort((a, b) => a.monthly - b.monthly);
  const best = real[0];

  const rate = prices.fargate[own];
  const currentStorage = ephemeralHourly(facts, prices);
  const currentBase = fargateHourly(
    facts.runsOn === "FARGATE_SPOT" ? fargateSpotRate(prices) : rate,
    facts.taskCpu,
    facts.taskMemory,
  );
  const currentFargate = currentBase === undefined ? undefined : currentBase + (currentStorage ?? 0);
  const storageNote =
    currentStorage === undefined
      ? ` Fargate ephemeral storage above 20 GiB (the task asks for ${facts.ephemeralStorageGiB} GiB) is not priced for ${prices.region}: Fargate figures are lower bounds.`
      : "";
  const current: { monthly: number; basis?: string } | undefined =
    facts.runsOn === "EC2"
      ? currentEc2Monthly(profile, prices, candidates, options)
      : currentFargate !== undefined
        ? { monthly: currentFargate * profile.tasks.mean * HOURS_PER_MONTH }
        : undefined;
  const currentMonthly = current?.monthly;
  const basisNote = current?.basis ? ` ${current.basis}.` : "";

  const graviton = gravitonAdvice(own, images, best, real, () =>
    optionsFor("ARM64", profile, need, prices, candidates, options),
  );
  const over = profile.data ? ` over ${spanText(profile.data.hours)} of metrics` : "";
  const shape = `p99 ${vcpu(profile.cpu.p99)} and peak ${gib(profile.memoryPeak)} per task, ${profile.tasks.min === profile.tasks.max ? `${profile.tasks.max} tasks` : `${profile.tasks.min}-${profile.tasks.max} tasks`}${over}`;
  const fallbackSize = smallestFargateSize(need);
  if (!best) {
    return {
      profile,
      need,
      architecture: own,
      ...(fallbackSize ? { size: fallbackSize } : {}),
      ...(currentMonthly !== undefined ? { currentMonthly: round(currentMonthly) } : {}),
      ...(current?.basis ? { currentBasis: current.basis } : {}),
      risk: "low",
      reason: `${
        facts.ec2Only.length > 0
          ? `Runs only on EC2 (${facts.ec2Only.join(", ")}), and no instance price is known for ${prices.region}.`
          : `No price is known for ${prices.region}: ${shape}.`
      }${basisNote}`,
      ...(graviton ? { graviton } : {}),
    };
  }
  const recommendedMonthly = round(best.monthly);
  const fargate = real.find((c) => c.capacity === "FARGATE" && c.architecture === own);
  const ec2Alternative = real.find((c) => c.capacity === "EC2");
  const size = best.size ?? fallbackSize;
  const memoryCut =
    best.capacity !== "EC2" && size ? size.memory < facts.taskMemory : need.memory < facts.taskMemory;
  const launchMove = (best.capacity === "EC2") !== (facts.runsOn === "EC2");
  const risk: Recommendation["risk"] =
    launchMove || (profile.oomKills > 0 && memoryCut)
      ? "high"
      : best.capacity === "FARGATE_SPOT" ||
          best.architecture !== own ||
          (size && size.memory < facts.taskMemory * 0.7)
        ? "medium"
        : "low";
  const on = best.architecture !== own ? " on Graviton (the images have linux/arm64)" : "";
  let reason: string;
  if (best.capacity === "EC2" && best.ec2) {
    const why =
      facts.ec2Only.length > 0
        ? `Runs only on EC2 (${facts.ec2Only.join(", ")})`
        : `${profile.steady ? "Steady" : "Varying"} load (${shape})`;
    const plan = best.ec2;
    reason = `${why}: ${plan.instances} × ${plan.instance.instanceType}${on} ${reservationText(plan)} at ${money(recommendedMonthly)}/month (managed scaling target ${plan.capacityProvider.managedScaling.targetCapacity}, headroom ${money(plan.headroom.monthly)}/month)${fargate ? ` cost less than Fargate at ${money(fargate.monthly)}/month` : ""}.`;
  } else {
    const kind =
      profile.dutyCycle < 0.5
        ? `batch-like (tasks run ${Math.round(profile.dutyCycle * 100)}% of the time)`
        : profile.burstiness >= 3
          ? `bursty (p99 is ${profile.burstiness.toFixed(1)}× the median)`
          : "sized";
    const sizeText = size ? `${vcpu(size.cpu)} / ${gib(size.memory)}` : "";
    const ec2Text = ec2Alternative
      ? `; EC2 capacity for the peak would cost ${money(ec2Alternative.monthly)}/month`
      : "";
    reason = `${kind[0]?.toUpperCase()}${kind.slice(1)} work (${shape}): ${best.capacity === "FARGATE_SPOT" ? "Fargate Spot" : "Fargate"} ${sizeText}${on} at ${money(recommendedMonthly)}/month${ec2Text}.`;
  }
  return {
    profile,
    need,
    capacity: best.capacity,
    architecture: best.architecture,
    ...(size ? { size } : {}),
    ...(best.ec2 ? { ec2: best.ec2 } : {}),
    ...(currentMonthly !== undefined
      ? { currentMonthly: round(currentMonthly), saving: round(round(currentMonthly) - recommendedMonthly) }
      : {}),
    ...(current?.basis ? { currentBasis: current.basis } : {}),
    recommendedMonthly,
    risk,
    reason: `${reason}${storageNote}${basisNote}`,
    ...(graviton ? { graviton } : {}),
  };
}

/**
 * What an EC2 service costs now, and on what that rests: its running tasks' share of its cluster's
 * instances; else its peak tasks at today's size packed onto the instance type its cluster runs
 * (as ECS registered it); else, said to be an estimate, onto the cheapest candidate type.
 */
function currentEc2Monthly(
  profile: ServiceProfile,
  prices: PriceBook,
  candidates: readonly InstanceShape[],
  options: RecommendOptions,
): { monthly: number; basis: string } | undefined {
  const { facts } = profile;
  const peak = Math.max(1, profile.tasks.max);
  const today = Array.from({ length: peak }, () => ({ cpu: facts.taskCpu, memory: facts.taskMemory }));
  const tasks = (n: number) => `${n} task${n === 1 ? "" : "s"}`;
  const c = options.currentEc2;
  if (c?.kind === "running") {
    const types = Object.entries(c.instanceTypes)
      .map(([type, n]) => `${n} × ${type}`)
      .join(", ");
    return {
      monthly: c.monthly,
      basis: `Now: its ${c.tasks === 1 ? "1 task's" : `${c.tasks} tasks'`} share of the instances they run on in ${c.clusterName} (${types}), ${money(c.monthly)}/month`,
    };
  }
  if (c?.kind === "cluster-type") {
    const shape: InstanceShape = {
      instanceType: c.instanceType,
      vcpus: c.registered.cpu / 1024,
      memory: c.registered.memory,
      architecture: archName(facts.architecture),
    };
    // What ECS registered is what it places: no reserve on top.
    const n = packTasks(today, shape, { overheadFraction: 0, reservedMemory: 0, basis: "registered" });
    if (n !== undefined) {
      const monthly = n * c.hourly * HOURS_PER_MONTH;
      return {
        monthly,
        basis: `Now: no task of it was running; ${tasks(peak)} at today's ${facts.taskCpu} / ${facts.taskMemory} packed onto ${c.clusterName}'s ${c.instanceType} (${c.registered.cpu} CPU / ${c.registered.memory} MiB registered) take ${n}, ${money(monthly)}/month`,
      };
    }
  }
  const estimate = cheapestEc2(
    today,
    candidates.filter((i) => i.architecture === archName(facts.architecture)),
    prices.ec2,
    ...(options.reserveOf ? [options.reserveOf] : []),
  );
  if (!estimate) return undefined;
  const monthly = estimate.hourly * HOURS_PER_MONTH;
  return {
    monthly,
    basis: `Now is an estimate: the cluster's instances were not read, so ${tasks(peak)} at today's ${facts.taskCpu} / ${facts.taskMemory} are packed onto the cheapest candidate type, ${estimate.instances} × ${estimate.instance.instanceType}, ${money(monthly)}/month`,
  };
}

/**
 * What each task must reserve for an EC2 plan to hold, and what today's size would do on the same
 * instances: `with each task reserving 3720 CPU units / 7200 MiB (today 4096 / 8192: these instances hold 9 of 12 at that size)`.
 */
export function reservationText(plan: Ec2Plan): string {
  const { taskReservation: r, atCurrentSize: today } = plan;
  const now = today
    ? ` (today ${today.size.cpu} / ${today.size.memory}: ${today.tasks < today.of ? `these instances hold ${today.tasks} of ${today.of} at that size` : `all ${today.of} fit at that size too`})`
    : "";
  const estimated =
    plan.memoryPerInstance.basis === "estimated"
      ? `, ${plan.memoryPerInstance.usable} MiB usable per instance estimated (no cluster here runs ${plan.instance.instanceType})`
      : "";
  return `with each task reserving ${r.cpu} CPU units / ${r.memory} MiB${now}${estimated}`;
}

/** What Graviton would do for the service, told apart by what its images are built for. */
function gravitonAdvice(
  own: TaskArchitecture,
  images: ImageArchitectures,
  best: CapacityOption | undefined,
  real: readonly CapacityOption[],
  armOptions: () => CapacityOption[],
): GravitonAdvice | undefined {
  if (own === "ARM64") return { status: "already-arm64", evidence: "the task definition runs ARM64" };
  const against = (option: CapacityOption) =>
    best ? round(round(best.monthly) - round(option.monthly)) : undefined;
  if (images.arm64 === "yes") {
    const arm = real.find((c) => c.architecture === "ARM64");
    if (!arm) return { status: "not-priced", evidence: `${images.evidence}; no ARM price for this region` };
    const saving = against(arm);
    return best?.architecture === "ARM64"
      ? { status: "recommended", evidence: images.evidence, option: arm }
      : {
          status: "not-cheaper",
          evidence: images.evidence,
          option: arm,
          ...(saving !== undefined ? { saving } : {}),
        };
  }
  const arm = armOptions()[0];
  if (!arm) return { status: "not-priced", evidence: `${images.evidence}; no ARM price for this region` };
  const saving = against(arm);
  return {
    status: "if-you-build-for-arm64",
    evidence: images.evidence,
    option: arm,
    ...(saving !== undefined ? { saving } : {}),
  };
}
