/**
 * Right-sizing under faults: in cluster `shop` (Container Insights on), `cart` is tagged
 * `autopilot:rightsize=apply` and `search` is not; both run 2 vCPU / 4 GB and use far less
 * (two hours of Container Insights metrics). One weekly run: `cart` takes one step down, `search`
 * is only reported, one Slack summary.
 */
import { CreateClusterCommand } from "@aws-sdk/client-ecs";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import { SERVICE_TAGS } from "../../../core/tags.ts";
import { createRightsizeHandler } from "../../../functions/rightsize.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createService, ecrImage, putContainerInsights } from "../../../sandbox/seed.ts";
import { REGION } from "../Harness.ts";
import type { FlowSpec, Invariant } from "../scenario.ts";
import { scheduledEvent } from "./events.ts";
import { deadLettered, describeService, messageText, type Revision, revisionsOf } from "./readBack.ts";

const WEEKLY = "weekly right-sizing";
const SERVICES = ["cart", "search"] as const;

interface RightsizeWorld {
  readonly original: Readonly<Record<string, string>>;
}

interface ServiceSize {
  readonly runs: Revision;
  readonly revisions: readonly Revision[];
}

interface RightsizeObservation {
  readonly services: Readonly<Record<string, ServiceSize>>;
  readonly original: Readonly<Record<string, string>>;
  /** The size a fault-free run gives `cart` (the clean scenario). */
  readonly referenceSize: string;
  /** Summaries shown, and the revision each says `cart` was rolled out as. */
  readonly summaries: number;
  /** The most times one summary (the same text and blocks) was shown. */
  readonly sameSummaryShown: number;
  readonly appliedRevisions: readonly string[];
  readonly deadLettered: boolean;
}

let referenceSize: string | undefined;
const sizeOf = (r: Revision) => `${r.cpu}/${r.memory}`;

const invariants: Invariant<RightsizeObservation>[] = [
  {
    id: "Z1",
    says: "every service runs an ACTIVE revision",
    breaks: "inconsistent",
    check: (o) =>
      Object.entries(o.services)
        .filter(([, s]) => s.runs.status !== "ACTIVE")
        .map(([name, s]) => `${name} runs ${s.runs.name}, which is ${s.runs.status}`),
  },
  {
    id: "Z2",
    says: "one run takes one step: cart runs its original size or the next one down, search is untouched",
    breaks: "inconsistent",
    check: (o) => {
      const cart = o.services.cart;
      const search = o.services.search;
      return [
        ...(cart && cart.runs.arn !== o.original.cart && sizeOf(cart.runs) !== o.referenceSize
          ? [
              `cart runs ${sizeOf(cart.runs)} (${cart.runs.name}); one step from 2048/4096 is ${o.referenceSize}`,
            ]
          : []),
        ...(search && search.runs.arn !== o.original.search
          ? [`search was changed to ${search.runs.name}`]
          : []),
      ];
    },
  },
  {
    id: "Z3",
    says: "nothing half-applied: no ACTIVE revision registered and left unused",
    breaks: "inconsistent",
    check: (o) =>
      Object.entries(o.services).flatMap(([name, s]) =>
        s.revisions
          .filter((r) => r.status === "ACTIVE" && r.arn !== s.runs.arn && r.arn !== o.original[name])
          .map((r) => `${r.name} (${sizeOf(r)}) was registered and left unused`),
      ),
  },
  {
    id: "Z4",
    says: "a revision Slack lists as applied is the one cart runs",
    breaks: "inconsistent",
    check: (o) =>
      o.appliedRevisions
        .filter((name) => name !== o.services.cart?.runs.name)
        .map(
          (name) => `Slack says cart was rolled out as ${name}, but it runs ${o.services.cart?.runs.name}`,
        ),
  },
  {
    id: "Z5",
    says: "cart is stepped down, or the event is dead-lettered",
    breaks: "lost",
    check: (o) =>
      o.deadLettered || o.services.cart?.runs.arn !== o.original.cart
        ? []
        : ["cart still runs its original size and the invocation returned success"],
  },
  {
    id: "Z8",
    says: "a step taken is listed as applied in the summary (or the event is dead-lettered)",
    breaks: "lost",
    check: (o) =>
      o.deadLettered ||
      o.services.cart?.runs.arn === o.original.cart ||
      o.appliedRevisions.includes(o.services.cart?.runs.name ?? "")
        ? []
        : [`cart was stepped down to ${o.services.cart?.runs.name} and no summary says so`],
  },
  {
    id: "Z6",
    says: "the summary is shown once (or the event is dead-lettered)",
    breaks: "lost",
    check: (o) => (o.summaries === 0 && !o.deadLettered ? ["no summary was shown"] : []),
  },
  {
    id: "Z7",
    says: "the same summary is not shown twice",
    breaks: "inconsistent",
    // A failed attempt's summary ("not applied … retried") and its retry's are two outcomes, each
    // told once; the same summary shown twice is the duplicate.
    check: (o) => (o.sameSummaryShown > 1 ? [`the summary was shown ${o.sameSummaryShown} times`] : []),
  },
];

export const rightsizeFlow: FlowSpec<RightsizeWorld, RightsizeObservation> = {
  name: "rightsize",
  functionName: "rightsize",
  story:
    "`shop/cart` (tagged `apply`) and `shop/search` run 2048/4096 and use 300 CPU units / 700 MiB; one weekly run, bundled Fargate prices",
  config: {},
  async seed(h) {
    await h.direct.ecs.send(
      new CreateClusterCommand({
        clusterName: "shop",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    const original: Record<string, string> = {};
    const now = Date.now();
    for (const name of SERVICES) {
      const service = await createService(h.direct, {
        cluster: "shop",
        name,
        launchType: "FARGATE",
        desiredCount: 2,
        containers: [{ name: "app", image: ecrImage(REGION, `shop/${name}`, "1.0.0"), essential: true }],
        taskDefinition: { cpu: "2048", memory: "4096" },
        tags: name === "cart" ? { [SERVICE_TAGS.rightsize]: "apply" } : {},
      });
      original[name] = service.taskDefinition ?? "";
      await putContainerInsights(
        h.direct.cloudwatch,
        "shop",
        name,
        Array.from({ length: 24 }, (_, i) => ({
          at: new Date(now - (i + 1) * 300_000),
          tasks: 2,
          cpu: 300,
          memory: 700,
        })),
      );
    }
    return { original };
  },
  steps: () => [{ label: WEEKLY, event: scheduledEvent("7a6b5c4d-0000-4000-8000-000000000001") }],
  handler: (_h, clients) =>
    createRightsizeHandler(createRuntime("rightsize", { clients: clients.aws }), {
      prices: bundledPriceBook(REGION),
      insight: clients.insight,
    }),
  async observe(h, world, run, tools) {
    const services: Record<string, ServiceSize> = {};
    for (const name of SERVICES) {
      const runsArn = (await describeService(h.direct.ecs, "shop", name)).taskDefinition ?? "";
      const revisions = await revisionsOf(h.direct.ecs, name);
      const runs = revisions.find((r) => r.arn === runsArn);
      if (!runs) throw new Error(`${name} runs ${runsArn}, which moto does not list`);
      services[name] = { runs, revisions };
    }
    if (tools.clean && services.cart) referenceSize = sizeOf(services.cart.runs);
    if (!referenceSize)
      throw new Error("the rightsize flow's clean scenario must run before its fault scenarios");
    const summaries = run.shown.filter((m) => m.text.startsWith("Right-sizing:"));
    return {
      services,
      original: world.original,
      referenceSize,
      summaries: summaries.length,
      sameSummaryShown: Math.max(
        0,
        ...Object.values(
          summaries.reduce<Record<string, number>>((seen, m) => {
            const text = messageText(m);
            seen[text] = (seen[text] ?? 0) + 1;
            return seen;
          }, {}),
        ),
      ),
      appliedRevisions: summaries.flatMap((m) =>
        [...messageText(m).matchAll(/• shop\/cart: [\d/]+ → [\d/]+ \((cart:\d+)\)/g)].map((x) => x[1] ?? ""),
      ),
      deadLettered: deadLettered(run, WEEKLY),
    };
  },
  invariants,
};
