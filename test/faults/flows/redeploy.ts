/**
 * Redeploy under faults: two services track `shop/api` with the `patch` policy and run 3.1.0;
 * 3.1.1 is pushed, and its "ECR Image Action" goes to the real Lambda entry.
 */
import { stateKeys } from "../../../core/state/index.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
import { createRedeployHandler } from "../../../functions/redeploy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import { REGION } from "../Harness.ts";
import type { FlowSpec, Invariant } from "../scenario.ts";
import { deadLettered, describeService, messageText, type Revision, revisionsOf, told } from "./readBack.ts";

const CLUSTER = "prod";
const SERVICES = ["api", "worker"] as const;
const PUSH = "push shop/api:3.1.1";

interface RedeployWorld {
  readonly digest: string;
  readonly original: Readonly<Record<string, string>>;
}

/** What Slack said about one service, in message order. */
export type Claim =
  | { readonly kind: "deployed" | "already-deployed" | "queued" | "skipped" }
  /** A failure, and the revision the message says the service still runs, when it says. */
  | { readonly kind: "failed"; readonly stillRuns?: string };

interface ServiceState {
  readonly name: string;
  readonly runs: Revision;
  readonly original: string;
  readonly onDigest: boolean;
  readonly claims: readonly Claim[];
  /** A push waits for the service's deployment to finish (the state table's pending push). */
  readonly pending: boolean;
}

interface RedeployObservation {
  readonly services: readonly ServiceState[];
  /** Every revision of the services' families carrying the pushed digest. */
  readonly pushed: readonly (Revision & { readonly usedBy: readonly string[] })[];
  readonly deadLettered: boolean;
}

/** Reads what each message says about `service` (in cluster `prod`) from the redeploy message's sections. */
export function claimsAbout(service: string, texts: readonly string[]): Claim[] {
  const who = `\\*${CLUSTER} / ${service}\\*`;
  const claims: Claim[] = [];
  for (const text of texts) {
    if (new RegExp(`${who} deployed`).test(text)) claims.push({ kind: "deployed" });
    if (new RegExp(`${who} queued`).test(text)) claims.push({ kind: "queued" });
    const failed = new RegExp(`${who} failed(.*)`).exec(text);
    if (failed) {
      const stillRuns = /still runs ([\w-]+:\d+)/.exec(failed[1] ?? "")?.[1];
      claims.push({ kind: "failed", ...(stillRuns ? { stillRuns } : {}) });
    }
    const skipped = new RegExp(`• ${who}: (.*)`).exec(text);
    if (skipped)
      claims.push({ kind: /already deployed/.test(skipped[1] ?? "") ? "already-deployed" : "skipped" });
  }
  return claims;
}

export const last = <T>(items: readonly T[]): T | undefined => items[items.length - 1];

const invariants: Invariant<RedeployObservation>[] = [
  {
    id: "R1",
    says: "every service runs an ACTIVE revision",
    breaks: "inconsistent",
    check: (o) =>
      o.services
        .filter((s) => s.runs.status !== "ACTIVE")
        .map((s) => `${CLUSTER}/${s.name} runs ${s.runs.name}, which is ${s.runs.status}`),
  },
  {
    id: "R2",
    says: "at most one ACTIVE revision per service carries the pushed digest (no duplicates)",
    breaks: "inconsistent",
    check: (o) =>
      SERVICES.flatMap((family) => {
        const active = o.pushed.filter((r) => r.name.startsWith(`${family}:`) && r.status === "ACTIVE");
        return active.length > 1
          ? [
              `${active.length} ACTIVE revisions of ${family} with the digest: ${active.map((r) => r.name).join(", ")}`,
            ]
          : [];
      }),
  },
  {
    id: "R3",
    says: "every ACTIVE revision carrying the pushed digest is run by its service (nothing half-applied)",
    breaks: "inconsistent",
    check: (o) =>
      o.pushed
        .filter((r) => r.status === "ACTIVE" && r.usedBy.length === 0)
        .map((r) => `${r.name} was registered and left unused`),
  },
  {
    id: "R4",
    says: "Slack's last word on each service is what ECS runs",
    breaks: "inconsistent",
    check: (o) =>
      o.services.flatMap((s) => {
        const said = last(s.claims);
        if ((said?.kind === "deployed" || said?.kind === "already-deployed") && !s.onDigest)
          return [
            `Slack says ${s.name} ${said.kind}, but it runs ${s.runs.name} (${s.runs.images.join(", ")})`,
          ];
        if (said?.kind === "failed" && s.onDigest)
          return [
            `Slack's last word is that ${s.name} failed, but it runs the pushed digest (${s.runs.name})`,
          ];
        if (said?.kind === "failed" && said.stillRuns && said.stillRuns !== s.runs.name)
          return [`Slack says ${s.name} still runs ${said.stillRuns}, but it runs ${s.runs.name}`];
        return [];
      }),
  },
  {
    id: "R5",
    says: "a deploy is told once",
    breaks: "inconsistent",
    check: (o) =>
      o.services
        .filter((s) => s.claims.filter((c) => c.kind === "deployed").length > 1)
        .map(
          (s) =>
            `Slack said ${s.name} deployed ${s.claims.filter((c) => c.kind === "deployed").length} times`,
        ),
  },
  {
    id: "R6",
    says: "every tracked service ends on the pushed digest (or waits for it as a queued push), or the event is dead-lettered (a failure only told in Slack is never retried)",
    breaks: "lost",
    check: (o) =>
      o.deadLettered
        ? []
        : o.services
            .filter((s) => !s.onDigest && !s.pending)
            .map(
              (s) =>
                `${s.name} still runs ${s.runs.name}; ${last(s.claims) ? `Slack said "${last(s.claims)?.kind}"` : "Slack said nothing"} and the invocation returned success, so Lambda never retried it`,
            ),
  },
  {
    id: "R7",
    says: "every deploy that happened is told in Slack, or the event is dead-lettered",
    breaks: "lost",
    check: (o) =>
      o.deadLettered
        ? []
        : o.services
            .filter(
              (s) =>
                s.onDigest && !s.claims.some((c) => c.kind === "deployed" || c.kind === "already-deployed"),
            )
            .map((s) => `${s.name} was deployed but no Slack message says so`),
  },
];

export const redeployFlow: FlowSpec<RedeployWorld, RedeployObservation> = {
  name: "redeploy",
  functionName: "redeploy",
  story:
    "2 services (`prod/api`, `prod/worker`) track `shop/api` with `patch` and run 3.1.0; one ECR push of 3.1.1",
  config: {},
  async seed(h) {
    await createCluster(h.direct, CLUSTER);
    await createRepository(h.direct, "shop/api");
    await pushImage(h.direct, "shop/api", "3.1.0");
    const original: Record<string, string> = {};
    for (const name of SERVICES) {
      const service = await createService(h.direct, {
        cluster: CLUSTER,
        name,
        desiredCount: 1,
        tags: { [SERVICE_TAGS.redeploy]: "patch" },
        containers: [{ name: "app", image: ecrImage(REGION, "shop/api", "3.1.0"), essential: true }],
      });
      original[name] = service.taskDefinition ?? "";
    }
    const digest = await pushImage(h.direct, "shop/api", "3.1.1");
    return { digest, original };
  },
  steps: (_h, world) => [
    {
      label: PUSH,
      event: ecrPushEvent({
        region: REGION,
        repository: "shop/api",
        digest: world.digest,
        tag: "3.1.1",
        id: "7f0c2a5e-0b1d-4c3e-9a8f-000000000311",
      }) as unknown as Record<string, unknown>,
    },
  ],
  handler: (_h, clients) => createRedeployHandler(createRuntime("redeploy", { clients: clients.aws })),
  async observe(h, world, run) {
    const texts = told(run).map(messageText);
    const pushed: Array<Revision & { usedBy: string[] }> = [];
    const services: ServiceState[] = [];
    const running = new Map<string, string>();
    const arns = new Map<string, string>();
    for (const name of SERVICES) {
      const service = await describeService(h.direct.ecs, CLUSTER, name);
      running.set(name, service.taskDefinition ?? "");
      arns.set(name, service.serviceArn ?? "");
    }
    for (const name of SERVICES) {
      const revisions = await revisionsOf(h.direct.ecs, name);
      for (const revision of revisions)
        if (revision.images.some((i) => i.endsWith(`@${world.digest}`)))
          pushed.push({ ...revision, usedBy: running.get(name) === revision.arn ? [name] : [] });
      const runs = revisions.find((r) => r.arn === running.get(name));
      if (!runs) throw new Error(`${name} runs ${running.get(name)}, which moto does not list`);
      services.push({
        name,
        runs,
        original: world.original[name] ?? "",
        onDigest: runs.images.some((i) => i.endsWith(`@${world.digest}`)),
        claims: claimsAbout(name, texts),
        pending: (await h.state.queryPrefix(stateKeys.pendingPushesOf(arns.get(name) ?? ""))).length > 0,
      });
    }
    return { services, pushed, deadLettered: deadLettered(run, PUSH) };
  },
  invariants,
};
