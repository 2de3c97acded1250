/**
 * Inputs that broke `policy check` before (issue 11 and the fuzzing in test/fuzz/), each kept as
 * the case that found it: every one now fails as a PolicyInputError naming the file, or loads.
 */
import { describe, expect, it } from "vitest";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { loadTaskDefinitionText, PolicyInputError } from "../../../core/policy/loadTaskDefinitions.ts";

const refused = async (text: string, file: string) => {
  const error = await loadPolicyText(text, file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PolicyInputError);
  expect((error as PolicyInputError).file).toBe(file);
  return error as PolicyInputError;
};

describe("hostile policy inputs", () => {
  it("refuses a YAML alias bomb naming the file (was a ReferenceError without it)", async () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const bomb = `${levels.join("\n")}\n`;
    const error = await refused(bomb, "bomb.yaml");
    expect(error.message).toBe(
      "bomb.yaml: not valid YAML: its aliases expand more than 100 times (refused as a resource-exhaustion attack)",
    );
    expect(() => loadTaskDefinitionText(bomb, "bomb.yaml")).toThrow(PolicyInputError);
  });

  it("refuses an alias without its anchor naming the file (found by fuzzing: a JSON file holding *a*b)", async () => {
    expect((await refused("*a*a*a*a*a*a*a*a*b", "taskdef.json")).message).toBe(
      "taskdef.json: not valid YAML: Unresolved alias (the anchor must be set before the alias): a*a*a*a*a*a*a*a*b",
    );
  });
});
