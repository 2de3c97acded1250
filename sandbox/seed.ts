/**
 * Building blocks for a fake-but-real AWS account in moto: clusters, repositories, task
 * definitions, services with tags, image pushes. Used by `npm start` and the integration tests.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  type _InstanceType,
  DescribeImagesCommand,
  type EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { CreateRepositoryCommand, PutImageCommand } from "@aws-sdk/client-ecr";
import {
  type ContainerDefinition,
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterContainerInstanceCommand,
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

const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
} as const;

export interface ImageOptions {
  /**
   * How the image is pushed: `index` (the default) is what `docker buildx build --push` pushes by
   * default, an OCI image index with one manifest per platform and a provenance attestation
   * manifest (`unknown/unknown`); `manifest` is one Docker schema 2 manifest, as the classic
   * `docker push` of a single-platform build.
   */
  readonly format?: "index" | "manifest";
  /** `os/architecture[/variant]` of the image (default `linux/amd64`); `manifest` takes the first. */
  readonly platforms?: readonly string[];
}

export interface PushedImage {
  /** The digest ECR reports for the push (the index's for an index). */
  readonly digest: string;
  /** The image configs by digest: what a registry serves as blobs (moto stores none). */
  readonly configBlobs: ReadonlyMap<string, Buffer>;
}

const sha256 = (bytes: string | Buffer): string =>
  `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** An image config as BuildKit writes it (the fields a registry client reads). */
function imageConfig(platform: string, seed: string): Buffer {
  const [os = "linux", architecture = "amd64", variant] = platform.split("/");
  return Buffer.from(
    JSON.stringify({
      architecture,
      os,
      ...(variant ? { variant } : {}),
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/app"] },
      rootfs: { type: "layers", diff_ids: [sha(`diff-${seed}-${platform}`)] },
    }),
  );
}

/**
 * Pushes an image's manifests (moto cannot take layer uploads; it stores manifests only) and
 * returns its digest and config blobs. Digests are the sha256 of the manifest bytes, as a
 * registry computes them.
 */
export async function pushImageWithBlobs(
  clients: AwsClients,
  repository: string,
  tag: string,
  content = tag,
  options: ImageOptions = {},
): Promise<PushedImage> {
  const platforms = options.platforms ?? ["linux/amd64"];
  const configBlobs = new Map<string, Buffer>();
  const put = async (manifest: string, mediaType: string, imageTag?: string) => {
    const response = await clients.ecr.send(
      new PutImageCommand({
        repositoryName: repository,
        imageManifest: manifest,
        imageManifestMediaType: mediaType,
        imageDigest: sha256(manifest),
        ...(imageTag !== undefined ? { imageTag } : {}),
      }),
    );
    const digest = response.image?.imageId?.imageDigest;
    if (!digest) throw new Error(`PutImage returned no digest for ${repository}:${tag}`);
    return { digest, size: Buffer.byteLength(manifest) };
  };
  const platformManifest = (platform: string, docker: boolean) => {
    const config = imageConfig(platform, `${repository}-${content}`);
    const configDigest = sha256(config);
    configBlobs.set(configDigest, config);
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: docker ? MEDIA.dockerManifest : MEDIA.ociManifest,
      config: {
        mediaType: docker ? MEDIA.dockerConfig : MEDIA.ociConfig,
        size: config.byteLength,
        digest: configDigest,
      },
      layers: [
        {
          mediaType: docker ? MEDIA.dockerLayer : MEDIA.ociLayer,
          size: 32654,
          digest: sha(`layer-${repository}-${content}-${platform}`),
        },
      ],
    });
  };
  if (options.format === "manifest") {
    const { digest } = await put(
      platformManifest(platforms[0] ?? "linux/amd64", true),
      MEDIA.dockerManifest,
      tag,
    );
    return { digest, configBlobs };
  }
  const entries: Record<string, unknown>[] = [];
  for (const platform of platforms) {
    const [os = "linux", architecture = "amd64", variant] = platform.split("/");
    const { digest, size } = await put(platformManifest(platform, false), MEDIA.ociManifest);
    entries.push({
      mediaType: MEDIA.ociManifest,
      digest,
      size,
      platform: { architecture, os, ...(variant ? { variant } : {}) },
    });
  }
  // BuildKit's provenance attestation (buildx adds `--attest type=provenance,mode=min` by default).
  const attestationConfig = Buffer.from("{}");
  const attestation = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: {
      mediaType: MEDIA.ociConfig,
      digest: sha256(attestationConfig),
      size: attestationConfig.byteLength,
    },
    layers: [
      {
        mediaType: "application/vnd.in-toto+json",
        digest: sha(`provenance-${repository}-${content}`),
        size: 1433,
        annotations: { "in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2" },
      },
    ],
  });
  const attested = await put(attestation, MEDIA.ociManifest);
  entries.push({
    mediaType: MEDIA.ociManifest,
    digest: attested.digest,
    size: attested.size,
    annotations: {
      "vnd.docker.reference.digest": String(entries[0]?.digest ?? ""),
      "vnd.docker.reference.type": "attestation-manifest",
    },
    platform: { architecture: "unknown", os: "unknown" },
  });
  const index = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: entries });
  const { digest } = await put(index, MEDIA.ociIndex, tag);
  return { digest, configBlobs };
}

/** Pushes an image (by default a linux/amd64 image index, as docker buildx does) and returns its digest. */
export async function pushImage(
  clients: AwsClients,
  repository: string,
  tag: string,
  content = tag,
  options: ImageOptions = {},
): Promise<string> {
  return (await pushImageWithBlobs(clients, repository, tag, content, options)).digest;
}

/**
 * Pushes a real manifest document (an image index, a manifest list, a manifest) as ECR keeps it:
 * its bytes, its media type and its content digest (moto would invent a digest for an index).
 */
export async function pushImageManifest(
  clients: AwsClients,
  repository: string,
  tag: string,
  manifest: string,
): Promise<string> {
  const digest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
  await clients.ecr.send(
    new PutImageCommand({
      repositoryName: repository,
      imageTag: tag,
      imageManifest: manifest,
      imageManifestMediaType: (JSON.parse(manifest) as { mediaType?: string }).mediaType,
      imageDigest: digest,
    }),
  );
  return digest;
}

function sha(seed: string): string {
  // Deterministic stand-in digests for layers that are never uploaded: the hash of the whole seed
  // (its first 32 characters alone made `build-1` and `build-2` of a long repository one image).
  return sha256(`stand-in ${seed}`);
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

/**
 * Launches EC2 instances of a type in moto and registers them as container instances of a
 * cluster (moto registers 4,096 CPU units and 7,482 MiB whatever the type). Returns their
 * container instance ARNs and EC2 instance ids.
 */
export async function registerContainerInstances(
  clients: AwsClients,
  ec2: EC2Client,
  cluster: string,
  instanceType: _InstanceType,
  count: number,
): Promise<Array<{ arn: string; ec2InstanceId: string }>> {
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
  const launched = await ec2.send(
    new RunInstancesCommand({
      ImageId: images.Images?.find((i) => i.PlatformDetails === "Linux/UNIX")?.ImageId,
      InstanceType: instanceType,
      MinCount: count,
      MaxCount: count,
    }),
  );
  const registered: Array<{ arn: string; ec2InstanceId: string }> = [];
  for (const instance of launched.Instances ?? []) {
    const response = await clients.ecs.send(
      new RegisterContainerInstanceCommand({
        cluster,
        instanceIdentityDocument: JSON.stringify({ instanceId: instance.InstanceId }),
      }),
    );
    registered.push({
      arn: response.containerInstance?.containerInstanceArn ?? "",
      ec2InstanceId: instance.InstanceId ?? "",
    });
  }
  return registered;
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
