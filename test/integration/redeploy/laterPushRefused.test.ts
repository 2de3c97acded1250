/**
 * A push whose tag has moved on is replaced only where the later image could run. Found in review
 * (round 7): CI pushed build 41 (multi-arch) as `main`, then build 42 (amd64 only: a broken build
 * matrix); build 41's event, handled two seconds late, was skipped on a Graviton service as
 * "a later push of it replaced this one" — but the service refuses build 42, so it stayed on build
 * 40 and Slack was told something false. Now the image the tag names now is read too (its
 * platforms, its signatures), and a service that cannot take it, and is known not to run it, still
 * takes the push. Known: pinned by digest, or ECS says which digest runs on the tag (moto cannot:
 * test/support/redeploy.ts answers it on the client). Without that, a pipeline may have deployed
 * the later build on the tag itself (review round 8): the push stays replaced.
 */
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import {
  createCluster,
  createRepository,
  createService,
  ecrImage,
  ecrPushEvent,
  pushImage,
} from "../../../sandbox/seed.ts";
import {
  ecsServiceRevisions,
  eventTime,
  nextSecond,
  pinnedImage,
  redeployHandler,
  runningImage,
} from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

const both = { platforms: ["linux/amd64", "linux/arm64"] };

describe("a late push whose tag moved on to an image some services refuse", () => {
  it.each([
    ["ECS says the Graviton service runs build 40: it takes build 41", true],
    ["ECS does not say what runs on the tag: build 41 stays replaced everywhere", false],
  ])(
    "%s (the amd64 service keeps build 42)",
    async (_, ecsSays) => {
      const world = await createWorld();
      const ecs = ecsServiceRevisions(world);
      const repository = `shop/matrix-${ecsSays}`;
      const cluster = ecsSays ? "ecs-says" : "ecs-silent";
      await createCluster(world.clients, cluster);
      await createRepository(world.clients, repository);
      // Every build is also pushed as `sha-<n>` (moto deletes an image whose only tag moves on).
      await pushImage(world.clients, repository, "sha-40", "build-40", both);
      const d40 = await pushImage(world.clients, repository, "main", "build-40", both);
      for (const [name, runtimePlatform] of [
        ["graviton", { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" }],
        ["intel", { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" }],
      ] as const) {
        const created = await createService(world.clients, {
          cluster,
          name,
          desiredCount: 1,
          tags: { "autopilot:redeploy": "any" },
          containers: [{ name, image: ecrImage(REGION, repository, "main"), essential: true }],
          taskDefinition: { runtimePlatform },
        });
        if (ecsSays) ecs.runs(created.taskDefinition ?? "", { [name]: d40 });
      }
      const { handler, posted } = redeployHandler(world);
      const event = (digest: string, id: string, time: string) =>
        handler(
          ecrPushEvent({ region: REGION, repository, digest, tag: "main", id, time }),
          localContext("redeploy"),
        );
      await nextSecond();
      await pushImage(world.clients, repository, "sha-41", "build-41", both);
      const d41 = await pushImage(world.clients, repository, "main", "build-41", both);
      const t41 = eventTime();
      await nextSecond();
      const amd64 = { platforms: ["linux/amd64"] };
      await pushImage(world.clients, repository, "sha-42", "build-42", amd64);
      const d42 = await pushImage(world.clients, repository, "main", "build-42", amd64);

      expect(await event(d42, "later-refused-42", eventTime())).toMatchObject({
        deployed: 1,
        services: [
          { service: `${cluster}/graviton`, result: "skip:platform-mismatch" },
          { service: `${cluster}/intel`, result: "deployed" },
        ],
      });
      const late = await event(d41, "later-refused-41", t41);

      expect(late).toMatchObject({
        deployed: ecsSays ? 1 : 0,
        services: [
          { service: `${cluster}/graviton`, result: ecsSays ? "deployed" : "skip:superseded" },
          { service: `${cluster}/intel`, result: "skip:superseded" },
        ],
      });
      const pinned = (digest: string) => pinnedImage(repository, digest);
      expect(await runningImage(world, "graviton", cluster)).toBe(
        ecsSays ? pinned(d41) : ecrImage(REGION, repository, "main"),
      );
      expect(await runningImage(world, "intel", cluster)).toBe(pinned(d42));
      if (ecsSays) expect(posted.join("\n")).toContain("which this service cannot take (platform-mismatch");
    },
    30_000,
  );
});
