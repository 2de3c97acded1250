import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withTables } from "../../../scripts/readme-events.ts";
import { README } from "../../../scripts/readme-iam.ts";

describe("README's tables of the rules and schedules sst deploy creates", () => {
  it("are the ones generated from core/events (regenerate: npx tsx scripts/readme-events.ts)", () => {
    const readme = readFileSync(README, "utf8");
    expect(withTables(readme)).toBe(readme);
    expect(readme).toMatch(
      /\| `ecs-deployment-finished` +\| Redeploy +\| `\{"source":\["aws\.ecs"\],"detail-type":\["ECS Deployment State Change"\],"detail":\{"eventName":\["SERVICE_DEPLOYMENT_COMPLETED","SERVICE_DEPLOYMENT_FAILED"\]\}\}` +\| Deployments completed or failed: deploy the push queued behind them +\|/,
    );
    expect(readme).toMatch(/\| `rightsize-weekly` +\| Rightsize +\| `cron\(0 7 \? \* MON \*\)` +\|/);
  });

  it("would notice a stale table", () => {
    const readme = readFileSync(README, "utf8").replace("`rate(15 minutes)`", "`rate(30 minutes)`");
    expect(withTables(readme)).not.toBe(readme);
  });
});
