import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { SERVICE_TAGS } from "../../core/tags.ts";
import type { Delivery } from "../eventRouter.ts";
import type { Sandbox } from "../Sandbox.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
  sampleEvent,
} from "../seed.ts";

interface Row {
  readonly cluster: string;
  readonly service: string;
  readonly launchType: "FARGATE" | "EC2";
  readonly policy: string;
  readonly repository: string;
  readonly tag: string;
  readonly desiredCount?: number;
}

/** The demo account: two clusters, EC2 and Fargate services, several repositories and policies. */
const SERVICES: readonly Row[] = [
  {
    cluster: "prod",
    service: "web",
    launchType: "FARGATE",
    policy: "minor",
    repository: "shop/web",
    tag: "1.4.2",
  },
  {
    cluster: "prod",
    service: "api",
    launchType: "EC2",
    policy: "patch",
    repository: "shop/api",
    tag: "3.1.0",
  },
  {
    cluster: "prod",
    service: "worker",
    launchType: "EC2",
    policy: "prefix:release-",
    repository: "shop/worker",
    tag: "release-41",
  },
  // desiredCount 4 > the 2 tasks moto reports running: its deployment stays IN_PROGRESS.
  {
    cluster: "prod",
    service: "checkout",
    launchType: "FARGATE",
    policy: "major",
    repository: "shop/checkout",
    tag: "5.0.0",
    desiredCount: 4,
  },
  {
    cluster: "prod",
    service: "admin",
    launchType: "FARGATE",
    policy: "",
    repository: "shop/web",
    tag: "1.4.2",
  },
  {
    cluster: "staging",
    service: "web-main",
    launchType: "FARGATE",
    policy: "force",
    repository: "shop/web",
    tag: "main",
  },
  {
    cluster: "staging",
    service: "nginx",
    launchType: "FARGATE",
    policy: "off",
    repository: "platform/nginx",
    tag: "1.27",
  },
];

async function state(sandbox: Sandbox): Promise<Map<string, { revision: string; images: string[] }>> {
  const result = new Map<string, { revision: string; images: string[] }>();
  for (const row of SERVICES) {
    const described = await sandbox.clients.ecs.send(
      new DescribeServicesCommand({ cluster: row.cluster, services: [row.service] }),
    );
    const arn = described.services?.[0]?.taskDefinition ?? "";
    const definition = await sandbox.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn }),
    );
    result.set(`${row.cluster}/${row.service}`, {
      revision: arn.slice(arn.lastIndexOf("/") + 1),
      images: (definition.taskDefinition?.containerDefinitions ?? []).map((c) => c.image ?? ""),
    });
  }
  return result;
}

export async function redeployScene(
  sandbox: Sandbox,
): Promise<{ lines: string[]; calls: Record<string, number> }> {
  const { print, clients, region } = sandbox;
  let ids = 0;
  print("\n▶ Seeding the demo account (moto): clusters prod and staging, 5 ECR repositories, 7 services");
  for (const cluster of ["prod", "staging"]) await createCluster(clients, cluster);
  for (const repository of new Set(SERVICES.map((s) => s.repository))) {
    await createRepository(clients, repository);
    for (const tag of new Set(SERVICES.filter((s) => s.repository === repository).map((s) => s.tag)))
      await pushImage(clients, repository, tag);
  }
  for (const row of SERVICES) {
    await createService(clients, {
      cluster: row.cluster,
      name: row.service,
      launchType: row.launchType,
      ...(row.desiredCount ? { desiredCount: row.desiredCount } : {}),
      ...(row.policy ? { tags: { [SERVICE_TAGS.redeploy]: row.policy } } : {}),
      containers: [
        {
          name: row.service,
          image: ecrImage(region, row.repository, row.tag),
          essential: true,
          ...(row.launchType === "EC2" ? { memory: 512 } : {}),
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": `/ecs/${row.service}`, "awslogs-region": region },
          },
        },
      ],
    });
    print(
      `  ${`${row.cluster}/${row.service}`.padEnd(18)} ${row.launchType.padEnd(8)} ${ecrImage(region, row.repository, row.tag).split("/").slice(1).join("/").padEnd(26)} autopilot:redeploy=${row.policy || "(none)"}`,
    );
  }
  const before = await state(sandbox);
  sandbox.counter.reset();

  const push = async (repository: string, tag: string, content = tag, title = `${repository}:${tag}`) => {
    print(`\n▶ docker push ${title}`);
    const digest = await pushImage(clients, repository, tag, content);
    const event = ecrPushEvent({ region, repository, digest, tag, id: `sandbox-${++ids}` });
    return sandbox.publish(event);
  };

  await push("shop/web", "1.5.0");
  await push("shop/web", "main", "main-build-2", "shop/web:main (a new build of the mutable tag)");
  await push("shop/web", "2.0.0");
  const worker = await push("shop/worker", "release-42");
  await push("shop/checkout", "6.0.0");
  await push("shop/api", "3.2.0");

  print("\n▶ EventBridge delivers the shop/worker:release-42 event a second time (at-least-once delivery)");
  const first = worker[0]?.delivery as Delivery;
  const again = await sandbox.deliver(first);
  print(`  answered from its record, nothing redeployed: ${JSON.stringify(again).slice(0, 90)}…`);

  print("\n▶ A malformed ECR event (no repository-name) reaches the handler");
  const broken = sampleEvent("ecr-image-action-push.json");
  delete (broken.detail as Record<string, unknown>)["repository-name"];
  const rejected = await (await sandbox.handler("redeploy"))(
    broken,
    (await import("../../cli/localContext.ts")).localContext("redeploy"),
  );
  print(`  ${JSON.stringify(rejected)}`);

  const calls = sandbox.counter.byOperation();
  const after = await state(sandbox);
  const lines: string[] = [];
  for (const [service, now] of after) {
    const was = before.get(service);
    if (was?.revision === now.revision) {
      lines.push(`  ${service.padEnd(18)} unchanged  ${was.revision}`);
      continue;
    }
    lines.push(
      `  ${service.padEnd(18)} ${was?.revision} → ${now.revision}  ${now.images[0]?.split("/").slice(1).join("/")}`,
    );
  }
  return { lines, calls };
}
