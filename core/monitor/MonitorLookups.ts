import {
  DescribeImagesCommand,
  type ECRClient,
  ImageNotFoundException,
  RepositoryNotFoundException,
} from "@aws-sdk/client-ecr";
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ServiceNotFoundException,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { parseImageReference } from "../ecs/ImageReference.ts";
import type { DeploymentImages, ServiceFound } from "./messages.ts";

/** An error's name (`ThrottlingException`, `AccessDeniedException`, …), never its text. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "an error";
}

/**
 * The reads that enrich a message (log stream, whether an image exists, the images of a
 * deployment). They run only when a message is about to be sent, never per event, and a
 * failing read leaves the message without that detail rather than losing it.
 */
export class MonitorLookups {
  readonly #definitions = new Map<string, Promise<TaskDefinition | undefined>>();

  constructor(
    private readonly ecs: ECSClient,
    private readonly ecr: ECRClient,
    private readonly account: string,
    private readonly region: string,
  ) {}

  #definition(arn: string): Promise<TaskDefinition | undefined> {
    let cached = this.#definitions.get(arn);
    if (!cached) {
      // Task-definition revisions are immutable: one read per warm Lambda container is enough.
      cached = this.ecs
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))
        .then((r) => r.taskDefinition)
        .catch(() => {
          // A failed read is not kept: the next alert of this warm container asks again.
          this.#definitions.delete(arn);
          return undefined;
        });
      this.#definitions.set(arn, cached);
    }
    return cached;
  }

  /** The awslogs group and stream of a container of a task. */
  async logStream(
    taskDefinitionArn: string,
    container: string | undefined,
    taskArn: string,
  ): Promise<{ group: string; stream: string } | undefined> {
    const definition = await this.#definition(taskDefinitionArn);
    const candidates = definition?.containerDefinitions ?? [];
    const target =
      candidates.find((c) => c.name === container) ?? candidates.find((c) => c.essential !== false);
    const options =
      target?.logConfiguration?.logDriver === "awslogs" ? target.logConfiguration.options : undefined;
    const group = options?.["awslogs-group"];
    const prefix = options?.["awslogs-stream-prefix"];
    if (!group || !prefix || !target?.name) return undefined;
    return { group, stream: `${prefix}/${target.name}/${taskArn.slice(taskArn.lastIndexOf("/") + 1)}` };
  }

  /** Whether an image is in this account's ECR; undefined when it is elsewhere or cannot be told. */
  async imageExists(image: string): Promise<boolean | undefined> {
    const reference = parseImageReference(image);
    if (!reference?.ecr || reference.ecr.account !== this.account || reference.ecr.region !== this.region)
      return undefined;
    const imageId = reference.digest
      ? { imageDigest: reference.digest }
      : { imageTag: reference.tag ?? "latest" };
    try {
      const response = await this.ecr.send(
        new DescribeImagesCommand({ repositoryName: reference.repository, imageIds: [imageId] }),
      );
      return (response.imageDetails ?? []).length > 0;
    } catch (error) {
      if (error instanceof ImageNotFoundException || error instanceof RepositoryNotFoundException)
        return false;
      return undefined;
    }
  }

  /** The service's deployments and the images each one runs. */
  async deploymentImages(
    cluster: string,
    service: string,
  ): Promise<{ found: ServiceFound; deployments: DeploymentImages[] }> {
    let described: DescribeServicesCommandOutput;
    try {
      described = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    } catch (error) {
      // A cluster that is gone takes its services with it.
      if (error instanceof ClusterNotFoundException || error instanceof ServiceNotFoundException)
        return { found: false, deployments: [] };
      // Not read is not gone: the alert says which (the error's name only; its text may echo input).
      return { found: { unreadable: errorName(error) }, deployments: [] };
    }
    const found = described.services?.find((s) => s.status !== "INACTIVE");
    if (!found) return { found: false, deployments: [] };
    const deployments: DeploymentImages[] = [];
    for (const deployment of found.deployments ?? []) {
      const arn = deployment.taskDefinition ?? "";
      const definition = await this.#definition(arn);
      deployments.push({
        deploymentId: deployment.id ?? "?",
        status: deployment.status ?? "?",
        taskDefinition: arn.slice(arn.lastIndexOf("/") + 1),
        images: (definition?.containerDefinitions ?? []).map((c) => c.image ?? "?"),
      });
    }
    return { found: true, deployments };
  }
}
