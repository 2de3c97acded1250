/**
 * A release signed right after its push. With `autopilot:require-signature=true`, a signature can
 * only be attached once the image is in the registry (`docker buildx … --push -t repo:1.1.0`, then
 * `cosign sign repo@sha256:…`, which pushes `sha256-<hex>.sig` into the same repository). ECR's
 * event for the image is handled within a second or two, before `cosign sign` has finished, so the
 * push is skipped as `unsigned`. Found in review: the signature's own push never brought the signed
 * image back, and the release was never deployed. Now the signature's push plans the tags of the
 * image it signs again.
 *
 * moto 5.2.1 has no ListImageReferrers (its server answers HTTP 500): that one call is answered on
 * the client, with no referrers (the cosign tag signature is found through BatchGetImage, in moto).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PutImageCommand } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { TerminalNotifier } from "../../../core/notify/index.ts";
import { signatureTags } from "../../../core/redeploy/index.ts";
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
import { createWorld, REGION, type World } from "../../support/world.ts";

const signature = readFileSync(
  resolve(import.meta.dirname, "../../fixtures/images/cosign-signature.spec-example.json"),
  "utf8",
);
const signatureDigest = `sha256:${createHash("sha256").update(signature).digest("hex")}`;
let serial = 0;

async function signedLater(repository: string) {
  const world = await createWorld();
  world.clients.ecr.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "ListImageReferrersCommand")
        return { output: { referrers: [], $metadata: {} }, response: {} };
      return next(args);
    },
    { step: "initialize", name: "answerWhatMotoCannot" },
  );
  const slack = new TerminalNotifier(() => undefined);
  await createCluster(world.clients, "prod");
  await createRepository(world.clients, repository);
  await pushImage(world.clients, repository, "1.0.0", "release-1.0.0");
  await createService(world.clients, {
    cluster: "prod",
    name: "signed",
    tags: { "autopilot:redeploy": "minor", "autopilot:require-signature": "true" },
    containers: [{ name: "signed", image: ecrImage(REGION, repository, "1.0.0"), essential: true }],
  });
  const handler = createRedeployHandler(
    createRuntime("redeploy", { clients: world.clients, tableName: world.tableName, notifier: slack }),
  );
  const event = (digest: string, tag: string, id = `signed-${++serial}`) =>
    handler(ecrPushEvent({ region: REGION, repository, digest, tag, id }), localContext("redeploy"));
  // CI pushes the release; its event is handled before the signature exists.
  const release = await pushImage(world.clients, repository, "1.1.0", "release-1.1.0");
  expect(await event(release, "1.1.0")).toMatchObject({
    deployed: 0,
    services: [{ result: "skip:unsigned" }],
  });
  return { world, slack, event, release, repository };
}

async function sign(world: World, repository: string, digest: string): Promise<string> {
  const tag = signatureTags(digest).cosign;
  await world.clients.ecr.send(
    new PutImageCommand({
      repositoryName: repository,
      imageTag: tag,
      imageManifest: signature,
      imageManifestMediaType: (JSON.parse(signature) as { mediaType: string }).mediaType,
      imageDigest: signatureDigest,
    }),
  );
  return tag;
}

describe("a release signed after its push", () => {
  it("is deployed when the signature's own push arrives, once, and Slack is told", async () => {
    const { world, slack, event, release, repository } = await signedLater("shop/signed-later");
    const tag = await sign(world, repository, release);
    const id = "signature-event-1";
    expect(await event(signatureDigest, tag, id)).toMatchObject({
      status: "signed",
      signature: tag,
      reports: [{ tag: "1.1.0", digest: release, deployed: 1 }],
    });
    expect(await runningImage(world, "signed")).toContain(`@${release}`);
    expect(slack.messages.at(-1)?.text).toBe(
      "shop/signed-later:1.1.0: deployed to 1 service(s), 0 failed, 0 skipped",
    );
    // The same signature event delivered again is handled once (its claim); another signature of
    // the same image (re-signed) finds it running.
    expect(await event(signatureDigest, tag)).toMatchObject({
      status: "signed",
      reports: [{ deployed: 0, services: [{ result: "skip:already-running" }] }],
    });
  });

  it("is not deployed when its tag has moved on by the time the signature arrives (the image has no tag left)", async () => {
    const { world, event, release, repository } = await signedLater("shop/signed-moved");
    await pushImage(world.clients, repository, "1.1.0", "release-1.1.0-rebuilt");
    const tag = await sign(world, repository, release);
    expect(await event(signatureDigest, tag)).toEqual({ status: "signed", signature: tag, reports: [] });
    expect(await runningImage(world, "signed")).toContain(":1.0.0");
  });
});
