import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { README, withTable } from "../../../scripts/readme-iam.ts";

describe("README's IAM table", () => {
  it("is the one generated from core/iam (regenerate: npx tsx scripts/readme-iam.ts)", () => {
    const readme = readFileSync(README, "utf8");
    expect(withTable(readme)).toBe(readme);
    expect(readme).toMatch(/\| Schedule +\| `ecs:ListClusters`, `ecs:ListServices` +\| `\*` +\|/);
    expect(readme).toContain("`dynamodb:BatchGetItem`");
  });

  it("would notice a stale table", () => {
    const readme = readFileSync(README, "utf8").replace("`dynamodb:BatchGetItem`", "`dynamodb:Scan`");
    expect(withTable(readme)).not.toBe(readme);
  });
});
