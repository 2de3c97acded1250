import { bundledPrices, type TaskArchitecture } from "./bundledPrices.ts";
import type { PriceSource } from "./PriceSource.ts";

/** What one task costs per hour, and how that was worked out. */
export interface TaskPrice {
  readonly taskHourly: number;
  /** `0.25 vCPU / 0.5 GB Fargate x86_64 eu-west-1` or `0.25 of a c5.xlarge (EC2) eu-west-1`. */
  readonly sizeLabel: string;
  readonly source: PriceSource;
}

const gb = (mib: number) => Math.round((mib / 1024) * 100) / 100;

/**
 * A Fargate task's On-Demand price per hour from the bundled tables; undefined where none is bundled
 * for the region and architecture.
 *
 * @example
 * fargateTaskPrice("eu-west-1", "X86_64", 256, 512)?.taskHourly; // 0.0123425
 */
export function fargateTaskPrice(
  region: string,
  architecture: TaskArchitecture,
  cpu: number,
  memory: number,
): TaskPrice | undefined {
  const rate = bundledPrices.fargate(region, architecture);
  if (!rate) return undefined;
  return {
    taskHourly: (cpu / 1024) * rate.price.vcpuHour + (memory / 1024) * rate.price.gbHour,
    sizeLabel: `${cpu / 1024} vCPU / ${gb(memory)} GB Fargate ${architecture === "ARM64" ? "arm64" : "x86_64"} ${region}`,
    source: rate.source,
  };
}

/**
 * The share of an EC2 instance a task reserves, priced at the instance's On-Demand rate: what a
 * task-hour frees when the cluster scales in. `registered` is what ECS registered for the instance
 * (DescribeContainerInstances); the share is the larger of the CPU and memory shares.
 *
 * @example
 * ec2TaskPrice("eu-west-1", "c5.xlarge", { cpu: 4096, memory: 7482 }, { cpu: 1024, memory: 1024 });
 * // { taskHourly: 0.192 × 0.25, sizeLabel: "0.25 of a c5.xlarge (EC2 On-Demand) eu-west-1", … }
 */
export function ec2TaskPrice(
  region: string,
  instanceType: string,
  registered: { readonly cpu: number; readonly memory: number },
  task: { readonly cpu: number; readonly memory: number },
): TaskPrice | undefined {
  const price = bundledPrices.ec2(region, instanceType);
  if (!price || registered.cpu <= 0 || registered.memory <= 0) return undefined;
  const share = Math.max(task.cpu / registered.cpu, task.memory / registered.memory);
  return {
    taskHourly: share * price.price,
    sizeLabel: `${Math.round(share * 1000) / 1000} of a ${instanceType} (EC2 On-Demand) ${region}`,
    source: price.source,
  };
}
