/**
 * Compute Optimizer side by side. moto has no Compute Optimizer, so its API is a local HTTP server
 * speaking the service's protocol (AWS JSON 1.0, target `ComputeOptimizerService.GetECSServiceRecommendations`)
 * with responses shaped field by field after the API model (test/support/computeOptimizerSample.ts).
 * Everything else is moto.
 */
import { ComputeOptimizerClient } from "@aws-sdk/client-compute-optimizer";
import { CreateClusterCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFleet } from "../../../core/rightsize/analyzeFleet.ts";
import { readComputeOptimizer } from "../../../core/rightsize/computeOptimizer.ts";
import { bundledPriceBook } from "../../../core/rightsize/priceBook.ts";
import { createService, ecrImage, putContainerInsights } from "../../../sandbox/seed.ts";
import { ecsServiceRecommendation } from "../../support/computeOptimizerSample.ts";
import { type RecordedPost, startRecordingServer } from "../../support/recordingServer.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

const API = `arn:aws:ecs:${REGION}:123456789012:service/web/api`;

type Answer = { status: number; body: unknown };
let answers: Answer[] = [];
let server: Awaited<ReturnType<typeof startRecordingServer>>;
let client: ComputeOptimizerClient;

beforeAll(async () => {
  server = await startRecordingServer((_post: RecordedPost, index, res) => {
    const answer = answers[Math.min(index, answers.length - 1)] ?? { status: 500, body: {} };
    res
      .writeHead(answer.status, { "content-type": "application/x-amz-json-1.0" })
      .end(JSON.stringify(answer.body));
  });
  client = new ComputeOptimizerClient({
    region: REGION,
    endpoint: server.url("/"),
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
  });
});
afterAll(() => server.close());

describe("Compute Optimizer's GetECSServiceRecommendations (a local server speaking its protocol)", () => {
  it("reads every page and keeps what we compare", async () => {
    server.posts.length = 0;
    answers = [
      {
        status: 200,
        body: { ecsServiceRecommendations: [ecsServiceRecommendation(API)], nextToken: "page-2", errors: [] },
      },
      {
        status: 200,
        body: { ecsServiceRecommendations: [ecsServiceRecommendation(`${API}-v2`)], errors: [] },
      },
    ];
    const view = await readComputeOptimizer(client);
    expect(server.posts.map((p) => p.headers["x-amz-target"])).toEqual([
      "ComputeOptimizerService.GetECSServiceRecommendations",
      "ComputeOptimizerService.GetECSServiceRecommendations",
    ]);
    expect(server.posts.map((p) => JSON.parse(p.body).nextToken)).toEqual([undefined, "page-2"]);
    expect(view.status).toBe("ok");
    expect(view.detail).toBe("2 ECS service recommendations");
    expect(view.recommendations.get(API)).toEqual({
      serviceArn: API,
      finding: "Overprovisioned",
      findingReasonCodes: ["CPUOverprovisioned", "MemoryOverprovisioned"],
      current: { cpu: 2048, memory: 4096 },
      recommended: { cpu: 512, memory: 2048 },
      estimatedMonthlySavings: { currency: "USD", value: 88.2 },
      // effectiveRecommendationPreferences.savingsEstimationMode.source, as the API states it.
      savingsSource: "PublicPricing",
      lookbackPeriodInDays: 14,
      utilization: { cpuMaximum: 14.6, memoryMaximum: 17.1 },
      autoScaling: [],
      lastRefresh: "2026-11-24T00:00:00.000Z",
    });
  });

  it("tells an account that has not opted in, or a role without the permission, from a failure", async () => {
    answers = [
      { status: 400, body: { __type: "OptInRequiredException", message: "The account is not opted in." } },
    ];
    expect(await readComputeOptimizer(client)).toMatchObject({
      status: "not-enabled",
      detail: "the account has not opted in to AWS Compute Optimizer",
    });
    answers = [
      { status: 400, body: { __type: "AccessDeniedException", message: "User is not authorized." } },
    ];
    expect(await readComputeOptimizer(client)).toMatchObject({
      status: "unavailable",
      detail: "no permission for compute-optimizer:GetECSServiceRecommendations",
    });
  });
});

describe("our recommendation next to Compute Optimizer's, in a report (fleet in moto)", () => {
  let world: World;
  beforeAll(async () => {
    await resetMoto();
    world = await createWorld();
    await world.clients.ecs.send(
      new CreateClusterCommand({
        clusterName: "web",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    const service = await createService(world.clients, {
      cluster: "web",
      name: "api",
      desiredCount: 2,
      containers: [{ name: "app", image: ecrImage(REGION, "shop/api", "1.0.0"), essential: true }],
      taskDefinition: { cpu: "2048", memory: "4096" },
    });
    expect(service.serviceArn).toBe(API);
    const end = new Date("2026-11-25T00:00:00Z");
    await putContainerInsights(
      world.insight.cloudwatch,
      "web",
      "api",
      Array.from({ length: 24 }, (_, h) => ({
        at: new Date(end.getTime() - (24 - h) * 3_600_000),
        tasks: 2,
        cpu: 300,
        memory: 700,
      })),
    );
    answers = [
      { status: 200, body: { ecsServiceRecommendations: [ecsServiceRecommendation(API)], errors: [] } },
    ];
  }, 60_000);

  it("shows its finding, size and saving next to ours, and why they differ", async () => {
    const report = await analyzeFleet({ ...world.fleet, computeOptimizer: client }, world.tableName, {
      prices: bundledPriceBook(REGION),
      candidates: [],
      end: new Date("2026-11-25T00:00:00Z"),
      lookbackDays: 1,
      periodSeconds: 3600,
    });
    expect(report.computeOptimizer).toEqual({ status: "ok", detail: "1 ECS service recommendation" });
    const [api] = report.recommendations;
    // Ours: 300 × 1.2 = 360 units, 700 × 1.2 = 840 MiB → 512/1024 on Fargate in eu-west-1.
    expect(api).toMatchObject({ capacity: "FARGATE", size: { cpu: 512, memory: 1024 } });
    expect(api?.computeOptimizer).toMatchObject({
      finding: "Overprovisioned",
      recommended: { cpu: 512, memory: 2048 },
      estimatedMonthlySavings: { currency: "USD", value: 88.2 },
      lookbackPeriodInDays: 14,
    });
    expect(api?.computeOptimizer?.differences).toEqual([
      "lookback: ours 1 day, Compute Optimizer's 14",
      "sizes: ours 512 CPU units / 1024 MiB from p99 CPU 300 units and peak memory 700 MiB + 20 % headroom; Compute Optimizer's 512 CPU units / 2048 MiB from its maximum utilisation (CPU 14.6 %, memory 17.1 %)",
      `savings: ours $${api?.saving?.toFixed(2)}/month from the price book (list prices, dated in the report); Compute Optimizer's USD 88.20/month from public On-Demand pricing (savingsEstimationMode PublicPricing)`,
    ]);
  });
});
