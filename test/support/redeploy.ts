import {
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  type ListServiceDeploymentsCommandInput,
  type ServiceDeploymentBrief,
  type ServiceRevision,
} from "@aws-sdk/client-ecs";
import { localContext } from "../../cli/localContext.ts";
import { TerminalNotifier } from "../../core/notify/index.ts";
import { createRedeployHandler } from "../../functions/redeploy.ts";
import { createRuntime } from "../../runtime/runtime.ts";
import { ecrImage, ecrPushEvent } from "../../sandbox/seed.ts";
import { REGION, type World } from "./world.ts";

/** Now, to the whole second, as EventBridge gives event times. */
export const eventTime = (): string => `${new Date().toISOString().slice(0, 19)}Z`;

/** Waits past a whole second: pushes a second apart are ordered by ECR's and EventBridge's times. */
export const nextSecond = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_100));

/** An image of the repository pinned by digest, as ecs-autopilot deploys it. */
export const pinnedImage = (repository: string, digest: string): string =>
  `${ecrImage(REGION, repository, "x").replace(/:x$/, "")}@${digest}`;

/**
 * The redeploy Lambda handler on the world's moto clients, with its Slack lines collected in
 * `posted`; `push` sends it an ECR push event (AWS's sample, its fields replaced).
 */
export function redeployHandler(world: World, posted: string[] = []) {
  const handler = createRedeployHandler(
    createRuntime("redeploy", {
      clients: world.clients,
      tableName: world.tableName,
      notifier: new TerminalNotifier((line) => posted.push(line)),
    }),
  );
  return {
    handler,
    posted,
    push: (repository: string, digest: string, tag: string, id: string, time?: string) =>
      handler(
        ecrPushEvent({ region: REGION, repository, digest, tag, id, ...(time ? { time } : {}) }),
        localContext("redeploy"),
      ),
  };
}

/** The image of each container of the service's current revision, by name (read from moto directly). */
export async function runningImages(
  world: World,
  service: string,
  cluster = "prod",
): Promise<Record<string, string>> {
  const described = await world.clients.ecs.send(
    new DescribeServicesCommand({ cluster, services: [service] }),
  );
  const definition = await world.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: described.services?.[0]?.taskDefinition ?? "" }),
  );
  return Object.fromEntries(
    (definition.taskDefinition?.containerDefinitions ?? []).map((c) => [c.name ?? "", c.image ?? ""]),
  );
}

/** The image the service's current revision names for its first container (read from moto directly). */
export async function runningImage(world: World, service: string, cluster = "prod"): Promise<string> {
  return Object.values(await runningImages(world, service, cluster))[0] ?? "";
}

/**
 * What ECS reports a service runs, which moto 5.2.1 cannot: it returns no `currentServiceRevisions`
 * from DescribeServices and has no DescribeServiceRevisions nor ListServiceDeployments. `runs(taskDefinitionArn, digests)`
 * states the digest ECS resolved for each container of the service revision it runs on that task
 * definition (a circuit-breaker rollback's included); DescribeServices then names one current
 * revision for a service on that task definition, and DescribeServiceRevisions describes it. A
 * service on any other task definition gets no revision, as from moto. Answered on the client
 * (an initialize-step middleware), so every call is still recorded as the function's.
 */
export function ecsServiceRevisions(world: World): {
  runs(taskDefinitionArn: string, digests: Readonly<Record<string, string>>): void;
  /**
   * A deployment of `digests` on the service that ECS rolled back (ROLLBACK_SUCCESSFUL), created now
   * (or at `createdAt`); DescribeServices then shows the rollback's deployment (PRIMARY, COMPLETED,
   * created then). A container given as `{ image }` has no digest in the target revision (ECS does
   * not resolve a tag whose versionConsistency is disabled); `target: false` names no target revision.
   */
  rolledBack(
    serviceArn: string,
    digests: Readonly<Record<string, string | { readonly image: string }>>,
    options?: { readonly target?: false; readonly createdAt?: Date },
  ): void;
  readonly described: string[][];
} {
  const byTaskDefinition = new Map<string, Readonly<Record<string, string>>>();
  const revisions = new Map<string, ServiceRevision>();
  const deployments: ServiceDeploymentBrief[] = [];
  const rollbacks = new Map<string, Date>();
  const described: string[][] = [];
  world.clients.ecs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { serviceRevisionArns?: string[] } & ListServiceDeploymentsCommandInput;
      if (context.commandName === "ListServiceDeploymentsCommand") {
        const found = deployments.filter(
          (d) =>
            d.serviceArn === input.service &&
            (input.status ?? []).some((status) => status === d.status) &&
            (input.createdAt?.after === undefined || (d.createdAt ?? new Date(0)) > input.createdAt.after),
        );
        return { output: { serviceDeployments: found, $metadata: {} }, response: {} } as never;
      }
      if (context.commandName === "DescribeServiceRevisionsCommand") {
        const arns = input.serviceRevisionArns ?? [];
        described.push(arns);
        const found = arns.flatMap((arn) => revisions.get(arn) ?? []);
        return { output: { serviceRevisions: found, failures: [], $metadata: {} }, response: {} } as never;
      }
      const result = await next(args);
      if (context.commandName !== "DescribeServicesCommand") return result;
      const output = result.output as DescribeServicesCommandOutput;
      for (const service of output.services ?? []) {
        // A rollback is a new deployment (of the revision rolled back to), created when it started.
        const rolledBackAt = rollbacks.get(service.serviceArn ?? "");
        if (rolledBackAt)
          service.deployments = [
            {
              id: "ecs-svc/rollback",
              status: "PRIMARY",
              rolloutState: "COMPLETED",
              createdAt: rolledBackAt,
              taskDefinition: service.taskDefinition,
              desiredCount: service.desiredCount,
              runningCount: service.runningCount,
            },
          ];
        const digests = byTaskDefinition.get(service.taskDefinition ?? "");
        if (!digests || !service.serviceArn) continue;
        // One revision per service and task definition, as ECS keeps it until the next deployment.
        const id = [...byTaskDefinition.keys()].indexOf(service.taskDefinition ?? "") + 1;
        const arn = `${service.serviceArn.replace(":service/", ":service-revision/")}/${id}`;
        revisions.set(arn, {
          serviceRevisionArn: arn,
          serviceArn: service.serviceArn,
          taskDefinition: service.taskDefinition,
          containerImages: Object.entries(digests).map(([containerName, imageDigest]) => ({
            containerName,
            imageDigest,
          })),
        });
        service.currentServiceRevisions = [
          { arn, requestedTaskCount: service.desiredCount, runningTaskCount: service.runningCount },
        ];
      }
      return result;
    },
    { step: "initialize", name: "ecsServiceRevisionsMotoLacks" },
  );
  return {
    runs: (arn, digests) => byTaskDefinition.set(arn, digests),
    rolledBack: (serviceArn, digests, options = {}) => {
      const arn = `${serviceArn.replace(":service/", ":service-revision/")}/rolled-back-${deployments.length + 1}`;
      revisions.set(arn, {
        serviceRevisionArn: arn,
        serviceArn,
        containerImages: Object.entries(digests).map(([containerName, image]) =>
          typeof image === "string"
            ? { containerName, imageDigest: image }
            : { containerName, image: image.image },
        ),
      });
      const createdAt = options.createdAt ?? new Date();
      rollbacks.set(serviceArn, createdAt);
      deployments.push({
        serviceDeploymentArn: `${serviceArn.replace(":service/", ":service-deployment/")}/${deployments.length + 1}`,
        serviceArn,
        createdAt,
        status: "ROLLBACK_SUCCESSFUL",
        ...(options.target === false ? {} : { targetServiceRevisionArn: arn }),
      });
    },
    described,
  };
}
