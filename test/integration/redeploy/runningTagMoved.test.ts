/**
 * Found in review. For a revision deployed outside ecs-autopilot, ECR's `imagePushedAt` of the
 * image the running TAG names NOW stood in for when the running image was pushed. A mutable tag
 * (`latest`, `main`) moves on after the service was deployed; what the service runs is the older
 * image. Under a policy that does not take pushes of the running tag (`minor`, `range:`: Keel's
 * "latest, then versions" first install), or when that push is skipped for another reason (its
 * platform, under `any`), the next push of that tag deploys nothing, so a release pushed before it
 * but handled after it (a second of delivery delay, a Lambda retry, a redrive) was skipped as
 * "pushed before the push of 'latest' that <service> runs" — which is false — and never deployed.
 * A tag's image now dates what runs only if it was pushed before the running deployment was created.
 */
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
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
import { runningImage } from "../../support/redeploy.ts";
import { createWorld, REGION } from "../../support/world.ts";

let serial = 0;
const eventId = () => `00000000-0000-4000-8f11-${String(++serial).padStart(12, "0")}`;
const wholeSecond = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

describe("the running tag moved on after the service was deployed", () => {
  it.each([
    ["minor", "1.3.0"],
    ["range:^1", "1.3.0"],
  ])(
    "a %s release pushed a second before the next nightly 'latest' is still deployed",
    async (policy, release) => {
      const world = await createWorld();
      const repository = `shop/first-install-${serial}`;
      await createCluster(world.clients, "prod");
      await createRepository(world.clients, repository);
      // First install: Terraform created the service on `:latest` (build 1); no autopilot tags.
      const build1 = await pushImage(world.clients, repository, "latest", "nightly-1");
      await pushImage(world.clients, repository, "nightly-1", "nightly-1");
      const name = `web${serial}`;
      await createService(world.clients, {
        cluster: "prod",
        name,
        desiredCount: 1,
        tags: { "autopilot:redeploy": policy },
        containers: [{ name, image: ecrImage(REGION, repository, "latest"), essential: true }],
      });
      const handler = createRedeployHandler(
        createRuntime("redeploy", {
          clients: world.clients,
          tableName: world.tableName,
          notifier: new TerminalNotifier(() => undefined),
        }),
      );
      // The release is pushed; its event is handled a little over a second later, after the next
      // nightly build moved `latest` (new content). Its own 'latest' event deploys nothing: the
      // policy does not take `latest` (the control below shows it).
      const releaseDigest = await pushImage(world.clients, repository, release, "release");
      const releaseTime = wholeSecond(new Date());
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const nightly2 = await pushImage(world.clients, repository, "latest", "nightly-2");
      const nightlyEvent = await handler(
        ecrPushEvent({ region: REGION, repository, digest: nightly2, tag: "latest", id: eventId() }),
        localContext("redeploy"),
      );
      expect(nightlyEvent).toMatchObject({ deployed: 0 });
      expect(await runningImage(world, name)).toBe(ecrImage(REGION, repository, "latest"));
      expect(build1).not.toBe(nightly2);

      const result = await handler(
        ecrPushEvent({
          region: REGION,
          repository,
          digest: releaseDigest,
          tag: release,
          id: eventId(),
          time: releaseTime,
        }),
        localContext("redeploy"),
      );

      // The service runs build 1 (pushed long before the release): the release is newer and must deploy.
      // Was: skip:superseded "'<release>' was pushed at …, before the push of 'latest' that <svc>:1 runs".
      expect(JSON.stringify(result)).not.toContain("before the push of 'latest'");
      expect(result, JSON.stringify(result)).toMatchObject({ deployed: 1, skipped: 0 });
      expect(await runningImage(world, name)).toContain(`@${releaseDigest}`);
    },
    30_000,
  );

  it("under 'any': a build skipped for its platform moves 'main'; the build before it is then never deployed", async () => {
    // A Graviton service the pipeline deployed as `:main` (build 40, multi-arch). Build 41 is pushed
    // as `sha-41` (multi-arch); a second later build 42 as `main`, amd64 only: its event is skipped
    // (platform-mismatch), so the service still runs build 40. Build 41's event, handled after
    // that, is compared with build 42's push time and skipped as "before the push of 'main' that
    // <svc> runs", which it does not run: build 41 is lost.
    const world = await createWorld();
    const repository = "shop/graviton";
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, repository);
    const both = { platforms: ["linux/amd64", "linux/arm64"] };
    await pushImage(world.clients, repository, "main", "build-40", both);
    await pushImage(world.clients, repository, "sha-40", "build-40", both);
    await createService(world.clients, {
      cluster: "prod",
      name: "graviton",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "any" },
      containers: [{ name: "graviton", image: ecrImage(REGION, repository, "main"), essential: true }],
      taskDefinition: { runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } },
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => undefined),
      }),
    );
    const d41 = await pushImage(world.clients, repository, "sha-41", "build-41", both);
    const time41 = wholeSecond(new Date());
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const d42 = await pushImage(world.clients, repository, "main", "build-42", {
      platforms: ["linux/amd64"],
    });
    const main42 = await handler(
      ecrPushEvent({ region: REGION, repository, digest: d42, tag: "main", id: eventId() }),
      localContext("redeploy"),
    );
    expect(main42).toMatchObject({ deployed: 0, services: [{ result: "skip:platform-mismatch" }] });

    const late41 = await handler(
      ecrPushEvent({ region: REGION, repository, digest: d41, tag: "sha-41", id: eventId(), time: time41 }),
      localContext("redeploy"),
    );
    // Was: skip:superseded "… before the push of 'main' that graviton:1 runs …".
    expect(JSON.stringify(late41)).not.toContain("before the push of 'main'");
    expect(await runningImage(world, "graviton")).toContain(`@${d41}`);
  }, 30_000);

  it("control: the same release handled before the nightly moved 'latest' deploys", async () => {
    const world = await createWorld();
    const repository = `shop/first-install-control`;
    await createCluster(world.clients, "prod");
    await createRepository(world.clients, repository);
    await pushImage(world.clients, repository, "latest", "nightly-1");
    await createService(world.clients, {
      cluster: "prod",
      name: "control",
      desiredCount: 1,
      tags: { "autopilot:redeploy": "minor" },
      containers: [{ name: "control", image: ecrImage(REGION, repository, "latest"), essential: true }],
    });
    const handler = createRedeployHandler(
      createRuntime("redeploy", {
        clients: world.clients,
        tableName: world.tableName,
        notifier: new TerminalNotifier(() => undefined),
      }),
    );
    const releaseDigest = await pushImage(world.clients, repository, "1.3.0", "release");
    const result = await handler(
      ecrPushEvent({ region: REGION, repository, digest: releaseDigest, tag: "1.3.0", id: eventId() }),
      localContext("redeploy"),
    );
    expect(result).toMatchObject({ deployed: 1 });
    expect(await runningImage(world, "control")).toContain(`@${releaseDigest}`);
  }, 30_000);
});
