/**
 * `npm run test:scale`: 2,000 services in 40 clusters through every scheduled job (core/events
 * rules.ts) — the schedule reconcile (the first run, then the steady one every 15 minutes), the
 * index rebuild, the queued-push sweep, the daily policy audit and the weekly right-sizing
 * analysis — through the real Lambda entries, against moto behind the fault proxy throttling
 * the hot APIs. Measures wall time against the function's timeout, calls by operation, retries,
 * throttles and peak concurrency, and writes them to docs/reliability.md.
 *
 *   npm run test:scale                        # 40 clusters × 50 services
 *   npm run test:scale -- --clusters 4 --per-cluster 10 --only schedule --no-doc
 */

import { parseArgs } from "node:util";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { ApiCallCounter, createAwsClients, mapWithConcurrency } from "../../core/aws/index.ts";
import { createInsightClients } from "../../core/aws/insightClients.ts";
import { SCHEDULED_JOBS } from "../../core/events/index.ts";
import { bundledPriceBook } from "../../core/rightsize/priceBook.ts";
import { SERVICE_TAGS } from "../../core/tags.ts";
import { createPolicyHandler } from "../../functions/policy.ts";
import { createRedeployHandler } from "../../functions/redeploy.ts";
import { createRightsizeHandler } from "../../functions/rightsize.ts";
import { createScheduleHandler } from "../../functions/schedule.ts";
import { createServiceIndexHandler } from "../../functions/service-index.ts";
import type { LambdaHandler } from "../../runtime/rejectInvalidEvents.ts";
import { createRuntime } from "../../runtime/runtime.ts";
import { ecrImage, putContainerInsights } from "../../sandbox/seed.ts";
import { type AsyncDelivery, deliverAsync, environments } from "./asyncInvoke.ts";
import type { FaultRule, ProxiedCall } from "./FaultProxy.ts";
import { scheduledEvent } from "./flows/events.ts";
import { gitRevision } from "./gitRevision.ts";
import { Harness, LAMBDA_RETRIES, REGION } from "./Harness.ts";
import { writeSection } from "./reliabilityDoc.ts";
import { appliedWrites } from "./scenario.ts";

const { values } = parseArgs({
  options: {
    clusters: { type: "string", default: "40" },
    "per-cluster": { type: "string", default: "50" },
    "no-doc": { type: "boolean", default: false },
    /**
     * Clusters whose services get Container Insights metrics for right-sizing. moto's
     * GetMetricData takes about a minute for 40 services' queries on this machine, so all 40
     * clusters' would not finish: the rest are read and queried, but unmeasured.
     */
    "metrics-clusters": { type: "string", default: "1" },
    /** No throttling at all: the baseline the throttled figures compare with. */
    "no-throttle": { type: "boolean", default: false },
    /** Only these flows' scheduled jobs (e.g. `--only schedule`). */
    only: { type: "string", multiple: true },
  },
});
const CLUSTERS = Number(values.clusters);
const PER_CLUSTER = Number(values["per-cluster"]);
const SERVICES = CLUSTERS * PER_CLUSTER;

/**
 * ECS API throttling as AWS documents it: token buckets per action category (capacity = burst,
 * refill per second = sustained). Source: "Request throttling for the Amazon ECS API", Amazon ECS
 * API Reference, docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
 * (read 2026-05). Application Auto Scaling and DynamoDB publish no per-action request rate, so
 * their hot calls get a fixed 2 % of throttles: a harness choice, not an AWS figure.
 */
const THROTTLES: readonly FaultRule[] = [
  {
    service: "ECS",
    action: ["DescribeClusters", "ListClusters"],
    fault: "throttle",
    bucket: { capacity: 50, refillPerSecond: 20 },
  },
  {
    service: "ECS",
    action: ["DescribeServices", "ListServices"],
    fault: "throttle",
    bucket: { capacity: 100, refillPerSecond: 20 },
  },
  {
    service: "ECS",
    action: ["DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"],
    fault: "throttle",
    bucket: { capacity: 50, refillPerSecond: 20 },
  },
  {
    service: "ECS",
    action: ["CreateService", "DeleteService", "UpdateService"],
    fault: "throttle",
    bucket: { capacity: 50, refillPerSecond: 5 },
  },
  {
    service: "ECS",
    action: ["RegisterTaskDefinition", "DeregisterTaskDefinition"],
    fault: "throttle",
    bucket: { capacity: 20, refillPerSecond: 1 },
  },
  { service: "ApplicationAutoScaling", action: "*", fault: "throttle", probability: 0.02 },
  {
    service: "DynamoDB",
    action: ["PutItem", "BatchGetItem", "Query", "BatchWriteItem"],
    fault: "throttle",
    probability: 0.02,
  },
];
const THROTTLE_NOTE =
  "ECS: the documented token buckets per action category (service reads 100 burst / 20 per s, cluster and task-definition reads 50 / 20, service writes 50 / 5, task-definition writes 20 / 1; ECS API Reference, “Request throttling for the Amazon ECS API”). Application Auto Scaling (all actions) and DynamoDB (PutItem, BatchGetItem, Query, BatchWriteItem): 2 % of calls throttled — they publish no per-action rate, so this share is the harness's choice, not an AWS figure.";

const harness = await Harness.start();

interface Measured {
  readonly label: string;
  readonly delivery: AsyncDelivery;
  readonly ms: number;
  readonly timeoutMs: number;
  readonly commands: Record<string, number>;
  readonly attempts: Record<string, number>;
  readonly throttled: Record<string, number>;
  readonly writes: number;
  readonly peakInFlight: number;
  /** Slack messages the run queued in the outbox (SendMessage to it that reached SQS). */
  readonly queuedMessages: number;
  /** Time spent inside moto (and the proxy) per operation, summed over attempts, ms. */
  readonly awsMs: Record<string, number>;
  /** Attempts moto answered with a server error (operations it does not implement). */
  readonly serverErrors: Record<string, number>;
  readonly response?: unknown;
}

async function measure(
  label: string,
  functionName: string,
  build: (counter: ApiCallCounter) => LambdaHandler,
  event: Record<string, unknown>,
): Promise<Measured> {
  const counter = new ApiCallCounter();
  const env = environments(() => build(counter));
  harness.proxy.arm(values["no-throttle"] ? [] : THROTTLES, 2026);
  harness.proxy.resetLog();
  const timeoutMs = harness.timeoutOf(functionName);
  const started = Date.now();
  const delivery = await deliverAsync(event, env, {
    functionName,
    timeoutMs,
    retries: LAMBDA_RETRIES,
    freeze: () => {
      harness.proxy.freeze();
      harness.slack.freeze();
    },
    thaw: () => {
      harness.proxy.thaw();
      harness.slack.thaw();
    },
  });
  const ms = Date.now() - started;
  harness.proxy.disarm();
  if (process.env.DEBUG_GAPS) {
    let previous = started;
    for (const call of harness.proxy.log) {
      if (call.at - previous > 500)
        console.log(`  gap ${call.at - previous} ms before ${call.service}.${call.action}`);
      if (call.ms > 500) console.log(`  ${call.service}.${call.action} took ${call.ms} ms`);
      previous = call.at + call.ms;
    }
    console.log(`  end gap ${Date.now() - previous} ms`);
  }
  const throttled: Record<string, number> = {};
  for (const call of harness.proxy.log)
    if (call.fault === "throttle")
      throttled[`${call.service}.${call.action}`] = (throttled[`${call.service}.${call.action}`] ?? 0) + 1;
  const last = delivery.invocations[delivery.invocations.length - 1];
  return {
    label,
    delivery,
    ms,
    timeoutMs,
    commands: counter.byOperation(),
    attempts: harness.proxy.attemptsByOperation(),
    throttled,
    writes: appliedWrites(harness.proxy.log).length,
    peakInFlight: harness.proxy.peakInFlight,
    queuedMessages: harness.proxy.log.filter(
      (c) => c.service === "SQS" && c.action === "SendMessage" && c.reachedAws && (c.status ?? 500) < 400,
    ).length,
    awsMs: sumBy(harness.proxy.log, (c) => c.ms),
    serverErrors: sumBy(harness.proxy.log, (c) => (c.reachedAws && (c.status ?? 0) >= 500 ? 1 : 0)),
    ...(last?.response !== undefined ? { response: last.response } : {}),
  };
}

function sumBy(calls: readonly ProxiedCall[], value: (call: ProxiedCall) => number): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const call of calls) {
    const key = `${call.service}.${call.action}`;
    sums[key] = (sums[key] ?? 0) + value(call);
  }
  return sums;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function table(run: Measured): string[] {
  const operations = [...new Set([...Object.keys(run.commands), ...Object.keys(run.attempts)])].sort();
  return [
    "| operation | calls | attempts | throttled | moto errors | time in moto |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...operations.map(
      (op) =>
        `| ${op} | ${run.commands[op] ?? 0} | ${run.attempts[op] ?? 0} | ${run.throttled[op] ?? 0} | ${run.serverErrors[op] ?? 0} | ${seconds(run.awsMs[op] ?? 0)} |`,
    ),
    `| **total** | **${total(run.commands)}** | **${total(run.attempts)}** | **${total(run.throttled)}** | **${total(run.serverErrors)}** | **${seconds(total(run.awsMs))}** |`,
  ];
}

function describeRun(run: Measured): string[] {
  const outcome = run.delivery.invocations
    .map((i) => `${i.outcome}${i.error ? ` (${i.error})` : ""} after ${seconds(i.ms)}`)
    .join("; ");
  const retries = total(run.attempts) - total(run.commands);
  return [
    `### ${run.label}`,
    "",
    `- **${seconds(run.ms)}** wall time against a Lambda timeout of ${seconds(run.timeoutMs)}; invocations: ${outcome}${run.delivery.deadLettered ? " — **dead-lettered**" : ""}.`,
    `- ${total(run.commands)} SDK calls, ${total(run.attempts)} attempts on the wire: ${retries} retries, ${total(run.throttled)} throttled (${total(run.attempts) > 0 ? ((100 * total(run.throttled)) / total(run.attempts)).toFixed(1) : "0"} % of attempts); peak ${run.peakInFlight} call(s) in flight; ${run.writes} writes applied; ${run.queuedMessages} Slack message(s) queued in the outbox; ${seconds(total(run.awsMs))} of calls' time spent in moto (summed over concurrent calls).`,
    "",
    ...table(run),
    "",
  ];
}

try {
  await harness.reset({});
  const seedStarted = Date.now();
  const { direct } = harness;
  const now = new Date();
  const clock = (hours: number) =>
    new Date(Math.floor((now.getTime() + hours * 3_600_000) / 300_000) * 300_000).toISOString().slice(11, 16);
  const offNow = `Mon-Fri ${clock(6)}-${clock(8)} UTC`;
  const upNow = `Mon-Sun ${clock(-6)}-${clock(6)} Europe/Berlin`;
  const clusters = Array.from({ length: CLUSTERS }, (_, c) => `team-${String(c).padStart(2, "0")}`);
  await mapWithConcurrency(clusters, 4, async (cluster, c) => {
    await direct.ecs.send(
      new CreateClusterCommand({
        clusterName: cluster,
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    const registered = await direct.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `${cluster}-app`,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "1024",
        memory: "2048",
        containerDefinitions: [
          { name: "app", image: ecrImage(REGION, `${cluster}/app`, "1.0.0"), essential: true },
        ],
      }),
    );
    for (let s = 0; s < PER_CLUSTER; s++) {
      const up = (c * PER_CLUSTER + s) % 2 === 1;
      await direct.ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: `svc-${String(s).padStart(3, "0")}`,
          taskDefinition: registered.taskDefinition?.taskDefinitionArn,
          desiredCount: 2,
          launchType: "FARGATE",
          tags: Object.entries(
            up
              ? { [SERVICE_TAGS.schedule]: upNow, [SERVICE_TAGS.upCapacity]: "2-6" }
              : { [SERVICE_TAGS.schedule]: offNow },
          ).map(([key, value]) => ({ key, value })),
        }),
      );
    }
  });
  const seededServices = Date.now() - seedStarted;
  console.log(`seeded ${SERVICES} services in ${CLUSTERS} clusters in ${seconds(seededServices)}`);

  const builders: Record<string, (counter: ApiCallCounter) => LambdaHandler> = {
    schedule: (counter) =>
      createScheduleHandler(createRuntime("schedule", { clients: createAwsClients({ counter }) })),
    "service-index": (counter) =>
      createServiceIndexHandler(createRuntime("service-index", { clients: createAwsClients({ counter }) })),
    redeploy: (counter) =>
      createRedeployHandler(createRuntime("redeploy", { clients: createAwsClients({ counter }) })),
    policy: (counter) =>
      createPolicyHandler(createRuntime("policy", { clients: createAwsClients({ counter }) })),
    rightsize: (counter) =>
      createRightsizeHandler(createRuntime("rightsize", { clients: createAwsClients({ counter }) }), {
        prices: bundledPriceBook(REGION),
        insight: createInsightClients({ counter }),
      }),
  };
  const runs: Measured[] = [];
  let metricsSeeded = 0;
  let sequence = 0;
  const run = async (label: string, flow: string) => {
    const build = builders[flow];
    if (!build) throw new Error(`no handler for the scheduled flow ${flow}`);
    const id = `9c8d7e6f-0000-4000-8000-${String(++sequence).padStart(12, "0")}`;
    const measured = await measure(label, flow, build, scheduledEvent(id));
    console.log(
      `${label}: ${seconds(measured.ms)}, ${total(measured.commands)} calls, ${total(measured.throttled)} throttled, ${measured.writes} writes, ${measured.delivery.invocations.map((i) => i.outcome).join("/")}`,
    );
    runs.push(measured);
  };
  // Every scheduled job (core/events/rules.ts), in the order they matter at this scale.
  const only = values.only ? new Set(values.only) : undefined;
  for (const job of SCHEDULED_JOBS) {
    if (only && !only.has(job.flow)) continue;
    if (job.flow === "schedule") {
      await run(
        `${job.name} (${job.schedule}): first reconcile — every service gets its target, actions and memory`,
        job.flow,
      );
      await run(`${job.name}: the next reconcile, nothing to change`, job.flow);
    } else if (job.flow === "rightsize") {
      const metricsStarted = Date.now();
      const points = Array.from({ length: 12 }, (_, i) => ({
        at: new Date(Date.now() - (i + 1) * 300_000),
        tasks: 2,
        cpu: 200,
        memory: 600,
      }));
      const withMetrics = clusters.slice(0, Number(values["metrics-clusters"]));
      const services = withMetrics.flatMap((cluster) =>
        Array.from({ length: PER_CLUSTER }, (_, s) => ({
          cluster,
          service: `svc-${String(s).padStart(3, "0")}`,
        })),
      );
      await mapWithConcurrency(services, 4, ({ cluster, service }) =>
        putContainerInsights(direct.cloudwatch, cluster, service, points),
      );
      metricsSeeded = Date.now() - metricsStarted;
      console.log(
        `seeded one hour of Container Insights metrics for ${services.length} services in ${seconds(metricsSeeded)}`,
      );
      await run(
        `${job.name} (${job.schedule}): the analysis, report only (no service tagged apply); ${services.length} of ${SERVICES} services have metrics`,
        job.flow,
      );
    } else {
      await run(`${job.name} (${job.schedule})`, job.flow);
    }
  }

  const section = [
    "## Scale run",
    "",
    `Measured ${now.toISOString().slice(0, 10)} on \`${gitRevision()}\`: **${SERVICES} services in ${CLUSTERS} clusters** (${PER_CLUSTER} per cluster; half outside their schedule window now, half inside it with \`up-capacity 2-6\`), through the real Lambda entries with Lambda's timeout, against moto 5.2.1 behind the fault proxy. Throttling: ${THROTTLE_NOTE}`,
    "",
    `Seeding (straight into moto, not measured below): services ${seconds(seededServices)}${metricsSeeded ? `, one hour of Container Insights metrics for ${Number(values["metrics-clusters"]) * PER_CLUSTER} services ${seconds(metricsSeeded)}` : ""}. Times are this machine's (2 shared cores, moto in Python on loopback); AWS's own latency is not modelled, so they say how the flow's calls and retries add up, not how long it takes in an AWS account.`,
    "",
    ...runs.flatMap(describeRun),
  ].join("\n");
  if (values["no-doc"]) console.log(section);
  else {
    writeSection("scale", section);
    console.log("docs/reliability.md: scale run written");
  }
} finally {
  await harness.stop();
}
