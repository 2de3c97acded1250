/**
 * Review 37 (issue 11, Must show 6: "never a TypeError"): `ecs-autopilot invoke <flow>` with a
 * flow name that is an Object.prototype property.
 *
 * `invoke` checks the name with `FLOWS[flowName]` on a plain object: `FLOWS["constructor"]` is
 * Object itself, so `invoke constructor --event e.json` passes the check and runs `Object` as a
 * flow, ending in "ecs-autopilot: TypeError: Property description must be an object: false" with
 * exit 1 — where `invoke teleport` gets "unknown flow 'teleport'; flows: …" with exit 2
 * (test/integration/cli/cli.test.ts). The same for `toString`, `valueOf`, `hasOwnProperty`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";
import { createWorld, type World } from "../../support/world.ts";

let world: World;
let event: string;

describe("invoke with a flow name that is an Object.prototype property (review 37)", () => {
  beforeAll(async () => {
    world = await createWorld();
    event = join(mkdtempSync(join(tmpdir(), "ecs-autopilot-r37-")), "event.json");
    writeFileSync(event, "{}");
  });

  it.each(["constructor", "toString"])("'%s' is an unknown flow: one line, exit 2", async (name) => {
    const result = await runCli(["invoke", name, "--event", event], {
      AUTOPILOT_STATE_TABLE: world.tableName,
      SLACK_WEBHOOK_URL: "",
    });
    expect(result.stderr.trim()).toBe(
      `ecs-autopilot: unknown flow '${name}'; flows: redeploy, monitor, policy, schedule, rightsize, service-index`,
    );
    expect(result.code).toBe(2);
  });
});
