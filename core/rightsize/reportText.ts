/** The pieces every right-sizing report says the same way (Markdown, HTML, the CLI). */
import { describePriceSource } from "../pricing/PriceSource.ts";
import type { FleetRecommendation, FleetReport } from "./analyzeFleet.ts";
import { AGENT_BUFFER_SHARE, KERNEL_SHARE } from "./binPacking.ts";
import type { ClusterCapacityReport } from "./clusterCapacity.ts";
import { spanText } from "./profile.ts";

export const vcpu = (units: number) => `${Math.round((units / 1024) * 100) / 100} vCPU`;
export const gib = (mib: number) => `${Math.round((mib / 1024) * 100) / 100} GiB`;
export const money = (n: number | undefined) => (n === undefined ? "n/a" : `$${n.toFixed(2)}`);
export const serviceName = (r: FleetRecommendation) =>
  `${r.profile.facts.clusterName}/${r.profile.facts.serviceName}`;

/** What a recommendation runs on, in a few words: `EC2 10 × c6i.2xlarge`, `Fargate ARM 0.5 vCPU / 1 GiB`. */
export function target(r: FleetRecommendation): string {
  if (r.capacity === "EC2")
    return `EC2 ${r.ec2?.instances} × ${r.ec2?.instance.instanceType}${r.ec2 ? `, tasks ${r.ec2.taskReservation.cpu} CPU / ${r.ec2.taskReservation.memory} MiB` : ""}`;
  if (!r.capacity) return "no priced option";
  const arm = r.architecture === "ARM64" ? " ARM" : "";
  return `${r.capacity === "FARGATE_SPOT" ? "Fargate Spot" : "Fargate"}${arm} ${r.size ? `${vcpu(r.size.cpu)} / ${gib(r.size.memory)}` : ""}`;
}

/** The lookback and the metrics in it: `14-day lookback, 6 h of metrics`. */
export function lookbackText(report: FleetReport): string {
  return `${report.lookbackDays}-day lookback, ${report.data.hours > 0 ? `${spanText(report.data.hours)} of metrics` : "no metrics"}`;
}

/**
 * Said when the metrics cover less than the lookback: what the figures rest on, from when to when.
 * Undefined when they cover it (one period short of it counts as covering).
 */
export function metricsCaveat(report: FleetReport): string | undefined {
  const { data } = report;
  if (!data.from || !data.to || data.hours >= report.lookbackDays * 24 - 1) return undefined;
  const at = (iso: string) => iso.slice(0, 16).replace("T", " ");
  return `The figures rest on ${spanText(data.hours)} of metrics (${at(data.from)} to ${at(data.to)} UTC), not ${report.lookbackDays} days: a daily or weekly pattern outside that window is not in them.`;
}

/** What runs now: `FARGATE 2 vCPU / 4 GiB`. */
export const now = (r: FleetRecommendation) =>
  `${r.profile.facts.runsOn}${r.profile.facts.architecture === "ARM64" ? " ARM" : ""} ${vcpu(r.profile.facts.taskCpu)} / ${gib(r.profile.facts.taskMemory)}`;

/** The capacity provider settings of an EC2 recommendation, as lines. */
export function ec2Lines(r: FleetRecommendation): string[] {
  const plan = r.ec2;
  if (r.capacity !== "EC2" || !plan) return [];
  const { managedScaling, autoScalingGroup } = plan.capacityProvider;
  return [
    `${serviceName(r)}: ${plan.instances} × ${plan.instance.instanceType} (${plan.instance.vcpus} vCPU, ${gib(plan.instance.memory)}) at ${money(r.recommendedMonthly)}/month`,
    `  task definition: cpu ${plan.taskReservation.cpu}, memory ${plan.taskReservation.memory} (MiB) per task — the packing holds only if each task reserves this${plan.atCurrentSize ? `; at today's ${plan.atCurrentSize.size.cpu} / ${plan.atCurrentSize.size.memory} ${plan.atCurrentSize.tasks < plan.atCurrentSize.of ? `these instances hold ${plan.atCurrentSize.tasks} of ${plan.atCurrentSize.of} tasks` : `all ${plan.atCurrentSize.of} tasks fit too`}` : ""}`,
    `  capacity provider: managed scaling ENABLED, targetCapacity ${managedScaling.targetCapacity}, step ${managedScaling.minimumScalingStepSize}-${managedScaling.maximumScalingStepSize}, managed termination protection ENABLED`,
    `  Auto Scaling group: min ${autoScalingGroup.minSize}, max ${autoScalingGroup.maxSize}, instance types ${autoScalingGroup.instanceTypes.join(", ")}; On-Demand base ${autoScalingGroup.onDemandBaseCapacity}, ${autoScalingGroup.onDemandPercentageAboveBaseCapacity}% On-Demand above it${autoScalingGroup.spotAllocationStrategy ? `, Spot ${autoScalingGroup.spotAllocationStrategy}` : ""}`,
    memoryLine(plan),
    deploymentLine(plan),
    `  headroom: ${money(plan.headroom.monthly)}/month (${plan.headroom.spareInstances} spare instance${plan.headroom.spareInstances === 1 ? "" : "s"} ${money(plan.headroom.spareMonthly)}, ${Math.round(plan.headroom.unreservedShare * 100)}% of the packed capacity unreserved at the peak ${money(plan.headroom.unreservedMonthly)})${plan.spotNote ? `; ${plan.spotNote}` : ""}`,
  ];
}

/** The usable memory per instance the packing assumed, and whether it is what ECS registered or an estimate. */
function memoryLine(plan: NonNullable<FleetRecommendation["ec2"]>): string {
  const { usable, basis } = plan.memoryPerInstance;
  return basis === "registered"
    ? `  memory per instance: ${usable} MiB, as ECS registered ${plan.instance.instanceType} in a cluster of this account`
    : `  memory per instance: ${usable} MiB of ${plan.instance.memory} is an estimate (no cluster of this account runs ${plan.instance.instanceType}): installed memory less ${(KERNEL_SHARE * 100).toFixed(1)} % for the kernel and platform (AWS Batch User Guide: an m4.large registers 7,985 of 8,192 MiB) and the ${AGENT_BUFFER_SHARE * 100} % buffer AWS recommends for the ECS agent and system processes (ECS_RESERVED_MEMORY); check what your instances register (DescribeContainerInstances)`;
}

/** What the group's maximum size leaves room for: a rolling deployment (or a drain) at the peak. */
function deploymentLine(plan: NonNullable<FleetRecommendation["ec2"]>): string {
  const { deployment } = plan;
  const { minimumHealthyPercent, maximumPercent } = deployment.limits;
  const limits = `minimumHealthyPercent ${minimumHealthyPercent}, maximumPercent ${maximumPercent}`;
  if (deployment.extraInstances > 0)
    return `  deployments: up to ${deployment.maxTasks} tasks run or wait while a rolling deployment or an instance drain runs at the peak (${limits}); max ${deployment.instances} lets managed scaling add ${deployment.extraInstances} instance${deployment.extraInstances === 1 ? "" : "s"} for them (${money(deployment.extraHourly)}/hour while they run; without them new tasks stay PROVISIONING)`;
  if (deployment.maxTasks > deployment.peakTasks)
    return `  deployments: up to ${deployment.maxTasks} tasks at the peak (${limits}) fit on the ${deployment.instances} instances planned`;
  return minimumHealthyPercent < 100
    ? `  deployments: ${limits}: ECS stops old tasks before it starts new ones, no extra instance is needed`
    : `  deployments: ${limits}: ECS may neither start new tasks first nor stop old ones first, so deployments cannot proceed; raise maximumPercent or lower minimumHealthyPercent`;
}

/** The Graviton line of a recommendation, when there is something to say. */
export function gravitonLine(r: FleetRecommendation): string | undefined {
  const g = r.graviton;
  if (!g) return undefined;
  const option = g.option
    ? `${g.option.capacity === "EC2" ? `EC2 ${g.option.ec2?.instances} × ${g.option.ec2?.instance.instanceType}` : `${g.option.capacity === "FARGATE_SPOT" ? "Fargate Spot" : "Fargate"} ARM${g.option.size ? ` ${vcpu(g.option.size.cpu)} / ${gib(g.option.size.memory)}` : ""}`} at ${money(g.option.monthly)}/month`
    : "";
  switch (g.status) {
    case "recommended":
      return `${serviceName(r)}: Graviton recommended, ${option} (${g.evidence})`;
    case "not-cheaper":
      return `${serviceName(r)}: the images have linux/arm64, but Graviton (${option}) is not cheaper here`;
    case "if-you-build-for-arm64":
      return (g.saving ?? 0) > 0
        ? `${serviceName(r)}: if you build for arm64: ${option}, ${money(g.saving)}/month less than the recommendation (not recommended: ${g.evidence})`
        : undefined;
    case "not-priced":
      return `${serviceName(r)}: Graviton not priced (${g.evidence})`;
    case "already-arm64":
      return undefined;
  }
}

export function clusterLines(c: ClusterCapacityReport): string[] {
  const types = Object.entries(c.instanceTypes)
    .map(([type, n]) => `${n} × ${type}`)
    .join(", ");
  return [
    `${c.clusterName}: ${c.instances} instances (${types}) at ${money(c.monthly)}/month; the running tasks reserve ${vcpu(c.reserved.cpu)} of ${vcpu(c.registered.cpu)} and ${gib(c.reserved.memory)} of ${gib(c.registered.memory)}, and fit on ${c.neededInstances} when bin-packed${c.unpriced.length ? `; not priced: ${c.unpriced.join(", ")}` : ""}`,
    ...c.findings.map((f) => `  ${f.kind}: ${f.message}`),
    ...c.notes.map((n) => `  note: ${n}`),
  ];
}

export function computeOptimizerLines(report: FleetReport): string[] {
  const lines = [
    `Compute Optimizer: ${report.computeOptimizer.status}${report.computeOptimizer.status === "ok" ? "" : ` (${report.computeOptimizer.detail})`}`,
  ];
  for (const r of report.recommendations) {
    const co = r.computeOptimizer;
    if (!co) continue;
    lines.push(
      `${serviceName(r)}: Compute Optimizer says ${co.finding ?? "?"}${co.recommended ? `, ${co.recommended.cpu ?? "?"} CPU units / ${co.recommended.memory ?? "?"} MiB` : ""}${co.estimatedMonthlySavings ? `, saving ${co.estimatedMonthlySavings.currency} ${co.estimatedMonthlySavings.value.toFixed(2)}/month` : ""}; we say ${target(r)}, saving ${money(r.saving)}/month`,
      ...co.differences.map((d) => `  why they differ: ${d}`),
    );
  }
  return lines;
}

/** The prices a report used, each with its source, date and age. */
export function priceLines(report: FleetReport): string[] {
  const at = new Date(report.generatedAt);
  return report.prices.sources.length > 0
    ? report.prices.sources.map((s) => describePriceSource(s, at))
    : [report.prices.source];
}
