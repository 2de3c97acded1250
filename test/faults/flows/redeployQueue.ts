/**
 * Pushes during a roll-out, under faults: `prod/web` tracks `shop/web` with `minor` and runs 1.0.0
 * while its deployment is still rolling out (4 tasks: moto 5.2.1 never finishes it). 1.1.0 is
 * pushed, then 1.2.0 ten seconds later; both wait; then ECS reports the deployment COMPLETED and
 * the queued push is released. Whatever fails, the older push is never what runs, and the newer
 * one ends running, still queued, or dead-lettered (never dropped with success).
 */
import type { PendingPush } from "../../../core/redeploy/types.ts";
import { stateKeys } from "../../../core/state/index.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { deploymentEvent } from "../../../sandbox/ecsEvents.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { ACCOUNT, REGION } from "../Harness.ts";
import type { FlowSpec, Invariant } from "../scenario.ts";
import {
  anyDeadLettered,
  describeService,
  messageText,
  type Revision,
  revisionsOf,
  told,
} from "./readBack.ts";
import { type Claim, claimsAbout, last } from "./redeploy.ts";

const CLUSTER = "prod";
const SERVICE = "web";

interface QueueWorld {
  readonly older: string;
  readonly newer: string;
  readonly serviceArn: string;
  readonly deployment: string;
}

interface QueueObservation {
  readonly runs: Revision;
  readonly onNewer: boolean;
  readonly onOlder: boolean;
  /** Revisions of the family carrying the newer digest, and whether the service runs each. */
  readonly newer: readonly (Revision & { readonly used: boolean })[];
  /** Revisions carrying the older digest, and whether the service runs each. */
  readonly older: readonly (Revision & { readonly used: boolean })[];
  readonly claims: readonly Claim[];
  /** The tag of each message that says the service deployed, in order. */
  readonly deployedTags: readonly string[];
  readonly pending: boolean;
  /** The tag of the queued push, if one waits. */
  readonly pendingTag: string | undefined;
  readonly deadLettered: boolean;
}

const invariants: Invariant<QueueObservation>[] = [
  {
    id: "Q1",
    says: "the older push runs only while the newer one waits behind its roll-out, or while the newer one's event is in the DLQ (its redrive queues it); never as where the service stays",
    breaks: "inconsistent",
    check: (o) =>
      o.onOlder && o.pendingTag !== "1.2.0" && !o.deadLettered
        ? [
            `${SERVICE} runs the older push 1.1.0 (${o.runs.name}) and ${o.pendingTag ? `${o.pendingTag} is queued` : "nothing is queued"}`,
          ]
        : [],
  },
  {
    id: "Q2",
    says: "the service runs an ACTIVE revision; at most one ACTIVE revision carries the newer digest; none is registered and left unused",
    breaks: "inconsistent",
    check: (o) => [
      ...(o.runs.status === "ACTIVE" ? [] : [`${SERVICE} runs ${o.runs.name}, which is ${o.runs.status}`]),
      ...(o.newer.filter((r) => r.status === "ACTIVE").length > 1
        ? [`${o.newer.filter((r) => r.status === "ACTIVE").length} ACTIVE revisions carry the newer digest`]
        : []),
      ...o.newer
        .filter((r) => r.status === "ACTIVE" && !r.used)
        .map((r) => `${r.name} (newer digest) was registered and left unused`),
      ...o.older
        .filter((r) => r.status === "ACTIVE" && !r.used)
        .map((r) => `${r.name} (older digest) was registered and left unused`),
    ],
  },
  {
    id: "Q3",
    says: "Slack's last word is what ECS runs (by tag), and each tag's deploy is told once",
    breaks: "inconsistent",
    check: (o) => {
      const runsTag = o.onNewer ? "1.2.0" : o.onOlder ? "1.1.0" : "1.0.0";
      const lastDeployed = last(o.deployedTags);
      const told = (tag: string) => o.deployedTags.filter((t) => t === tag).length;
      return [
        ...(last(o.claims)?.kind === "deployed" && lastDeployed !== runsTag
          ? [
              `Slack's last word is that ${lastDeployed} deployed to ${SERVICE}, but it runs ${runsTag} (${o.runs.name})`,
            ]
          : []),
        ...["1.1.0", "1.2.0"]
          .filter((tag) => told(tag) > 1)
          .map((tag) => `Slack said ${tag} deployed to ${SERVICE} ${told(tag)} times`),
      ];
    },
  },
  {
    id: "Q4",
    says: "the newer push ends running, or still queued, or an event is dead-lettered (never dropped with success)",
    breaks: "lost",
    check: (o) =>
      o.onNewer || o.pending || o.deadLettered
        ? []
        : [`${SERVICE} runs ${o.runs.name}, nothing is queued and every invocation returned success`],
  },
];

export const redeployQueueFlow: FlowSpec<QueueWorld, QueueObservation> = {
  name: "redeploy-queue",
  functionName: "redeploy",
  story:
    "`prod/web` tracks `shop/web` with `minor`, runs 1.0.0 with its deployment still rolling out; pushes of 1.1.0 and, 10 s later, 1.2.0 wait; then the deployment COMPLETED event releases the newer",
  config: {},
  async seed(h) {
    await createCluster(h.direct, CLUSTER);
    await createRepository(h.direct, "shop/web");
    await pushImage(h.direct, "shop/web", "1.0.0");
    const service = await createService(h.direct, {
      cluster: CLUSTER,
      name: SERVICE,
      desiredCount: 4,
      tags: { [SERVICE_TAGS.redeploy]: "minor" },
      containers: [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }],
    });
    const older = await pushImage(h.direct, "shop/web", "1.1.0");
    const newer = await pushImage(h.direct, "shop/web", "1.2.0");
    return {
      older,
      newer,
      serviceArn: service.serviceArn ?? "",
      deployment: service.deployments?.[0]?.id ?? "",
    };
  },
  steps: (_h, world) => [
    {
      label: "push shop/web:1.1.0",
      event: ecrPushEvent({
        region: REGION,
        repository: "shop/web",
        digest: world.older,
        tag: "1.1.0",
        id: "7f0c2a5e-0b1d-4c3e-9a8f-000000001110",
        time: "2026-11-26T10:00:00Z",
      }) as unknown as Record<string, unknown>,
    },
    {
      label: "push shop/web:1.2.0",
      event: ecrPushEvent({
        region: REGION,
        repository: "shop/web",
        digest: world.newer,
        tag: "1.2.0",
        id: "7f0c2a5e-0b1d-4c3e-9a8f-000000001120",
        time: "2026-11-26T10:00:10Z",
      }) as unknown as Record<string, unknown>,
    },
    {
      label: "deployment COMPLETED",
      event: deploymentEvent({
        id: "7f0c2a5e-0b1d-4c3e-9a8f-0000000d0ne0",
        sample: "ecs-deployment-state-change-completed.json",
        account: ACCOUNT,
        region: REGION,
        serviceArn: world.serviceArn,
        deploymentId: world.deployment,
      }) as unknown as Record<string, unknown>,
    },
  ],
  handler: (_h, clients) => createRedeployHandler(createRuntime("redeploy", { clients: clients.aws })),
  async observe(h, world, run, tools) {
    const service = await describeService(h.direct.ecs, CLUSTER, SERVICE);
    const revisions = await revisionsOf(h.direct.ecs, SERVICE);
    const runs = revisions.find((r) => r.arn === service.taskDefinition);
    if (!runs) throw new Error(`${SERVICE} runs ${service.taskDefinition}, which moto does not list`);
    const texts = told(run).map(messageText);
    const [queued] = await h.state.queryPrefix<PendingPush>(stateKeys.pendingPushesOf(world.serviceArn));
    const carries = (r: Revision, digest: string) => r.images.some((i) => i.endsWith(`@${digest}`));
    // The reference: without faults the release deploys the newer push (else Q4's "still queued" would hide it).
    if (tools.clean && !carries(runs, world.newer))
      throw new Error(`the fault-free run left ${SERVICE} on ${runs.name}, not on the newer push`);
    return {
      runs,
      onNewer: carries(runs, world.newer),
      onOlder: carries(runs, world.older),
      newer: revisions
        .filter((r) => carries(r, world.newer))
        .map((r) => ({ ...r, used: r.arn === service.taskDefinition })),
      older: revisions
        .filter((r) => carries(r, world.older))
        .map((r) => ({ ...r, used: r.arn === service.taskDefinition })),
      claims: claimsAbout(SERVICE, texts),
      deployedTags: texts.flatMap((text) =>
        claimsAbout(SERVICE, [text]).some((c) => c.kind === "deployed")
          ? [/shop\/web:([^:\s]+):/.exec(text)?.[1] ?? "?"]
          : [],
      ),
      pending: queued !== undefined,
      pendingTag: queued?.push.tag,
      deadLettered: anyDeadLettered(run),
    };
  },
  invariants,
};
