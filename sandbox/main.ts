/**
 * `npm start`: the local sandbox. Starts the embedded AWS stand-in (moto), seeds a demo account,
 * and plays scenes through the same EventBridge patterns and Lambda handlers that are deployed.
 * Slack messages are printed here, or posted when SLACK_WEBHOOK_URL is set.
 */
import { parseValidConfig } from "../core/validateConfig.ts";
import { startMotoServer, useMotoEnvironment } from "../scripts/moto-server.ts";
import { Sandbox } from "./Sandbox.ts";
import { monitorScene } from "./scenes/monitor.ts";
import { redeployScene } from "./scenes/redeploy.ts";
import { rightsizeScene } from "./scenes/rightsize.ts";
import { scheduleScene } from "./scenes/schedule.ts";

// us-east-1: one of the two regions with bundled Fargate ARM prices (the right-sizing scene's Graviton
// service needs them; EC2 and Fargate x86 are bundled in 31 and 22 regions), and its prices come from
// AWS itself (EC2: the Pricing API through Karpenter's table, 2026-07-20; Fargate: an AWS offer file).
const REGION = "us-east-1";
const print = (line: string) => process.stdout.write(`${line}\n`);

// The sandbox's central config: one service is opted in by name rather than by tag, and skips are posted too.
const CONFIG = parseValidConfig(
  JSON.stringify({
    redeploy: { rules: [{ cluster: "prod", service: "admin", policy: "glob:1.*" }], notifySkipped: true },
  }),
  "sandbox config",
);

async function main(): Promise<void> {
  // Handler logs are JSON for CloudWatch; POWERTOOLS_LOG_LEVEL=INFO npm start shows them here.
  process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
  print("ecs-autopilot sandbox: everything below runs against a local moto server, not AWS.");
  const moto = await startMotoServer({ log: print });
  try {
    useMotoEnvironment(moto.endpoint, REGION);
    print(`moto server on ${moto.endpoint} (AWS_ENDPOINT_URL), region ${REGION}, account 123456789012`);
    const sandbox = new Sandbox(REGION, CONFIG, print);
    await sandbox.start();
    const changes = await redeployScene(sandbox);
    const monitoring = await monitorScene(sandbox);
    const scheduling = await scheduleScene(sandbox);
    const rightsizing = await rightsizeScene(sandbox);

    print("\n■ Summary");
    for (const line of changes.lines) print(line);
    for (const line of monitoring) print(line);
    for (const line of scheduling) print(line);
    for (const line of rightsizing) print(line);
    const deadLetters = await sandbox.deadLetters();
    print(
      `  Slack messages: ${sandbox.slackMessages}${sandbox.postsToSlack ? " (posted)" : " (printed above)"}`,
    );
    print(
      `  dead-lettered events: ${deadLetters.length}${deadLetters.map((d) => ` — ${d.reason}`).join("")}`,
    );
    const writes = Object.entries(changes.calls)
      .filter(([operation]) => /Register|Update|Deregister/.test(operation))
      .map(([operation, count]) => `${operation} ${count}`);
    print(
      `  AWS API calls made by the redeploy flow: ${Object.values(changes.calls).reduce((a, b) => a + b, 0)} (${writes.join(", ")})`,
    );
  } finally {
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `sandbox failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
