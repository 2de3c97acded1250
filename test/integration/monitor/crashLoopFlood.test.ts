import { describe, expect, it } from "vitest";
import { localContext } from "../../../cli/localContext.ts";
import { parseConfig } from "../../../core/config/index.ts";
import { MonitorState } from "../../../core/monitor/index.ts";
import { type Notifier, renderPlainText, type SlackMessage } from "../../../core/notify/index.ts";
import { createMonitorHandler } from "../../../functions/monitor.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { serviceActionEvent, stoppedTaskEvent } from "../../../sandbox/ecsEvents.ts";
import { createWorld } from "../../support/world.ts";

/**
 * A crash-looping service floods the monitor: 1,000 OOM stops, counted one by one against moto.
 * Every stop's decision is asserted as it is made (the first is told, the third opens the
 * incident, every later one only counts), so a wrong decision fails at the stop that makes it
 * rather than after the thousandth. The test has its own file and table: moto 5.2.1 deep-copies
 * the whole table for every TransactWriteItems (to roll back on failure), so each counted stop
 * costs more as the table fills — ~30 s for the 1,000 stops on an idle 2-core machine, several
 * times that on a loaded one (DynamoDB's cost is constant) — and nothing else should pay for it.
 */
describe("functions/monitor against moto, flooded", () => {
  it("turns 1,000 OOM stops of one crash-looping service into at most 3 Slack posts", async () => {
    const world = await createWorld();
    const posts: Array<{ webhook: string; message: SlackMessage }> = [];
    const notifierFor = (webhook: string): Notifier => ({
      post: async (message) => {
        posts.push({ webhook, message });
      },
    });
    const handler = createMonitorHandler(
      createRuntime("monitor", {
        clients: world.clients,
        tableName: world.tableName,
        config: parseConfig("{}", "test"),
        notifier: notifierFor("SlackWebhookUrl"),
        notifierFor,
      }),
    );
    /** What the monitor must decide for the i-th stop (0-based) with the default crash loop (3 within 10 min). */
    const expected = (i: number) =>
      i === 0
        ? {
            action: "alerted",
            detail: "out-of-memory",
            sent: ["SlackWebhookUrl: primary-cluster/api: task stopped (out-of-memory)"],
          }
        : i === 1
          ? { action: "counted", detail: "2 of 3 stops within 10 min" }
          : i === 2
            ? {
                action: "incident-opened",
                sent: [
                  "SlackWebhookUrl: Crash loop: primary-cluster/api: 3 tasks stopped within 10 min (out-of-memory)",
                ],
              }
            : { action: "incident-updated", detail: `${i + 1} stops so far` };
    for (let i = 0; i < 1000; i++) {
      const event = stoppedTaskEvent({
        id: `oom-${i}`,
        taskId: `task${String(i).padStart(28, "0")}`,
        service: "api",
        exitCode: 137,
        containerReason: "OutOfMemoryError: Container killed due to memory usage",
      });
      expect(await handler(event, localContext("monitor")), `stop ${i + 1}`).toMatchObject(expected(i));
    }
    const recovered = await handler(
      serviceActionEvent({
        id: "steady-1",
        sample: "ecs-service-action-steady-state.json",
        account: "667471847564",
        region: "us-east-2",
        cluster: "primary-cluster",
        service: "api",
      }),
      localContext("monitor"),
    );

    expect(recovered).toMatchObject({ action: "recovered" });
    expect(posts.map((p) => p.message.text)).toEqual([
      "primary-cluster/api: task stopped (out-of-memory)",
      "Crash loop: primary-cluster/api: 3 tasks stopped within 10 min (out-of-memory)",
      expect.stringMatching(
        /^Recovered: primary-cluster\/api is steady again after 1000 stops over \d+ min$/,
      ),
    ]);
    const crashLoop = renderPlainText(posts[1]?.message ?? { text: "", blocks: [] });
    expect(crashLoop).toContain("container `voterintake`, exit 137");
    expect(crashLoop).toContain("OutOfMemoryError: Container killed due to memory usage");
    expect(crashLoop).toContain(
      "https://us-east-2.console.aws.amazon.com/ecs/v2/clusters/primary-cluster/services/api/health",
    );

    // The right-sizing flow reads these counts.
    const stats = await new MonitorState(world.state).readStopStats(
      "arn:aws:ecs:us-east-2:667471847564:service/primary-cluster/api",
      1,
    );
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ stops: 1000, outOfMemory: 1000, byClass: { "out-of-memory": 1000 } });
  }, 300_000);
});
