/**
 * Review 30 (issue 11, Must show 4 "the Slack/CLI output says which could not be checked and
 * why"): `ecs-autopilot policy audit` in text (cli/policy.ts policyAudit) prints the audited
 * revisions, the resources and the totals — never `audit.unchecked`. A revision in use whose
 * DescribeTaskDefinition is refused disappears from the report: "0 revisions in use, 0
 * compliant", nothing about the revision or why. (The Slack audit message and `--format json`
 * do carry it.) Against moto; the refusal is test/support/refuseDescribe.ts, as failClosed.test.ts.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { policyAudit } from "../../../cli/policy.ts";
import { createAwsClients } from "../../../core/aws/index.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { refuseDescribe } from "../../support/refuseDescribe.ts";
import { createWorld, REGION, resetMoto, type World } from "../../support/world.ts";

let world: World;

describe("review 30: policy audit (CLI, text) with a revision it could not read", () => {
  beforeEach(async () => {
    await resetMoto();
    world = await createWorld();
    await createCluster(world.clients, "prod");
  });

  it("names the revision that was not checked and why", async () => {
    const service = await createService(world.clients, {
      cluster: "prod",
      name: "ledger",
      containers: [{ name: "app", image: ecrImage(REGION, "shop/ledger", "1.0.0"), privileged: true }],
    });
    const clients = createAwsClients({ region: REGION });
    refuseDescribe(clients.ecs, [service.taskDefinition ?? ""]);
    const json = JSON.parse(await policyAudit({ format: "json" }, clients)) as { unchecked: unknown[] };
    expect(json.unchecked).toHaveLength(1);
    const text = await policyAudit({ format: "text" }, clients);
    // Observed: the text never names ledger:1; its last line is "0 revisions in use, 0 compliant; …".
    expect(text).toContain("ledger:1");
    expect(text).toMatch(/not (be )?(read|checked)|could not/);
  });
});
