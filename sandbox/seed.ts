/**
 * Building blocks for a fake-but-real AWS account in moto: clusters, repositories, task
 * definitions, services with tags, image pushes. Used by `npm start` and the integration tests.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateRepositoryCommand, PutImageCommand } from "@aws-sdk/client-ecr";
import {
  type ContainerDefinition,
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
} from "@aws-sdk/client-ecs";
import { chunk } from "../core/aws/concurrency.ts";
import type { AwsClients } from "../core/aws/index.ts";
import type { EcrImageActionEvent } from "../core/events/index.ts";
import { SERVICE_TAGS } from "../core/tags.ts";

export const ACCOUNT = "123456789012";
const FIXTURES = resolve(import.meta.dirname, "..", "test", "fixtures", "events");

/** A real AWS sample event from test/fixtures/events. */
export function sampleEvent(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as Record<string, unknown>;
}

export function ecrImage(region: string, repository: string, reference: string): string {
  const separator = reference.startsWith("sha256:") ? "@" : ":";
  return `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repository}${separator}${reference}`;
}

export async function createCluster(clients: AwsClients, name: string): Promise<string> {
  const response = await clients.ecs.send(new CreateClusterCommand({ clusterName: name }));
  return response.cluster?.clusterArn ?? "";
}

export async function createRepository(clients: AwsClients, name: string): Promise<void> {
  await clients.ecr.send(
    new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: "MUTABLE" }),
  );
}

/** Pushes an image manifest (moto cannot take layer uploads) and returns its digest. */
export async function pushImage(
  clients: AwsClients,
  repository: string,
  tag: string,
  content = tag,
): Promise<string> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: 7023,
      digest: sha(`config-${repository}-${content}`),
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: 32654,
        digest: sha(`layer-${repository}-${content}`),
      },
    ],
  });
  const response = await clients.ecr.send(
    new PutImageCommand({ repositoryName: repository, imageManifest: manifest, imageTag: tag }),
  );
  const digest = response.image?.imageId?.imageDigest;
  if (!digest) throw new Error(`PutImage returned no digest for ${repository}:${tag}`);
  return digest;
}

function sha(seed: string): string {
  // Deterministic fake layer digests: moto derives the image digest from them.
  let hex = "";
  for (let i = 0; hex.length < 64; i++) hex += Buffer.from(`${seed}#${i}`).toString("hex");
  return `sha256:${hex.slice(0, 64)}`;
}

/** The "ECR Image Action" event ECR sends for a push: the documented sample with this push's values. */
export function ecrPushEvent(push: {
  region: string;
  repository: string;
  digest: string;
  tag?: string;
  id: string;
  /** When the push happened (default: now). */
  time?: string;
}): EcrImageActionEvent {
  const sample = sampleEvent("ecr-image-action-push.json") as unknown as EcrImageActionEvent;
  const detail = { ...sample.detail, "repository-name": push.repository, "image-digest": push.digest };
  if (push.tag === undefined) delete detail["image-tag"];
  else detail["image-tag"] = push.tag;
  return {
    ...sample,
    id: push.id,
    account: ACCOUNT,
    region: push.region,
    time: push.time ?? new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    detail,
  };
}

export interface ServiceSpec {
  readonly cluster: string;
  readonly name: string;
  readonly family?: string;
  readonly containers: readonly ContainerDefinition[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly launchType?: "FARGATE" | "EC2";
  readonly taskDefinition?: Partial<RegisterTaskDefinitionCommandInput>;
  readonly desiredCount?: number;
}

/** Registers a task definition and creates a service running it. */
export async function createService(clients: AwsClients, spec: ServiceSpec): Promise<Service> {
  const fargate = (spec.launchType ?? "FARGATE") === "FARGATE";
  const registered = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: spec.family ?? spec.name,
      networkMode: fargate ? "awsvpc" : "bridge",
      requiresCompatibilities: [spec.launchType ?? "FARGATE"],
      cpu: "256",
      memory: "512",
      containerDefinitions: [...spec.containers],
      ...spec.taskDefinition,
    }),
  );
  const response = await clients.ecs.send(
    new CreateServiceCommand({
      cluster: spec.cluster,
      serviceName: spec.name,
      taskDefinition: registered.taskDefinition?.taskDefinitionArn,
      desiredCount: spec.desiredCount ?? 2,
      launchType: spec.launchType ?? "FARGATE",
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      // No networkConfiguration: moto checks subnets against its EC2 model and never launches tasks anyway.
      tags: Object.entries(spec.tags ?? {}).map(([key, value]) => ({ key, value })),
    }),
  );
  if (!response.service) throw new Error(`CreateService returned no service for ${spec.name}`);
  return response.service;
}

/**
 * A fleet for measuring a push: two services (in two clusters) track `repository` with the
 * `minor` policy; `unrelated` more services, spread over four clusters, use 20 other
 * repositories. Returns the tracked repository's name.
 */
export async function seedPushFleet(clients: AwsClients, region: string, unrelated: number): Promise<string> {
  const clusters = ["prod", "staging", "batch", "internal"].map((c) => `${c}-${unrelated}`);
  for (const cluster of clusters) await createCluster(clients, cluster);
  const repository = `shop/web-${unrelated}`;
  await createRepository(clients, repository);
  for (const [i, cluster] of clusters.slice(0, 2).entries()) {
    await createService(clients, {
      cluster,
      name: `web-${i}`,
      tags: { [SERVICE_TAGS.redeploy]: "minor" },
      containers: [{ name: "web", image: ecrImage(region, repository, "1.0.0"), essential: true }],
    });
  }
  for (let i = 0; i < unrelated; i++) {
    await createService(clients, {
      cluster: clusters[i % clusters.length] ?? "prod",
      name: `other-${i}`,
      family: `other-${unrelated}-${i % 20}`,
      tags: { [SERVICE_TAGS.redeploy]: "minor" },
      containers: [{ name: "app", image: ecrImage(region, `team-${i % 20}/app`, "1.0.0"), essential: true }],
    });
  }
  return repository;
}

/** One period of a service's usage: running tasks, CPU units and MiB used per task. */
export interface UsagePoint {
  readonly at: Date;
  readonly tasks: number;
  readonly cpu: number;
  readonly memory: number;
}

/**
 * Writes a service's usage as Container Insights publishes it: `CpuUtilized` and `MemoryUtilized`
 * summed over the tasks, and `RunningTaskCount`. Small batches: the SDK gzips larger
 * PutMetricData bodies, which moto 5.2.1 fails to read.
 */
export async function putContainerInsights(
  cloudwatch: CloudWatchClient,
  cluster: string,
  service: string,
  points: readonly UsagePoint[],
): Promise<void> {
  const dimensions = [
    { Name: "ClusterName", Value: cluster },
    { Name: "ServiceName", Value: service },
  ];
  const series: Array<[string, (p: UsagePoint) => number]> = [
    ["CpuUtilized", (p) => p.cpu * p.tasks],
    ["MemoryUtilized", (p) => p.memory * p.tasks],
    ["RunningTaskCount", (p) => p.tasks],
  ];
  for (const [metric, value] of series)
    for (const batch of chunk(points, 20))
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: "ECS/ContainerInsights",
          MetricData: batch.map((p) => ({
            MetricName: metric,
            Dimensions: dimensions,
            Timestamp: p.at,
            Value: value(p),
          })),
        }),
      );
}
