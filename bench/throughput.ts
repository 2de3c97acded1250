/**
 * Throughput of the pure parts: the redeploy planner, the policy engine and the schedule planner.
 * Each is timed interleaved with a baseline on the same input — `structuredClone` of that input,
 * the cost of merely copying what the part reads — so each figure is also a ratio that the
 * machine's load affects on both sides. Absolute rates are medians of the same rounds.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Service } from "@aws-sdk/client-ecs";
import { DEFAULT_CONFIG } from "../core/config/index.ts";
import type { Json } from "../core/policy/fields.ts";
import {
  evaluateResource,
  evaluateTaskDefinition,
  type LoadedTaskDefinition,
  loadTaskDefinitionFile,
  loadTaskDefinitionText,
} from "../core/policy/index.ts";
import { parseStructuredText } from "../core/policy/inputs/structuredText.ts";
import { resourcesFromTerraformPlan } from "../core/policy/inputs/terraformResources.ts";
import {
  type ImageFacts,
  type ImagePush,
  planRedeploy,
  type ServiceSnapshot,
} from "../core/redeploy/index.ts";
import { planSchedules, type ScheduleInputs } from "../core/schedule/index.ts";
import { SERVICE_TAGS } from "../core/tags.ts";
import { type Spread, spread } from "./stats.ts";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";

export interface Throughput {
  readonly part: string;
  readonly input: string;
  /** Items (services, task definitions) per second: median and spread over the rounds. */
  readonly perSecond: Spread;
  /** Time of the part over the time of copying its input (`structuredClone`), per round. */
  readonly overCopy: Spread;
}

/** Runs `part` and `copy` alternately, `rounds` times each, for at least `minMs` per timing. */
function interleaved(
  items: number,
  part: () => void,
  copy: () => void,
  rounds: number,
  minMs: number,
): { perSecond: Spread; overCopy: Spread } {
  // Repetitions per timing: enough for minMs, found once on the part.
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) part();
    if (performance.now() - t >= minMs) break;
    reps *= 2;
  }
  const rates: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = 0; i < reps; i++) part();
    const partMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < reps; i++) copy();
    const copyMs = performance.now() - t;
    rates.push((items * reps) / (partMs / 1000));
    ratios.push(partMs / copyMs);
  }
  return { perSecond: spread(rates), overCopy: spread(ratios) };
}

function snapshots(services: number): ServiceSnapshot[] {
  const registry = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
  return Array.from({ length: services }, (_, i) => ({
    service: {
      serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/web-${i}`,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`,
      serviceName: `web-${i}`,
      status: "ACTIVE",
      deployments: [{ id: `ecs-svc/${i}`, status: "PRIMARY", rolloutState: "COMPLETED" }],
    },
    tags: { [SERVICE_TAGS.redeploy]: i % 2 ? "minor" : "patch" },
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web-${i}:3`,
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
}

function plannerThroughput(services: number, rounds: number, minMs: number): Throughput {
  const push: ImagePush = {
    account: ACCOUNT,
    region: REGION,
    repository: "shop/web",
    digest: `sha256:${"b".repeat(64)}`,
    tag: "1.5.0",
    eventId: "bench",
  };
  const input = snapshots(services);
  // What loadImageFacts reads for a linux/amd64 image index whose tag still names it: the plan
  // runs its tag and platform checks.
  const image: ImageFacts = {
    digest: push.digest,
    platform: { known: true, platforms: [{ os: "linux", architecture: "amd64" }], from: "image index" },
    tagNow: { tag: "1.5.0", digest: push.digest },
  };
  const plan = planRedeploy(push, input, DEFAULT_CONFIG, { image });
  const deploys = plan.actions.filter((a) => a.kind === "deploy").length;
  // 1.4.2 → 1.5.0: the `minor` half deploys, the `patch` half is skipped by its tag policy.
  if (deploys !== Math.floor(services / 2))
    throw new Error(`the planner deployed ${deploys} of ${services} services, expected half`);
  return {
    part: "redeploy planner (`planRedeploy`)",
    input: `${services} services using the pushed repository (half deploy, half skipped by tag policy)`,
    ...interleaved(
      services,
      () => planRedeploy(push, input, DEFAULT_CONFIG, { image }),
      () => structuredClone(input),
      rounds,
      minMs,
    ),
  };
}

/** The shared corpus when it is there (`/work/shared/corpus/taskdefs`), else the test fixtures. */
export function corpusDirectory(): string {
  const shared = process.env.AUTOPILOT_CORPUS ?? "/work/shared/corpus/taskdefs";
  return existsSync(shared) ? shared : resolve(import.meta.dirname, "..", "test", "fixtures", "taskdefs");
}

async function loadCorpus(dir: string): Promise<LoadedTaskDefinition[]> {
  const files = readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f));
  return (await Promise.all(files.map((f) => loadTaskDefinitionFile(join(dir, f))))).flat();
}

/**
 * `count` task definitions made from the corpus: definition `i` is corpus entry `i mod n` with
 * its own family, image tags and an environment variable, so no two are equal.
 */
function synthetic(corpus: readonly LoadedTaskDefinition[], count: number): LoadedTaskDefinition[] {
  return Array.from({ length: count }, (_, i) => {
    const source = corpus[i % corpus.length] as LoadedTaskDefinition;
    const document = structuredClone(source.taskDefinition) as Record<string, unknown>;
    document.family = `synthetic-${i}`;
    const containers = (document.containerDefinitions ?? []) as Array<Record<string, unknown>>;
    for (const container of containers) {
      if (typeof container.image === "string")
        container.image = `${container.image.split(":")[0]}:1.${i % 50}.0`;
      container.environment = [
        ...((container.environment as unknown[]) ?? []),
        { name: "SYNTHETIC_INDEX", value: String(i) },
      ];
    }
    const [loaded] = loadTaskDefinitionText(JSON.stringify(document), `synthetic-${i}.json`);
    if (!loaded) throw new Error(`synthetic definition ${i} did not load`);
    return loaded;
  });
}

function policyThroughput(
  label: string,
  loaded: readonly LoadedTaskDefinition[],
  rounds: number,
  minMs: number,
): Throughput {
  const documents = loaded.map((l) => l.taskDefinition);
  return {
    part: "policy engine (`evaluateTaskDefinition`, default rules)",
    input: label,
    ...interleaved(
      loaded.length,
      () => {
        for (const l of loaded) evaluateTaskDefinition(l, DEFAULT_CONFIG.policy);
      },
      () => structuredClone(documents),
      rounds,
      minMs,
    ),
  };
}

function schedulePlannerThroughput(services: number, rounds: number, minMs: number): Throughput {
  const list: Service[] = Array.from({ length: services }, (_, i) => ({
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/svc-${i}`,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`,
    serviceName: `svc-${i}`,
    status: "ACTIVE",
    desiredCount: 2,
    taskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/svc-${i}:1`,
    tags: [{ key: SERVICE_TAGS.schedule, value: "Mon-Fri 07:00-19:00 Europe/Berlin" }],
  }));
  const inputs: ScheduleInputs = {
    services: list,
    actions: new Map(),
    targets: new Map(),
    remembered: new Map(),
  };
  const now = new Date("2026-11-25T10:00:00Z");
  const scheduled = planSchedules(inputs, DEFAULT_CONFIG, now).filter((p) => p.status === "scheduled").length;
  if (scheduled !== services)
    throw new Error(`the schedule planner scheduled ${scheduled} of ${services} services`);
  return {
    part: "schedule planner (`planSchedules`)",
    input: `${services} scheduled services, first run (every action to create)`,
    ...interleaved(
      services,
      () => planSchedules(inputs, DEFAULT_CONFIG, now),
      () => structuredClone(list),
      rounds,
      minMs,
    ),
  };
}

/**
 * A `terraform show -json` plan of `others` S3 objects and one Fargate service with its task
 * definition and cluster: the shape of a large real plan, where ECS is a small part (review 14,
 * defect 7: such a plan of 40,000 resources took 15-67 s and 2.4 GB through the YAML parser).
 */
export function syntheticPlan(others: number): string {
  const change = (type: string, name: string, after: Record<string, unknown>) => ({
    address: `${type}.${name}`,
    mode: "managed",
    type,
    name,
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions: ["create"], before: null, after, after_unknown: { id: true, arn: true } },
  });
  const changes = Array.from({ length: others }, (_, i) =>
    change("aws_s3_object", `o${i}`, {
      bucket: "assets",
      key: `static/${i}.js`,
      content_type: "application/javascript",
      tags: { team: "web", index: String(i) },
    }),
  );
  changes.push(
    change("aws_ecs_cluster", "main", {
      name: "main",
      setting: [{ name: "containerInsights", value: "enabled" }],
    }),
    change("aws_ecs_task_definition", "web", {
      family: "web",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      container_definitions: JSON.stringify([{ name: "web", image: "nginx:1.27", essential: true }]),
    }),
    change("aws_ecs_service", "web", { name: "web", launch_type: "FARGATE", desired_count: 2 }),
  );
  return JSON.stringify(
    { format_version: "1.2", terraform_version: "1.9.8", resource_changes: changes, configuration: {} },
    null,
    2,
  );
}

/** Reading a large plan (parse, find the ECS resources, locate each finding) against `JSON.parse` of it. */
function planInputThroughput(others: number, rounds: number, minMs: number): Throughput {
  const text = syntheticPlan(others);
  const file = "synthetic-plan.json";
  const check = () => {
    const source = parseStructuredText(text, file);
    for (const resource of resourcesFromTerraformPlan(source.value as Json, file, source))
      evaluateResource(resource, DEFAULT_CONFIG.policy);
  };
  return {
    part: "policy input (`terraform show -json` plan: parse, ECS resources, evaluate, locate)",
    input: `a ${(text.length / 2 ** 20).toFixed(1)} MiB plan of ${others.toLocaleString("en-US")} S3 objects and 3 ECS resources; the ratio is over \`JSON.parse\` of it`,
    ...interleaved(1, check, () => JSON.parse(text), rounds, minMs),
  };
}

export interface ThroughputOptions {
  readonly rounds: number;
  /** Milliseconds per timing (each round times the part and the copy once). */
  readonly minMs: number;
  readonly plannerServices: readonly number[];
  readonly syntheticDefinitions: number;
  readonly scheduleServices: number;
  /** Non-ECS resources in the synthetic Terraform plan. */
  readonly planResources: number;
}

export async function throughput(
  options: ThroughputOptions,
): Promise<{ corpus: string; rows: Throughput[] }> {
  const { rounds, minMs } = options;
  const rows: Throughput[] = options.plannerServices.map((n) => plannerThroughput(n, rounds, minMs));
  const dir = corpusDirectory();
  const corpus = await loadCorpus(dir);
  rows.push(
    policyThroughput(`${corpus.length} task definitions of the corpus (${dir})`, corpus, rounds, minMs),
  );
  rows.push(
    policyThroughput(
      `${options.syntheticDefinitions.toLocaleString("en-US")} synthetic definitions made from the corpus`,
      synthetic(corpus, options.syntheticDefinitions),
      rounds,
      minMs,
    ),
  );
  rows.push(schedulePlannerThroughput(options.scheduleServices, rounds, minMs));
  rows.push(planInputThroughput(options.planResources, rounds, minMs));
  return { corpus: dir, rows };
}
