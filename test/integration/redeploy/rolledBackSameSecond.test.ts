/**
 * Issue 11, reviewer's note 3: no margin between the push's time and a deployment's `createdAt`.
 * The push's times are whole seconds (EventBridge's event time; ECR's `imagePushedAt` as read,
 * imageReads.ts `wholeSecond`), a deployment's `createdAt` has milliseconds: a pipeline that pushes
 * build 42 and deploys it on its tag within that second made a deployment whose `createdAt` can be
 * the push's whole second itself. "Since the push" was strictly after that second, so the deployment
 * was not asked about (neither by the rolled-back ask nor by the check of ListServiceDeployments'
 * answer) and the push's event, handled after ECS rolled build 42 back, pinned build 42 again. Now a
 * deployment counts from a second before the push (rolledBackAsk.ts, SINCE_MARGIN_MS).
 *
 * moto has no service revisions, service deployments nor rollbacks: those are answered on the
 * client (test/support/redeploy.ts, ecsServiceRevisions).
 */
import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { expect, it } from "vitest";
import { wholeSecond } from "../../../core/redeploy/imageReads.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  pushImage,
} from "../../../sandbox/seed.ts";
import { ecsServiceRevisions, redeployHandler, runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

it("a deployment of the pushed build made in the push's own second, rolled back, keeps the push from rolling it out again", async () => {
  const world = await createWorld();
  const ecs = ecsServiceRevisions(world);
  const repository = "shop/rolled-back-same-second";
  await createCluster(world.clients, "same");
  await createRepository(world.clients, repository);
  await pushImage(world.clients, repository, "sha-41", "build-41");
  const d41 = await pushImage(world.clients, repository, "main", "build-41");
  await pushImage(world.clients, repository, "sha-42", "build-42");
  const d42 = await pushImage(world.clients, repository, "main", "build-42");
  const described = await world.clients.ecr.send(
    new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageDigest: d42 }] }),
  );
  const pushedAt = described.imageDetails?.[0]?.imagePushedAt;
  if (!pushedAt) throw new Error("ECR gave no push time");
  // The push's time as EventBridge and ECR give it: its whole second.
  const pushed = wholeSecond(pushedAt);
  const created = await createService(world.clients, {
    cluster: "same",
    name: "web",
    desiredCount: 1,
    tags: { "autopilot:redeploy": "any" },
    containers: [{ name: "web", image: ecrImage(REGION, repository, "main"), essential: true }],
  });
  // The pipeline deployed build 42 on `main` in that very second; it failed, ECS rolled back to 41.
  ecs.runs(created.taskDefinition ?? "", { web: d41 });
  ecs.rolledBack(created.serviceArn ?? "", { web: d42 }, { createdAt: new Date(pushed) });
  const { push } = redeployHandler(world);

  // Before the fix: { deployed: 1 } — build 42 pinned over the rollback.
  expect(await push(repository, d42, "main", "same-second-42", pushed)).toMatchObject({
    deployed: 0,
    services: [
      {
        result: "skip:rolled-back",
        detail: `ECS rolled back a deployment of ${d42} on this service after it was pushed: not rolled out again (push a fix, or deploy it by hand)`,
      },
    ],
  });
  expect(await runningImage(world, "web", "same")).toBe(ecrImage(REGION, repository, "main"));
}, 30_000);
