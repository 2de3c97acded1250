/**
 * Keys of a user's file named like Object.prototype members (`constructor`, `toString`,
 * `__proto__`). Looked up in a plain table of renames, `constructor` found Object (and the field
 * became "function Object() { [native code] }"); assigned into a plain object, `__proto__` became
 * the document's prototype, whose fields every rule then read as the resource's own.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateResource } from "../../../core/policy/evaluate.ts";
import { ecsDocumentFromTerraform, terraformPathOf } from "../../../core/policy/inputs/terraformDocuments.ts";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { normalize } from "../../../core/policy/normalize.ts";

describe("keys named like Object.prototype members", () => {
  it("CloudFormation properties constructor and toString keep their names", () => {
    expect(Object.keys(normalize({ constructor: "x", toString: 1 }, true) as object)).toEqual([
      "constructor",
      "toString",
    ]);
  });

  it("a __proto__ key is a field of its own, not the document's prototype", () => {
    const document = normalize(JSON.parse('{"__proto__": {"privileged": true}}'), false) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(document.privileged).toBeUndefined();
  });

  it("an ECS task definition whose container has a __proto__ key saying privileged is not privileged", async () => {
    // Written as text: an object literal's __proto__ sets its prototype and JSON.stringify never writes it.
    const raw = `{"family":"web","containerDefinitions":[{"name":"app","image":"nginx","__proto__":{"privileged":true}}]}`;
    const [resource] = await loadPolicyText(raw, "taskdef.json");
    const result = evaluateResource(resource as NonNullable<typeof resource>, DEFAULT_CONFIG.policy);
    expect(result.findings.map((f) => f.ruleId)).not.toContain("ECS001");
    // The same container saying it in its own field is privileged.
    const [own] = await loadPolicyText(
      raw.replace('"__proto__":{"privileged":true}', '"privileged":true'),
      "taskdef.json",
    );
    const ownResult = evaluateResource(own as NonNullable<typeof own>, DEFAULT_CONFIG.policy);
    expect(ownResult.findings.find((f) => f.ruleId === "ECS001")?.message).toBe(
      "container 'app' runs privileged",
    );
  });

  it("a Terraform attribute constructor keeps its name", () => {
    const document = ecsDocumentFromTerraform("cluster", { name: "c", constructor: "x" });
    expect(Object.keys(document).sort()).toEqual(["clusterName", "constructor"]);
  });

  it("a finding's path segment constructor is located as constructor in Terraform", () => {
    expect(terraformPathOf("taskDefinition", ["constructor"])).toEqual({ path: ["constructor"] });
  });
});
