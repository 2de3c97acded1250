import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { CreateClusterCommand } from "@aws-sdk/client-ecs";
import { localContext } from "../../cli/localContext.ts";
import { rightsizeReport } from "../../cli/rightsize.ts";
import { createInsightClients, fleetClients } from "../../core/aws/insightClients.ts";
import { SERVICE_TAGS } from "../../core/tags.ts";
import type { Sandbox } from "../Sandbox.ts";
import { SANDBOX_TABLE } from "../Sandbox.ts";
import { ACCOUNT, createService, ecrImage, putContainerInsights, sampleEvent } from "../seed.ts";

interface Workload {
  readonly name: string;
  readonly size: { cpu: number; memory: number };
  readonly tags?: Record<string, string>;
  /** Per 5-minute period, oldest first: running tasks, CPU units and MiB used per task. */
  readonly usage: (period: number) => { tasks: number; cpu: number; memory: number };
}

const PERIODS = 72; // six hours of 5-minute periods

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
    usage: (p) => (p % 12 < 10 ? { tasks: 2, cpu: 120, memory: 500 } : { tasks: 6, cpu: 820, memory: 520 }),
  },
  {
    name: "nightly-export",
    size: { cpu: 1024, memory: 2048 },
    usage: (p) => (p < 6 ? { tasks: 1, cpu: 60, memory: 180 } : { tasks: 0, cpu: 0, memory: 0 }),
  },
];

/** Right-sizing: the weekly job over six hours of Container Insights metrics, then the reports. */
export async function rightsizeScene(sandbox: Sandbox): Promise<string[]> {
  const { print, clients, region } = sandbox;
  const insight = createInsightClients({ region });
  print("\n▶ The analytics cluster (Container Insights on) has six hours of metrics for three services");
  await clients.ecs.send(
    new CreateClusterCommand({
      clusterName: "analytics",
      settings: [{ name: "containerInsights", value: "enabled" }],
    }),
  );
  const end = Date.now();
  for (const w of WORKLOADS) {
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
    print(`  analytics/${w.name}: ${w.size.cpu}/${w.size.memory}${tag}`);
  }

  print("\n▶ The weekly right-sizing schedule fires (the Scheduled Event sample)");
  print("  moto has no Pricing API, so the job says so and uses the bundled prices (Fargate, us-east-1)");
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
  return [
    `  right-sizing: ${result.services} services measured, ${result.unmeasured.length} without metrics, $${result.totals.saving.toFixed(2)}/month to save, ${result.applied.length} stepped down (tagged apply); report in reports/rightsize.html`,
  ];
}
