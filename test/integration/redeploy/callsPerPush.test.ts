import { beforeAll, describe, expect, it } from "vitest";
import { pushFromEvent, redeployPush } from "../../../core/redeploy/index.ts";
import { ecrPushEvent, pushImage, seedPushFleet } from "../../../sandbox/seed.ts";
import { createWorld, REGION, type World } from "../../support/world.ts";

/**
 * A push must not cost a Describe call per unrelated service. Two accounts: the same two tracked
 * services, plus 5 or 200 services (over 4 clusters) that use other repositories.
 */
async function account(unrelated: number): Promise<World> {
  const world = await createWorld();
  await seedPushFleet(world.clients, REGION, unrelated);
  return world;
}

async function countPush(world: World, unrelated: number, tag: string) {
  const repository = `shop/web-${unrelated}`;
  const digest = await pushImage(world.clients, repository, tag);
  world.counter.reset();
  const report = await redeployPush(
    pushFromEvent(ecrPushEvent({ region: REGION, repository, digest, tag, id: `${unrelated}-${tag}` })),
    world.context(),
  );
  expect(report.outcomes.filter((o) => o.kind === "deployed")).toHaveLength(2);
  return { total: world.counter.total(), byOperation: world.counter.byOperation() };
}

describe("AWS calls per push", () => {
  const measured: Record<
    number,
    { first: number; steady: ReturnType<typeof countPush> extends Promise<infer R> ? R : never }
  > = {};

  beforeAll(async () => {
    for (const unrelated of [5, 200]) {
      const world = await account(unrelated);
      const first = await countPush(world, unrelated, "1.1.0");
      const steady = await countPush(world, unrelated, "1.2.0");
      measured[unrelated] = { first: first.total, steady };
    }
  }, 240_000);

  it("does not grow with the number of unrelated services once the index exists", () => {
    expect(measured[200]?.steady).toEqual(measured[5]?.steady);
    // 2 index reads, DescribeServices per cluster (2), DescribeTaskDefinition per service (2), one
    // BatchGetItem for the pushes queued for those services (newest wins, idle or rolling), one
    // BatchGetImage for the pushed image's platforms (an image index: no config blob to read), one
    // DescribeImages for where its tag points now (a push the tag has left since is stale), one
    // DescribeImages for the digest both services run pinned by the first push (its recorded time
    // may have been copied by another tool: ECR's push time is asked),
    // per deployed service: claim put + update, the service's one-roll-out-at-a-time lease (put,
    // delete) and its DescribeServices re-check, RegisterTaskDefinition, UpdateService; and one
    // BatchWriteItem recording the deployments for the monitor flow.
    expect(measured[5]?.steady.byOperation).toEqual({
      "ECR.BatchGetImage": 1,
      "ECR.DescribeImages": 2,
      "DynamoDB.BatchGetItem": 1,
      "DynamoDB.BatchWriteItem": 1,
      "DynamoDB.GetItem": 1,
      "DynamoDB.DeleteItem": 2,
      "DynamoDB.PutItem": 4,
      "DynamoDB.Query": 1,
      "DynamoDB.UpdateItem": 2,
      "ECS.DescribeServices": 4,
      "ECS.DescribeTaskDefinition": 2,
      "ECS.RegisterTaskDefinition": 2,
      "ECS.UpdateService": 2,
    });
  });

  it("pays for the full index build only on the first push after install", () => {
    expect(measured[200]?.first).toBeGreaterThan(measured[200]?.steady.total ?? 0);
    expect(measured[200]?.first).toBeGreaterThan(measured[5]?.first ?? 0);
  });
});
