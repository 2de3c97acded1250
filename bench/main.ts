/**
 * `npm run bench`: the performance figures of ecs-autopilot, measured here, not asserted in tests.
 * - bundle size and init time per Lambda function;
 * - AWS API calls per push against moto, for 5, 50 and 200 unrelated services (first push
 *   after install, which builds the index, and steady state);
 * - AWS API calls of a schedule reconcile and a right-sizing run over 300 services;
 * - plans per second of the pure planner.
 * Writes reports/bench.json and prints a Markdown table.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { localContext } from "../cli/localContext.ts";
import { ApiCallCounter, createAwsClients } from "../core/aws/index.ts";
import { createInsightClients, fleetClients } from "../core/aws/insightClients.ts";
import { DEFAULT_CONFIG } from "../core/config/index.ts";
import { TerminalNotifier } from "../core/notify/index.ts";
import { evaluateTaskDefinition, loadTaskDefinitionFile } from "../core/policy/index.ts";
import {
  type ImageFacts,
  type ImagePush,
  planRedeploy,
  pushFromEvent,
  redeployPush,
  type ServiceSnapshot,
} from "../core/redeploy/index.ts";
import { bundledPriceBook } from "../core/rightsize/priceBook.ts";
import { rightsizeFleet } from "../core/rightsize/runRightsize.ts";
import { reconcileSchedules } from "../core/schedule/index.ts";
import { createStateTable, StateTable } from "../core/state/index.ts";
import { SERVICE_TAGS } from "../core/tags.ts";
import { createMonitorHandler } from "../functions/monitor.ts";
import { createRuntime } from "../runtime/runtime.ts";
import { stoppedTaskEvent } from "../sandbox/ecsEvents.ts";
import {
  createCluster,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  seedPushFleet,
} from "../sandbox/seed.ts";
import { startMotoServer, useMotoEnvironment } from "../scripts/moto-server.ts";
import { measureBundles } from "./bundles.ts";

const REGION = "eu-west-1";

async function callsPerPush(
  unrelated: number,
): Promise<{ unrelated: number; first: number; steady: number; byOperation: Record<string, number> }> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region: REGION, counter });
  const table = `bench-${unrelated}`;
  await createStateTable(clients, table);
  const repository = await seedPushFleet(clients, REGION, unrelated);
  const context = { clients, state: new StateTable(clients.documents, table), config: DEFAULT_CONFIG };
  const push = async (tag: string) => {
    const digest = await pushImage(clients, repository, tag);
    counter.reset();
    await redeployPush(
      pushFromEvent(ecrPushEvent({ region: REGION, repository, digest, tag, id: `${unrelated}-${tag}` })),
      context,
    );
    return counter.total();
  };
  const first = await push("1.1.0");
  const steady = await push("1.2.0");
  return { unrelated, first, steady, byOperation: counter.byOperation() };
}

/** AWS calls per task-stop event through the monitor handler: first stop, crash-loop opening, and after. */
async function callsPerStop(): Promise<Array<{ stop: number; action: string; calls: number }>> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region: REGION, counter });
  const table = "bench-monitor";
  await createStateTable(clients, table);
  const handler = createMonitorHandler(
    createRuntime("monitor", {
      clients,
      tableName: table,
      config: DEFAULT_CONFIG,
      notifier: new TerminalNotifier(() => {}),
    }),
  );
  const rows: Array<{ stop: number; action: string; calls: number }> = [];
  for (let i = 1; i <= 10; i++) {
    const event = stoppedTaskEvent({
      id: `bench-stop-${i}`,
      taskId: `bench${i}`,
      account: "123456789012",
      region: REGION,
      cluster: "prod",
      service: "api",
      exitCode: 1,
    });
    counter.reset();
    const response = (await handler(event, localContext("monitor"))) as { action: string };
    if ([1, 2, 3, 4, 10].includes(i)) rows.push({ stop: i, action: response.action, calls: counter.total() });
  }
  return rows;
}

/** AWS calls of a schedule reconcile over 300 services (100 scheduled): first run and second run. */
async function reconcileCalls(): Promise<{
  services: number;
  scheduled: number;
  first: Record<string, number>;
  second: Record<string, number>;
}> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region: REGION, counter });
  const table = "bench-schedule";
  await createStateTable(clients, table);
  await createCluster(clients, "bench-schedule");
  for (let i = 0; i < 300; i++) {
    await createService(clients, {
      cluster: "bench-schedule",
      name: `svc-${i}`,
      family: `sched-${i % 10}`,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }],
      ...(i % 3 === 0 ? { tags: { [SERVICE_TAGS.schedule]: "Mon-Fri 07:00-19:00 Europe/Berlin" } } : {}),
    });
  }
  counter.reset();
  await reconcileSchedules(clients, new StateTable(clients.documents, table), DEFAULT_CONFIG);
  const first = counter.byOperation();
  counter.reset();
  await reconcileSchedules(clients, new StateTable(clients.documents, table), DEFAULT_CONFIG);
  return { services: 300, scheduled: 100, first, second: counter.byOperation() };
}

/** AWS calls of one weekly right-sizing run (dry) over the 300 services the reconcile bench left in moto. */
async function rightsizeCalls(): Promise<Record<string, number>> {
  const counter = new ApiCallCounter();
  const clients = createAwsClients({ region: REGION, counter });
  await rightsizeFleet(
    fleetClients(clients, createInsightClients({ region: REGION, counter })),
    "bench-schedule",
    {
      prices: bundledPriceBook(REGION),
      dryRun: true,
    },
  );
  return counter.byOperation();
}

/** Task definitions checked per second: the public corpus (20 files), loaded once, evaluated repeatedly. */
async function checksPerSecond(): Promise<{ taskDefinitions: number; checksPerSecond: number }> {
  const dir = resolve(import.meta.dirname, "..", "test", "fixtures", "taskdefs");
  const loaded = (
    await Promise.all(
      readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => loadTaskDefinitionFile(join(dir, f))),
    )
  ).flat();
  const rounds = 500;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) for (const l of loaded) evaluateTaskDefinition(l, DEFAULT_CONFIG.policy);
  return {
    taskDefinitions: loaded.length,
    checksPerSecond: Math.round((rounds * loaded.length) / ((performance.now() - start) / 1000)),
  };
}

function plansPerSecond(services: number): { services: number; plansPerSecond: number } {
  const registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
  const push: ImagePush = {
    account: "123456789012",
    region: REGION,
    repository: "shop/web",
    digest: `sha256:${"b".repeat(64)}`,
    tag: "1.5.0",
    eventId: "bench",
  };
  const snapshots: ServiceSnapshot[] = Array.from({ length: services }, (_, i) => ({
    service: {
      serviceArn: `arn:aws:ecs:${REGION}:123456789012:service/prod/web-${i}`,
      clusterArn: `arn:aws:ecs:${REGION}:123456789012:cluster/prod`,
      serviceName: `web-${i}`,
      status: "ACTIVE",
      deployments: [{ id: `ecs-svc/${i}`, status: "PRIMARY", rolloutState: "COMPLETED" }],
    },
    tags: { [SERVICE_TAGS.redeploy]: i % 2 ? "minor" : "patch" },
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:${REGION}:123456789012:task-definition/web-${i}:3`,
      family: `web-${i}`,
      revision: 3,
      containerDefinitions: [
        {
          name: "web",
          image: `${registry}/shop/web:1.4.2`,
          essential: true,
          environment: [{ name: "A", value: "b" }],
        },
        { name: "envoy", image: "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.27.0.0-prod" },
      ],
    },
    taskDefinitionTags: {},
  }));
  // What loadImageFacts reads for a linux/amd64 image index: the plan runs its platform check.
  const image: ImageFacts = {
    digest: push.digest,
    platform: { known: true, platforms: [{ os: "linux", architecture: "amd64" }], from: "image index" },
  };
  const rounds = 200;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) planRedeploy(push, snapshots, DEFAULT_CONFIG, { image });
  const seconds = (performance.now() - start) / 1000;
  return { services, plansPerSecond: Math.round(rounds / seconds) };
}

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
  const bundles = await measureBundles([
    "redeploy",
    "service-index",
    "monitor",
    "schedule",
    "policy",
    "rightsize",
  ]);
  const moto = await startMotoServer();
  let calls: Awaited<ReturnType<typeof callsPerPush>>[] = [];
  let stops: Awaited<ReturnType<typeof callsPerStop>> = [];
  let reconcile: Awaited<ReturnType<typeof reconcileCalls>> | undefined;
  let rightsize: Record<string, number> = {};
  try {
    useMotoEnvironment(moto.endpoint, REGION);
    for (const n of [5, 50, 200]) calls.push(await callsPerPush(n));
    stops = await callsPerStop();
    await resetMoto(moto.endpoint);
    reconcile = await reconcileCalls();
    rightsize = await rightsizeCalls();
  } finally {
    await moto.stop();
  }
  calls = calls.sort((a, b) => a.unrelated - b.unrelated);
  const planner = [10, 200].map(plansPerSecond);
  const policy = await checksPerSecond();

  const report = {
    date: new Date().toISOString(),
    machine,
    bundles,
    callsPerPush: calls,
    callsPerStop: stops,
    planner,
    rightsizeCalls: rightsize,
  };
  mkdirSync("reports", { recursive: true });
  writeFileSync("reports/bench.json", `${JSON.stringify(report, null, 2)}\n`);

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`# ecs-autopilot benchmarks (${report.date.slice(0, 10)}, ${machine})\n`);
  out("| function | bundle (minified, SDK included) | init, median of 7 fresh processes |");
  out("|---|---|---|");
  for (const b of bundles) out(`| ${b.fn} | ${(b.bytes / 1024).toFixed(0)} KiB | ${b.initMsMedian} ms |`);
  out("\n| unrelated services | AWS calls, first push (builds index) | AWS calls per push after that |");
  out("|---|---|---|");
  for (const c of calls) out(`| ${c.unrelated} | ${c.first} | ${c.steady} |`);
  out(
    `\nsteady-state calls for 2 redeployed services: ${Object.entries(calls[0]?.byOperation ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  out("\n| task stop (application error, one service) | monitor's decision | AWS calls |");
  out("|---|---|---|");
  for (const r of stops) out(`| #${r.stop} | ${r.action} | ${r.calls} |`);
  if (reconcile) {
    const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
    const list = (calls: Record<string, number>) =>
      Object.entries(calls)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
    out(`\nschedule reconcile, ${reconcile.services} services (${reconcile.scheduled} scheduled):`);
    out(`- first run: ${sum(reconcile.first)} calls (${list(reconcile.first)})`);
    out(`- second run: ${sum(reconcile.second)} calls (${list(reconcile.second)})`);
    out(
      `\nright-sizing, the same ${reconcile.services} services, one weekly run: ${sum(rightsize)} calls (${list(rightsize)})`,
    );
  }
  out(
    `\npolicy: ${policy.checksPerSecond} task definitions checked per second (the ${policy.taskDefinitions}-file public corpus, 20 rules)`,
  );
  out("\n| candidate services | plans per second (pure planner) |");
  out("|---|---|");
  for (const p of planner) out(`| ${p.services} | ${p.plansPerSecond} |`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

async function resetMoto(endpoint: string): Promise<void> {
  await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
}
