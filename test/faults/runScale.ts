/**
 * `npm run test:scale`: 2,000 services in 40 clusters through every scheduled job (core/events
 * rules.ts) — the schedule reconcile (the first run, then the steady one every 15 minutes), the
 * index rebuild, the queued-push sweep, the daily policy audit, the agent sweep and the weekly
 * right-sizing analysis — through the real Lambda entries, against moto behind the fault proxy throttling
 * the hot APIs. Measures wall time against the function's timeout, calls by operation, retries,
 * throttles and peak concurrency, and writes them to docs/reliability.md (with `--only`, only the
 * jobs run replace theirs; the others' figures stay).
 *
 * moto is started through test/faults/moto_fast_metrics.py: moto 5.2.1 with GetMetricData
 * answered in O(datapoints) instead of O(queries × periods × datapoints), the same answers
 * (test/faults/motoFastMetrics.test.ts); `--plain-moto` runs `moto_server` itself.
 *
 *   npm run test:scale                        # 40 clusters × 50 services
 *   npm run test:scale -- --clusters 4 --per-cluster 10 --only schedule --no-doc
 *   npm run test:scale -- --only rightsize    # the weekly right-sizing job alone
 */

import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { ApiCallCounter, mapWithConcurrency } from "../../core/aws/index.ts";
import { SCHEDULED_JOBS } from "../../core/events/index.ts";
import { bundledPriceBook } from "../../core/rightsize/priceBook.ts";
import { SERVICE_TAGS } from "../../core/tags.ts";
import { createMonitorHandler } from "../../functions/monitor.ts";
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
import { FAST_METRICS_LAUNCHER } from "./fastMetricsLauncher.ts";
import { scheduledEvent } from "./flows/events.ts";
import { gitRevision } from "./gitRevision.ts";
import { type EnvironmentClients, Harness, REGION } from "./Harness.ts";
import { readSection, writeSection } from "./reliabilityDoc.ts";
import { mergeScaleSection } from "./scaleSection.ts";
import { appliedWrites } from "./scenario.ts";

const { values } = parseArgs({
  options: {
    clusters: { type: "string", default: "40" },
    "per-cluster": { type: "string", default: "50" },
    "no-doc": { type: "boolean", default: false },
    /**
     * Clusters whose services get an hour of Container Insights metrics for right-sizing (`all`,
     * or a number): the others' services are read and queried but have no usage to size.
     */
    "metrics-clusters": { type: "string", default: "all" },
    /** `moto_server` itself: its GetMetricData scans every datapoint once per period of every query. */
    "plain-moto": { type: "boolean", default: false },
    /** No throttling at all: the baseline the throttled figures compare with. */
    "no-throttle": { type: "boolean", default: false },
    /** Only these flows' scheduled jobs (e.g. `--only schedule`). */
    only: { type: "string", multiple: true },
  },
});
const CLUSTERS = Number(values.clusters);
const PER_CLUSTER = Number(values["per-cluster"]);
const SERVICES = CLUSTERS * PER_CLUSTER;
const METRICS_CLUSTERS =
  values["metrics-clusters"] === "all" ? CLUSTERS : Math.min(CLUSTERS, Number(values["metrics-clusters"]));
if (!Number.isInteger(METRICS_CLUSTERS) || METRICS_CLUSTERS < 0)
  throw new Error(
    `--metrics-clusters: "${values["metrics-clusters"]}" is neither "all" nor a number of clusters`,
  );

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

const MOTO_NOTE = values["plain-moto"]
  ? "moto ran as `moto_server` (`--plain-moto`), GetMetricData included."
  : "GetMetricData was answered by moto 5.2.1 with that one method replaced (`test/faults/moto_fast_metrics.py`): moto's own scans every stored datapoint once per period of every query (O(queries × periods × datapoints); 4,032 periods for 14 days at 5 minutes), so the right-sizing job ran into its Lambda timeout inside moto on 2026-11-26, which said nothing about our code. The replacement buckets each datapoint by period once and gives moto's answers unchanged: `test/faults/motoFastMetrics.test.ts` compares both on 1,600 random requests over 400 accounts (0 differences, return values and boto3 responses) and runs the flow's `collectUsage` against both. Every other call is plain moto.";

const harness = await Harness.start(values["plain-moto"] ? {} : { motoLauncher: FAST_METRICS_LAUNCHER });

/** One run of a scheduled job, as delivered. */
interface Run {
  readonly label: string;
  readonly delivery: AsyncDelivery;
  readonly ms: number;
  readonly timeoutMs: number;
  /** The handler's SDK calls (its ApiCallCounter). */
  readonly commands: Record<string, number>;
  /** The execution environments that ran it: their calls are this run's, whenever they came. */
  readonly environments: ReadonlySet<number>;
  readonly peakInFlight: number;
  /** The machine's 1-minute load average when the run started and ended (2 cores, shared). */
  readonly load: readonly [number, number];
}

/** A run's calls on the wire, read from the proxy's log once every run is over. */
interface Measured extends Run {
  readonly attempts: Record<string, number>;
  readonly throttled: Record<string, number>;
  readonly writes: number;
  /** Slack messages the run queued in the outbox (SendMessage that reached SQS). */
  readonly queuedMessages: number;
  /** Time spent inside moto (and the proxy) per operation, summed over attempts, ms. */
  readonly awsMs: Record<string, number>;
  /** Attempts moto answered with a server error (operations it does not implement). */
  readonly serverErrors: Record<string, number>;
  /** Calls its environments sent after their invocation had returned or thrown (dropped). */
  readonly afterEnd: Record<string, number>;
  /** Calls its environments sent after a timeout cut them off (dropped, as Lambda resets them). */
  readonly afterCut: number;
}

async function measure(
  label: string,
  functionName: string,
  build: (clients: EnvironmentClients) => LambdaHandler,
  event: Record<string, unknown>,
): Promise<Run> {
  const counter = new ApiCallCounter();
  const env = environments((id) => build(harness.clientsFor(id, counter)));
  harness.proxy.arm(values["no-throttle"] ? [] : THROTTLES, 2026);
  harness.proxy.resetPeak();
  const timeoutMs = harness.timeoutOf(functionName);
  const loadBefore = loadavg()[0] ?? 0;
  const started = Date.now();
  const delivery = await deliverAsync(event, env, {
    functionName,
    timeoutMs,
    retries: harness.retriesOf(functionName),
    ...harness.lifecycle({ postsToSlack: false }),
  });
  const ms = Date.now() - started;
  harness.proxy.disarm();
  return {
    label,
    delivery,
    ms,
    timeoutMs,
    commands: counter.byOperation(),
    environments: new Set(delivery.invocations.map((i) => i.environment)),
    peakInFlight: harness.proxy.peakInFlight,
    load: [loadBefore, loadavg()[0] ?? 0],
  };
}

function statsOf(run: Run, log: readonly ProxiedCall[]): Measured {
  const calls = log.filter((c) => c.environment !== undefined && run.environments.has(c.environment));
  const sent = calls.filter((c) => c.outside === undefined);
  return {
    ...run,
    attempts: sumBy(sent, () => 1),
    throttled: sumBy(sent, (c) => (c.fault === "throttle" ? 1 : 0)),
    writes: appliedWrites(sent).length,
    queuedMessages: sent.filter(
      (c) => c.service === "SQS" && c.action === "SendMessage" && c.reachedAws && (c.status ?? 500) < 400,
    ).length,
    awsMs: sumBy(sent, (c) => c.ms),
    serverErrors: sumBy(sent, (c) => (c.reachedAws && (c.status ?? 0) >= 500 ? 1 : 0)),
    afterEnd: sumBy(
      calls.filter((c) => c.outside === "ended"),
      () => 1,
    ),
    afterCut: calls.filter((c) => c.outside === "cut").length,
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
  const late = total(run.afterEnd);
  return [
    `### ${run.label}`,
    "",
    `- **${seconds(run.ms)}** wall time against a Lambda timeout of ${seconds(run.timeoutMs)}; invocations: ${outcome}${run.delivery.deadLettered ? " — **dead-lettered**" : ""}. Load average of the machine: ${run.load[0].toFixed(1)} at the start, ${run.load[1].toFixed(1)} at the end.`,
    ...(late > 0
      ? [
          `- **${late} call(s) were sent after an invocation had returned or thrown** (${Object.entries(
            run.afterEnd,
          )
            .map(([op, n]) => `${op} ×${n}`)
            .join(
              ", ",
            )}): work still running when the handler settled. Lambda freezes the environment then, so they would go out during a later invocation, or never; the harness drops them.`,
        ]
      : []),
    ...(run.afterCut > 0
      ? [
          `- ${run.afterCut} call(s) came from an invocation after its timeout had cut it off (dropped, as Lambda resets the environment).`,
        ]
      : []),
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

  const builders: Record<string, (clients: EnvironmentClients) => LambdaHandler> = {
    schedule: (clients) => createScheduleHandler(createRuntime("schedule", { clients: clients.aws })),
    "service-index": (clients) =>
      createServiceIndexHandler(createRuntime("service-index", { clients: clients.aws })),
    redeploy: (clients) => createRedeployHandler(createRuntime("redeploy", { clients: clients.aws })),
    policy: (clients) => createPolicyHandler(createRuntime("policy", { clients: clients.aws })),
    monitor: (clients) => createMonitorHandler(createRuntime("monitor", { clients: clients.aws })),
    rightsize: (clients) =>
      createRightsizeHandler(createRuntime("rightsize", { clients: clients.aws }), {
        prices: bundledPriceBook(REGION),
        insight: clients.insight,
      }),
  };
  const runs: Run[] = [];
  let metricsSeeded = 0;
  let sequence = 0;
  const run = async (label: string, flow: string) => {
    const build = builders[flow];
    if (!build) throw new Error(`no handler for the scheduled flow ${flow}`);
    const id = `9c8d7e6f-0000-4000-8000-${String(++sequence).padStart(12, "0")}`;
    const measured = await measure(label, flow, build, scheduledEvent(id));
    console.log(
      `${label}: ${seconds(measured.ms)}, ${total(measured.commands)} calls, ${measured.delivery.invocations.map((i) => i.outcome).join("/")}`,
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
      const withMetrics = clusters.slice(0, METRICS_CLUSTERS);
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

  // Orphaned work (an invocation's promises still running after it ended) shows up late: wait a little.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const measuredRuns = runs.map((r) => statsOf(r, harness.proxy.log));
  const seeding = `Seeding (straight into moto, not measured below): services ${seconds(seededServices)}${metricsSeeded ? `, one hour of Container Insights metrics (12 five-minute points of 3 metrics) for ${METRICS_CLUSTERS * PER_CLUSTER} services ${seconds(metricsSeeded)}` : ""}.`;
  const scope = `**${SERVICES} services in ${CLUSTERS} clusters** (${PER_CLUSTER} per cluster; half outside their schedule window now, half inside it with \`up-capacity 2-6\`)`;
  const section = only
    ? // A partial run: its jobs replace theirs, the rest of the section stays as measured.
      mergeScaleSection(
        readSection("scale") ?? "## Scale run",
        measuredRuns
          .flatMap((run) => {
            const [heading, blank, ...rest] = describeRun(run);
            return [
              heading ?? "",
              blank ?? "",
              `- Measured ${now.toISOString().slice(0, 10)} on \`${gitRevision()}\` in a run of its own (\`npm run test:scale -- ${process.argv.slice(2).join(" ")}\`): ${scope}, the throttling described above. ${seeding} ${MOTO_NOTE}`,
              ...rest,
            ];
          })
          .join("\n"),
      )
    : [
        "## Scale run",
        "",
        `Measured ${now.toISOString().slice(0, 10)} on \`${gitRevision()}\`: ${scope}, through the real Lambda entries with Lambda's timeout, against moto 5.2.1 behind the fault proxy. Throttling: ${THROTTLE_NOTE} ${MOTO_NOTE}`,
        "",
        `${seeding} Times are this machine's (2 shared cores, moto in Python on loopback); AWS's own latency is not modelled, so they say how the flow's calls and retries add up, not how long it takes in an AWS account.`,
        "",
        ...measuredRuns.flatMap(describeRun),
      ].join("\n");
  if (values["no-doc"]) console.log(section);
  else {
    writeSection("scale", section);
    console.log("docs/reliability.md: scale run written");
  }
} finally {
  await harness.stop();
}
