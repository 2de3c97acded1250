/**
 * The Notify function as deployed, posting to a Slack stand-in on loopback that takes every post
 * (200, recorded): what the review tests of told-once messages run the outbox through.
 */
import { DEFAULT_CONFIG } from "../../core/config/index.ts";
import { SlackWebhook } from "../../core/notify/index.ts";
import { createNotifyHandler } from "../../functions/notify.ts";
import { createRuntime } from "../../runtime/runtime.ts";
import { startRecordingServer } from "./recordingServer.ts";
import type { World } from "./world.ts";

/** Notify posting to `path` on a loopback Slack (close `slack` when done). */
export async function notifyOnLoopback(world: World, path: string) {
  const slack = await startRecordingServer((_post, _i, res) => {
    res.writeHead(200).end("ok");
  });
  const notify = createNotifyHandler(
    createRuntime("notify", {
      clients: world.clients,
      tableName: world.tableName,
      config: DEFAULT_CONFIG,
      notifier: new SlackWebhook(slack.url(path), { maxAttempts: 1, baseDelayMs: 1 }),
    }),
  );
  return { slack, notify };
}
