/**
 * `ecs-autopilot schedule apply` when Application Auto Scaling refuses one service's writes
 * (issue 11, Must show 5 and 2; review 30): the other services are applied; the refused one is
 * named with its error and the writes that were not made; the summary counts only writes made;
 * the command exits 1, in text and JSON. The refusal is a middleware on the client under test (as
 * test/integration/schedule/scheduleFaults.test.ts): moto cannot refuse one service's writes.
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScheduledActionsCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { beforeEach, describe, expect, it } from "vitest";
import { schedule } from "../../../cli/schedule.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;
const container = [{ name: "app", image: ecrImage(REGION, "shop/web", "1.0.0"), essential: true }];
const DENIED = "User is not authorized to perform: application-autoscaling:PutScheduledAction";

/** A client whose PutScheduledAction for `resourceId` is refused (AccessDeniedException). */
function refusing(resourceId: string) {
  const clients = createAwsClients({ region: REGION });
  (clients.autoscaling as ApplicationAutoScalingClient).middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: { ResourceId?: string } }).input;
      if (context.commandName !== "PutScheduledActionCommand" || input?.ResourceId !== resourceId)
        return next(args);
      throw Object.assign(new Error(DENIED), {
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
    },
    { step: "initialize", name: "refuse-put-scheduled-action" },
  );
  return clients;
}

/** The lines of one service's section of the text report (its name line to the blank line after it). */
function section(output: string, service: string): string[] {
  const lines = output.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${service}  `));
  const end = lines.findIndex((l, i) => i > start && l === "");
  return lines.slice(start, end);
}
const writeLines = (lines: string[]) =>
  lines.filter((l) =>
    /^ {2}(not done: |would )?(remember|create|delete|register|set|restore|forget)/.test(l),
  );

const actionsOf = async (service: string) =>
  (
    await world.clients.autoscaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: "ecs", ResourceId: `service/dev/${service}` }),
    )
  ).ScheduledActions?.map((a) => a.ScheduledActionName);

describe("schedule apply (CLI) when one service's writes are refused", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "dev");
    for (const name of ["alpha", "beta"])
      await createService(world.clients, {
        cluster: "dev",
        name,
        desiredCount: 2,
        containers: container,
        tags: { "autopilot:schedule": "Mon-Fri 07:00-19:00 Europe/Berlin" },
      });
  });

  it("names the failed service and its error, lists its writes not made, counts only writes made, exits 1", async () => {
    const { output, exitCode } = await schedule(
      "apply",
      { table: world.tableName },
      refusing("service/dev/beta"),
    );
    expect(exitCode).toBe(1);
    expect(writeLines(section(output, "dev/alpha"))).toEqual([
      "  remember up capacity 2 (from desired count)",
      "  create autopilot-up-0700-MON-FRI: cron(0 7 ? * MON-FRI *) Europe/Berlin → 2",
      "  create autopilot-down-1900-MON-FRI: cron(0 19 ? * MON-FRI *) Europe/Berlin → 0",
      "  register scalable target → 0",
    ]);
    const beta = section(output, "dev/beta");
    expect(writeLines(beta)).toEqual([
      "  remember up capacity 2 (from desired count)",
      "  not done: create autopilot-up-0700-MON-FRI: cron(0 7 ? * MON-FRI *) Europe/Berlin → 2",
      "  not done: create autopilot-down-1900-MON-FRI: cron(0 19 ? * MON-FRI *) Europe/Berlin → 0",
      "  register scalable target → 0",
    ]);
    expect(beta.at(-1)).toBe(
      `  FAILED after 2 of 4 writes: AccessDeniedException: ${DENIED} (the up capacity is remembered first; the next reconcile starts again from what holds)`,
    );
    // Beta's savings are not in effect and not in the total: the total is alpha's alone.
    expect(beta.find((l) => l.includes("task-hours/week"))).toMatch(
      /^ {2}would save \(not in effect: its writes failed\) 216 task-hours\/week/,
    );
    expect(output.split("\n").at(-1)).toMatch(
      /^2 scheduled, 0 invalid, 0 unscheduled, 1 FAILED \(dev\/beta\); 6 writes, 2 not done; saves 216 task-hours\/week/,
    );
    // Alpha was applied although beta failed; beta has no action.
    expect((await actionsOf("alpha"))?.sort()).toEqual([
      "autopilot-down-1900-MON-FRI",
      "autopilot-up-0700-MON-FRI",
    ]);
    expect(await actionsOf("beta")).toEqual([]);

    // The rerun with the permission back makes only what was not made, and exits 0.
    const rerun = await schedule("apply", { table: world.tableName }, world.clients);
    expect(rerun.exitCode).toBe(0);
    expect(writeLines(section(rerun.output, "dev/beta"))).toEqual([
      "  create autopilot-up-0700-MON-FRI: cron(0 7 ? * MON-FRI *) Europe/Berlin → 2",
      "  create autopilot-down-1900-MON-FRI: cron(0 19 ? * MON-FRI *) Europe/Berlin → 0",
    ]);
    expect(rerun.output).not.toMatch(/FAILED|not done/);
  }, 120_000);

  it("says the same in JSON: a `failed` list, and `failure` and `writesDone` on the service; exits 1", async () => {
    const { output, exitCode } = await schedule(
      "apply",
      { table: world.tableName, format: "json" },
      refusing("service/dev/beta"),
    );
    expect(exitCode).toBe(1);
    const json = JSON.parse(output);
    expect(json.failed).toEqual([{ service: "dev/beta", failure: `AccessDeniedException: ${DENIED}` }]);
    const beta = json.services.find(
      (s: { service: { serviceName: string } }) => s.service.serviceName === "beta",
    );
    expect(beta.failure).toBe(`AccessDeniedException: ${DENIED}`);
    expect(beta.writesDone.map((w: { kind: string }) => w.kind)).toEqual([
      "remember-capacity",
      "set-capacity",
    ]);
    expect(beta.writes).toHaveLength(4);
    const alpha = json.services.find(
      (s: { service: { serviceName: string } }) => s.service.serviceName === "alpha",
    );
    expect(alpha.failure).toBeUndefined();
    expect(alpha.writesDone).toBeUndefined();
    // The existing fields are kept.
    expect(Object.keys(json).sort()).toEqual(["dryRun", "failed", "now", "pricing", "services"]);
  }, 120_000);

  it("exits 0 with an empty `failed` list when every service is applied", async () => {
    const { output, exitCode } = await schedule(
      "apply",
      { table: world.tableName, format: "json" },
      world.clients,
    );
    expect(exitCode).toBe(0);
    expect(JSON.parse(output).failed).toEqual([]);
  }, 120_000);
});
