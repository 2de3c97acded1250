/**
 * `policy check` in CI with rules that could not decide (review 30, issue 11 Must show 4): never a
 * silent pass. At or above --fail-on, a value of the wrong type fails the check (nothing fills it
 * in); a value filled in at deploy time (a CI placeholder) is a note naming the rule and file, exit
 * unchanged, unless --fail-on-unknown. In process, on files in a temporary directory.
 */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: placeholders, literally */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyCheck } from "../../../cli/policy.ts";
import { compliant, container, type Json } from "./ruleCases.ts";

const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-undecided-"));
function file(name: string, change: (td: Json) => void): string {
  const td = compliant();
  change(td);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(td, null, 2));
  return path;
}
const placeholder = file("placeholder.json", (td) => {
  container(td).image = "${IMAGE}";
});
const invalidHigh = file("invalid-high.json", (td) => {
  container(td).privileged = "TRUE";
});
const invalidMedium = file("invalid-medium.json", (td) => {
  container(td).readonlyRootFilesystem = "yes";
});
const clean = file("clean.json", () => {});

describe("policy check: rules that could not decide", () => {
  it("control: the clean file passes with no note", async () => {
    expect(await policyCheck([clean], {})).toMatchObject({ exitCode: 0, notes: [], errors: [] });
  });

  // ECS014 (registry) and ECS037 (its CMD-SHELL health check's image) are high; ECS013 is medium.
  it("a CI placeholder: reported, a note names the rules at or above --fail-on, exit 0", async () => {
    const result = await policyCheck([placeholder], { failOn: "high" });
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain(
      `UNKNOWN ECS014  Image from a registry outside the allow-list: image '\${IMAGE}' is filled in later`,
    );
    expect(result.notes).toEqual([
      `2 rule(s) at or above high could not decide because a value is filled in at deploy time (a variable, a reference, a CI placeholder); they do not fail the check (--fail-on-unknown makes them fail), and the policy in the account checks the registered revision (UNKNOWN in the report): ECS014 ${placeholder}:${lineOf(placeholder)}, ECS037 ${placeholder}:${lineOf(placeholder)}`,
    ]);
  });

  it("a CI placeholder with --fail-on-unknown: exit 1, said so", async () => {
    const result = await policyCheck([placeholder], { failOn: "high", failOnUnknown: true });
    expect(result.exitCode).toBe(1);
    expect(result.notes).toEqual([
      `2 rule(s) at or above high could not decide because a value is filled in at deploy time, which fails the check with --fail-on-unknown (UNKNOWN in the report): ECS014 ${placeholder}:${lineOf(placeholder)}, ECS037 ${placeholder}:${lineOf(placeholder)}`,
    ]);
  });

  it("a value of the wrong type at or above --fail-on: exit 1, a note names it", async () => {
    const result = await policyCheck([invalidHigh], { failOn: "high" });
    expect(result.exitCode).toBe(1);
    expect(result.notes).toEqual([
      `1 rule(s) at or above high could not decide because a value has the wrong type for its field, which fails the check (UNKNOWN in the report): ECS001 ${invalidHigh}:${lineOf(invalidHigh, '"privileged"')}`,
    ]);
  });

  it("below --fail-on it changes nothing, as a finding there would not", async () => {
    expect(await policyCheck([invalidMedium], { failOn: "high" })).toMatchObject({ exitCode: 0, notes: [] });
    expect((await policyCheck([invalidMedium], { failOn: "medium" })).exitCode).toBe(1);
  });
});

/** The line of the file's first line holding `text` (the image by default): where the report locates it. */
function lineOf(path: string, text = '"image"'): number {
  return (
    readFileSync(path, "utf8")
      .split("\n")
      .findIndex((line) => line.includes(text)) + 1
  );
}
