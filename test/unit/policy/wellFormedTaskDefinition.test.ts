/**
 * Which lists of a task definition must hold objects (core/policy/inputs/wellFormedTaskDefinition.ts):
 * the task definition's and each container's, as the ECS API reference gives them.
 */
import { describe, expect, it } from "vitest";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";

const refusal = (value: unknown) =>
  loadPolicyText(JSON.stringify(value), "taskdef.json").then(
    () => "loaded",
    (error: unknown) => (error as Error).message.replace(/^taskdef\.json:\d+:\d+: /, ""),
  );
const container = (extra: Record<string, unknown>) => ({ name: "app", image: "nginx", ...extra });

describe("a task definition's lists", () => {
  it.each(["volumes", "placementConstraints", "inferenceAccelerators"])(
    "%s: each entry an object, the list a list",
    async (list) => {
      const task = { family: "web", containerDefinitions: [container({})] };
      expect(await refusal({ ...task, [list]: [{}, "x"] })).toBe(
        `web: ${list}[1] must be an object, not "x"`,
      );
      expect(await refusal({ ...task, [list]: "x" })).toBe(`web: ${list} must be a list`);
      expect(await refusal({ ...task, [list]: null })).toBe("loaded");
    },
  );

  it.each([
    "portMappings",
    "mountPoints",
    "volumesFrom",
    "environment",
    "environmentFiles",
    "secrets",
    "ulimits",
    "dependsOn",
    "extraHosts",
    "systemControls",
    "resourceRequirements",
  ])("a container's %s: each entry an object, the list a list", async (list) => {
    const task = (extra: Record<string, unknown>) => ({
      family: "web",
      containerDefinitions: [container({}), container(extra)],
    });
    expect(await refusal(task({ [list]: [7] }))).toBe(
      `web: containerDefinitions[1].${list}[0] must be an object, not 7`,
    );
    expect(await refusal(task({ [list]: {} }))).toBe(`web: containerDefinitions[1].${list} must be a list`);
    expect(await refusal(task({ [list]: null }))).toBe("loaded");
  });

  it("the first problem is the one reported: the task definition's lists before its containers', the first container's before the next", async () => {
    expect(
      await refusal({ family: "web", volumes: [1], containerDefinitions: [container({ secrets: [2] })] }),
    ).toBe("web: volumes[0] must be an object, not 1");
    // A well-formed container after it does not hide it.
    expect(
      await refusal({ family: "web", containerDefinitions: [container({ secrets: [2] }), container({})] }),
    ).toBe("web: containerDefinitions[0].secrets[0] must be an object, not 2");
  });

  it("other resources are not task definitions: a service's lists are its rules' to read", async () => {
    expect(await refusal({ service: { serviceName: "web", placementConstraints: "memberOf" } })).toBe(
      "loaded",
    );
  });
});
