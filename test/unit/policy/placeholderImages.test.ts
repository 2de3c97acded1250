/**
 * Which images are CI placeholders "filled in later" (review 30, issue 11 Must show 4): a template's
 * `${…}`, `$NAME`, `{{…}}`, `<…>` or an upper-case word starting with REPLACE — never an image name
 * that merely contains "replace", and never anything in a revision registered in ECS (what ECS
 * holds is what tasks pull). ECS013, ECS014 and ECS037 read images this way.
 */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: placeholders, literally */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateTaskDefinition, fromEcsApi } from "../../../core/policy/index.ts";
import { filledInLater, PLACEHOLDER } from "../../../core/policy/rules/taskDefinitionRules.ts";
import { decide as decideRule } from "./decideRule.ts";
import { compliant, container, type Json } from "./ruleCases.ts";

const withImage = (image: string): Json => {
  const td = compliant();
  container(td).image = image;
  return td;
};
const decide = (ruleId: string, image: string) => decideRule(ruleId, "taskDefinition", withImage(image));

describe("PLACEHOLDER: a template's placeholder, not an image name", () => {
  it("recognises the placeholders of shells, template engines, documentation and CI scripts", () => {
    for (const image of [
      "${IMAGE}",
      "${var.registry}/web:1.0",
      "${{ env.IMAGE }}",
      "$IMAGE",
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:$TAG",
      "{{ .Values.image }}",
      "{{image}}",
      "<IMAGE>",
      "<account-id>.dkr.ecr.eu-west-1.amazonaws.com/web:1.0",
      "REPLACE",
      "REPLACEME",
      "REPLACE_ME",
      "REPLACE-ME",
      "<REPLACE_ME>",
      // test/fixtures/taskdefs/23-ESGF__stac-transaction-api.json, a real task definition.
      "REPLACED_BY_CI",
      "acme/web:REPLACE_WITH_TAG",
    ])
      expect(PLACEHOLDER.test(image), image).toBe(true);
  });

  it("reads an image whose name contains 'replace' in any other way as the image it is", () => {
    for (const image of [
      "docker.io/acme/ledger-replacer:1.0.0",
      "acme/replace:1.0",
      "ghcr.io/acme/find-and-replace:2.1",
      "replace_me:1.0",
      "acme/web:Replace_Me",
      "acme/web:v2REPLACE",
      "acme/web:REPLACE2x",
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:${"a".repeat(64)}`,
    ])
      expect(PLACEHOLDER.test(image), image).toBe(false);
  });

  it("a revision registered in ECS has no placeholder: its image is what tasks pull", () => {
    expect(filledInLater("REPLACE_ME", {})).toBe(true);
    expect(filledInLater("REPLACE_ME", { registered: false })).toBe(true);
    expect(filledInLater("REPLACE_ME", { registered: true })).toBe(false);
    expect(filledInLater("${IMAGE}", { registered: true })).toBe(false);
  });
});

describe("the image rules on an image whose name contains 'replace'", () => {
  it("ECS014 names the registry outside the allow-list; ECS013 the moving tag", () => {
    expect(decide("ECS014", "docker.io/acme/ledger-replacer:1.0.0")).toEqual([
      "ECS014 high containerDefinitions[0].image: container 'web': registry 'docker.io' is not allowed",
    ]);
    expect(decide("ECS013", "docker.io/acme/ledger-replacer:latest")).toEqual([
      "ECS013 medium containerDefinitions[0].image: container 'web': tag 'latest' moves",
    ]);
  });

  it("a placeholder in a file is unknown, the same image in a registered revision is decided", () => {
    const image = "docker.io/acme/web:REPLACE_ME";
    expect(decide("ECS014", image)).toEqual([
      "?ECS014 containerDefinitions[0].image: image 'docker.io/acme/web:REPLACE_ME' is filled in later",
    ]);
    const registered = evaluateTaskDefinition(fromEcsApi(withImage(image)), DEFAULT_CONFIG.policy);
    expect(registered.unknown).toEqual([]);
    expect(registered.findings.map((f) => `${f.ruleId} ${f.path}: ${f.message}`)).toEqual([
      "ECS014 containerDefinitions[0].image: container 'web': registry 'docker.io' is not allowed",
    ]);
  });
});
