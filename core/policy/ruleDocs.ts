import { REPOSITORY_URL } from "../version.ts";
import type { AnchorSource, PolicyRule } from "./types.ts";

/** The rule catalogue, generated from the rule data (`npm run docs:policy-rules`), in the project's repository. */
export const RULES_DOC_URL = `${REPOSITORY_URL}/blob/main/docs/policy-rules.md`;

/** Where a rule is documented: its section in docs/policy-rules.md. */
export const helpUri = (ruleId: string): string => `${RULES_DOC_URL}#${ruleId.toLowerCase()}`;

const SECURITY_HUB_ECS = "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html";
/** Config rules that Security Hub runs itself: they have no page of their own. */
const SECURITY_HUB_CUSTOM_RULES: Readonly<Record<string, string>> = {
  "ecs-service-assign-public-ip-disabled": "ECS.2",
  "ecs-taskset-assign-public-ip-disabled": "ECS.16",
  "tagged-ecs-service": "ECS.13",
  "tagged-ecs-cluster": "ECS.14",
  "tagged-ecs-taskdefinition": "ECS.15",
};
/** Checkov check ids and their source files (bridgecrewio/checkov, checkov/terraform/checks/resource/aws). */
const CHECKOV_FILES: Readonly<Record<string, string>> = {
  CKV_AWS_65: "ECSClusterContainerInsights",
  CKV_AWS_97: "ECSTaskDefinitionEFSVolumeEncryption",
  CKV_AWS_223: "ECSClusterLoggingEnabled",
  CKV_AWS_224: "ECSClusterLoggingEncryptedWithCMK",
  CKV_AWS_249: "ECSTaskDefinitionRoleCheck",
  CKV_AWS_332: "ECSServiceFargateLatest",
  CKV_AWS_333: "ECSServicePublicIP",
  CKV_AWS_334: "ECSContainerPrivilege",
  CKV_AWS_335: "ECSContainerHostProcess",
  CKV_AWS_336: "ECSContainerReadOnlyRoot",
};

export interface AnchorLink {
  readonly source: AnchorSource;
  readonly id: string;
  readonly url: string;
}

const securityHubUrl = (control: string) => `${SECURITY_HUB_ECS}#${control.toLowerCase().replace(".", "-")}`;

/** Every anchor id of a rule with the page that defines it. */
export function anchorLinks(rule: PolicyRule): AnchorLink[] {
  const split = (value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  return [
    ...split(rule.mappings.securityHub).map((id) => ({
      source: "securityHub" as const,
      id,
      url: securityHubUrl(id),
    })),
    ...split(rule.mappings.awsConfig).map((id) => ({
      source: "awsConfig" as const,
      id,
      url: SECURITY_HUB_CUSTOM_RULES[id]
        ? securityHubUrl(SECURITY_HUB_CUSTOM_RULES[id] as string)
        : `https://docs.aws.amazon.com/config/latest/developerguide/${id}.html`,
    })),
    ...split(rule.mappings.checkov).map((id) => ({
      source: "checkov" as const,
      id,
      url: `https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/${CHECKOV_FILES[id] ?? ""}.py`,
    })),
  ];
}
