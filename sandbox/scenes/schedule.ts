import { TagResourceCommand } from "@aws-sdk/client-ecs";
import { localContext } from "../../cli/localContext.ts";
import { schedule } from "../../cli/schedule.ts";
import { SERVICE_TAGS } from "../../core/tags.ts";
import type { Sandbox } from "../Sandbox.ts";
import { SANDBOX_TABLE } from "../Sandbox.ts";
import { ACCOUNT, sampleEvent } from "../seed.ts";

/** Scheduled scaling: staging runs office hours only; a typo in a schedule is reported once. */
export async function scheduleScene(sandbox: Sandbox): Promise<string[]> {
  const { print, clients, region } = sandbox;
  const arn = (service: string) => `arn:aws:ecs:${region}:${ACCOUNT}:service/staging/${service}`;
  print(
    "\n▶ Staging gets office hours: staging/web-main 'Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24'",
  );
  await clients.ecs.send(
    new TagResourceCommand({
      resourceArn: arn("web-main"),
      tags: [{ key: SERVICE_TAGS.schedule, value: "Mon-Fri 07:00-19:00 Europe/Berlin except 2026-12-24" }],
    }),
  );
  print("  and staging/nginx gets a typo: 'Mon-Fry 08:00-18:00 Europe/Berlin'");
  await clients.ecs.send(
    new TagResourceCommand({
      resourceArn: arn("nginx"),
      tags: [{ key: SERVICE_TAGS.schedule, value: "Mon-Fry 08:00-18:00 Europe/Berlin" }],
    }),
  );

  const handler = await sandbox.handler("schedule");
  const scheduled = {
    ...sampleEvent("scheduled-event.json"),
    account: ACCOUNT,
    region,
    time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
  print("\n▶ The 15-minute schedule fires (the Scheduled Event sample)");
  const first = (await handler({ ...scheduled, id: "sandbox-schedule-1" }, localContext("schedule"))) as {
    writes: number;
  };
  print(`  reconciled: ${first.writes} writes`);
  print("\n▶ It fires again 15 minutes later");
  const second = (await handler({ ...scheduled, id: "sandbox-schedule-2" }, localContext("schedule"))) as {
    writes: number;
  };
  print(`  reconciled: ${second.writes} writes, and no second message about the typo`);

  print("\n▶ npx ecs-autopilot schedule plan --days 7");
  const { output: plan } = await schedule("plan", { days: "7", table: SANDBOX_TABLE }, clients);
  for (const line of plan.split("\n")) print(`  ${line}`);
  return [`  schedules: first run ${first.writes} writes, second run ${second.writes} writes`];
}
