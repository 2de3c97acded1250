import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { CreateRepositoryCommand } from "@aws-sdk/client-ecr";
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  PutClusterCapacityProvidersCommand,
  StartTaskCommand,
} from "@aws-sdk/client-ecs";
import { localContext } from "../../cli/localContext.ts";
import { rightsizeReport } from "../../cli/rightsize.ts";
import { createInsightClients, fleetClients } from "../../core/aws/insightClients.ts";
import {
  clusterLines,
  ec2Lines,
  gravitonLine,
  priceLines,
  serviceName,
  target,
} from "../../core/rightsize/reportText.ts";
import { SERVICE_TAGS } from "../../core/tags.ts";
import type { Sandbox } from "../Sandbox.ts";
import { SANDBOX_TABLE } from "../Sandbox.ts";
import {
  ACCOUNT,
  createService,
  ecrImage,
  pushImageManifest,
  putContainerInsights,
  registerContainerInstances,
  sampleEvent,
} from "../seed.ts";

interface Workload {
  readonly name: string;
  readonly size: { cpu: number; memory: number };
  readonly tags?: Record<string, string>;
  /** A real image index pushed as the service's image (test/fixtures/images). */
  readonly manifest?: string;
  /** Per 5-minute period, oldest first: running tasks, CPU units and MiB used per task. */
  readonly usage: (period: number) => { tasks: number; cpu: number; memory: number };
}

const PERIODS = 72; // six hours of 5-minute periods
const IMAGES = resolve(import.meta.dirname, "..", "..", "test", "fixtures", "images");

const WORKLOADS: Workload[] = [
  {
    name: "orders-api",
    size: { cpu: 2048, memory: 4096 },
    tags: { [SERVICE_TAGS.rightsize]: "apply" },
    usage: () => ({ tasks: 3, cpu: 280, memory: 650 }),
  },
  {
    name: "storefront",
    size: { cpu: 1024, memory: 2048 },
    // BuildKit's index with linux/amd64 and linux/arm64 (and attestations).
    manifest: "oci-index-amd64-arm64-attested.json",
    usage: (p) => (p % 12 < 10 ? { tasks: 2, cpu: 120, memory: 500 } : { tasks: 6, cpu: 820, memory: 520 }),
  },
  {
    name: "nightly-export",
    size: { cpu: 1024, memory: 2048 },
    usage: (p) => (p < 6 ? { tasks: 1, cpu: 60, memory: 180 } : { tasks: 0, cpu: 0, memory: 0 }),
  },
  {
    name: "ledger",
    size: { cpu: 4096, memory: 8192 },
    usage: () => ({ tasks: 12, cpu: 3100, memory: 6000 }),
  },
];

/** An EC2 cluster of c5.xlarge instances whose services spread, behind a provider with target capacity 80. */
async function ec2Cluster(
  sandbox: Sandbox,
  ec2: ReturnType<typeof createInsightClients>["ec2"],
): Promise<void> {
  const { ecs } = sandbox.clients;
  await ecs.send(new CreateClusterCommand({ clusterName: "batch-ec2" }));
  await ecs.send(
    new CreateCapacityProviderCommand({
      name: "batch-asg",
      autoScalingGroupProvider: {
        autoScalingGroupArn: `arn:aws:autoscaling:${sandbox.region}:${ACCOUNT}:autoScalingGroup:a1b2c3d4-5678-90ab-cdef-EXAMPLE11111:autoScalingGroupName/batch`,
        managedScaling: { status: "ENABLED", targetCapacity: 80 },
      },
    }),
  );
  await ecs.send(
    new PutClusterCapacityProvidersCommand({
      cluster: "batch-ec2",
      capacityProviders: ["batch-asg"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "batch-asg", weight: 1 }],
    }),
  );
  const instances = (await registerContainerInstances(sandbox.clients, ec2, "batch-ec2", "c5.xlarge", 5)).map(
    (i) => i.arn,
  );
  for (const [name, cpu, memory] of [
    ["renderer", 1024, 2048],
    ["cache", 512, 7000],
  ] as const)
    await createService(sandbox.clients, {
      cluster: "batch-ec2",
      name,
      launchType: "EC2",
      desiredCount: name === "renderer" ? 4 : 1,
      containers: [
        { name: "app", image: ecrImage(sandbox.region, `shop/${name}`, "1.0"), cpu, memory, essential: true },
      ],
      taskDefinition: { cpu: undefined, memory: undefined },
    });
  for (const [i, instance] of instances.entries())
    await ecs.send(
      new StartTaskCommand({
        cluster: "batch-ec2",
        taskDefinition: i < 4 ? "renderer" : "cache",
        containerInstances: [instance],
        group: i < 4 ? "service:renderer" : "service:cache",
      }),
    );
}

/** Right-sizing: the weekly job over six hours of Container Insights metrics, then the reports. */
export async function rightsizeScene(sandbox: Sandbox): Promise<string[]> {
  const { print, clients, region } = sandbox;
  const insight = createInsightClients({ region });
  print("\n▶ The analytics cluster (Container Insights on) has six hours of metrics for four services");
  await clients.ecs.send(
    new CreateClusterCommand({
      clusterName: "analytics",
      settings: [{ name: "containerInsights", value: "enabled" }],
    }),
  );
  const end = Date.now();
  for (const w of WORKLOADS) {
    if (w.manifest) {
      await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: `shop/${w.name}` }));
      await pushImageManifest(
        clients,
        `shop/${w.name}`,
        "1.0.0",
        readFileSync(resolve(IMAGES, w.manifest), "utf8"),
      );
    }
    await createService(clients, {
      cluster: "analytics",
      name: w.name,
      desiredCount: w.usage(0).tasks,
      containers: [{ name: "app", image: ecrImage(region, `shop/${w.name}`, "1.0.0"), essential: true }],
      taskDefinition: { cpu: String(w.size.cpu), memory: String(w.size.memory) },
      ...(w.tags ? { tags: w.tags } : {}),
    });
    await putContainerInsights(
      insight.cloudwatch,
      "analytics",
      w.name,
      Array.from({ length: PERIODS }, (_, p) => ({
        ...w.usage(p),
        at: new Date(end - (PERIODS - p) * 300_000),
      })),
    );
    const tag = w.tags ? ` (${Object.entries(w.tags).map(([k, v]) => `${k}=${v}`)})` : "";
    print(
      `  analytics/${w.name}: ${w.size.cpu}/${w.size.memory}${tag}${w.manifest ? ", image index with linux/arm64" : ""}`,
    );
  }
  print(
    "\n▶ The batch-ec2 cluster: 5 × c5.xlarge behind capacity provider batch-asg (managed scaling, target 80 %)",
  );
  await ec2Cluster(sandbox, insight.ec2);
  print("  renderer: 4 tasks of 1 vCPU / 2 GiB, one per instance; cache: 0.5 vCPU / 7,000 MiB on the fifth");

  print("\n▶ The weekly right-sizing schedule fires (the Scheduled Event sample)");
  print("  moto has no Pricing API or Compute Optimizer: the job says so and uses the bundled prices");
  const handler = await sandbox.handler("rightsize");
  const result = (await handler(
    {
      ...sampleEvent("scheduled-event.json"),
      id: "sandbox-rightsize-1",
      account: ACCOUNT,
      region,
      time: new Date(end).toISOString().replace(/\.\d+Z$/, "Z"),
    },
    localContext("rightsize"),
  )) as { applied: string[]; totals: { saving: number }; services: number; unmeasured: string[] };
  for (const line of result.applied) print(`  applied: ${line}`);

  print("\n▶ npx ecs-autopilot rightsize report --format html --out reports/rightsize.html");
  const dir = resolve(import.meta.dirname, "..", "..", "reports");
  await mkdir(dir, { recursive: true });
  const html = await rightsizeReport(
    { format: "html", out: resolve(dir, "rightsize.html"), table: SANDBOX_TABLE },
    fleetClients(clients, insight),
    (line) => print(`  ${line}`),
  );
  print(`  ${html.output}`);
  const { report } = html;
  for (const r of report.recommendations)
    print(`  ${serviceName(r)} → ${target(r)}, saving $${(r.saving ?? 0).toFixed(2)}/month (${r.risk} risk)`);
  for (const line of report.recommendations.flatMap(ec2Lines)) print(`  ${line}`);
  for (const line of report.recommendations.map(gravitonLine).filter(Boolean)) print(`  ${line}`);
  for (const line of report.clusters.flatMap(clusterLines)) print(`  ${line}`);
  print(`  Compute Optimizer: ${report.computeOptimizer.status} (${report.computeOptimizer.detail})`);
  print("  prices:");
  for (const line of priceLines(report)) print(`    ${line}`);
  const findings = report.clusters.flatMap((c) =>
    c.findings.map((f) => `${f.kind} $${f.monthly.toFixed(2)}`),
  );
  return [
    `  right-sizing: ${result.services} services measured, ${result.unmeasured.length} without metrics, $${result.totals.saving.toFixed(2)}/month to save, ${result.applied.length} stepped down (tagged apply); EC2 cluster findings (per month): ${findings.join(", ")}; report in reports/rightsize.html`,
  ];
}
