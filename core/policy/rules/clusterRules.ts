import { asArray, flag, isObject, text } from "../fields.ts";
import { present } from "../ReadLog.ts";
import type { PolicyRule, ResourceDoc, Violation } from "../types.ts";
import { missingTags } from "./tagging.ts";

/** `configuration.executeCommandConfiguration` of a cluster, when it has one. */
function execConfiguration(cluster: ResourceDoc) {
  const configuration = isObject(cluster.configuration) ? cluster.configuration : undefined;
  const exec = configuration?.executeCommandConfiguration;
  return isObject(exec) ? exec : undefined;
}
const EXEC_PATH = ["configuration", "executeCommandConfiguration"];

/** Rules on clusters (AWS::ECS::Cluster, aws_ecs_cluster, DescribeClusters). */
export const CLUSTER_RULES: readonly PolicyRule[] = [
  {
    id: "ECS023",
    title: "Container Insights off",
    severity: "medium",
    resource: "cluster",
    rationale:
      "Without Container Insights there are no per-task CPU, memory, network and restart metrics: OOM kills and crash loops are found from user reports, and right-sizing has nothing to measure.",
    remediation: "Set the cluster setting `containerInsights` to `enabled` (or `enhanced`).",
    field: "settings[*]",
    mappings: {
      securityHub: "ECS.12",
      awsConfig: "ecs-container-insights-enabled",
      checkov: "CKV_AWS_65",
    },
    notes:
      "A template that does not set `containerInsights` gets the account's default at creation; like Checkov, this rule asks for the setting on the cluster itself.",
    check: (cluster) => {
      const settings = asArray(cluster.settings);
      const index = settings.findIndex((s) => isObject(s) && text(s.name) === "containerInsights");
      const setting = settings[index];
      // A value not known in the input is read as such by the evaluator: no finding, unknown.
      const mode = text(isObject(setting) ? setting.value : undefined);
      if (mode === "enabled" || mode === "enhanced") return [];
      return [
        {
          path: index === -1 ? ["settings"] : ["settings", index, "value"],
          message: mode ? `Container Insights is ${mode}` : "the cluster does not set containerInsights",
        },
      ];
    },
  },
  {
    id: "ECS024",
    title: "ECS Exec sessions not logged",
    severity: "medium",
    resource: "cluster",
    rationale:
      "With execute-command logging NONE, the commands run in containers through ECS Exec leave no trace for audit or incident response.",
    remediation:
      "Set `executeCommandConfiguration.logging` to `DEFAULT` (the task's awslogs configuration) or `OVERRIDE` with a CloudWatch log group or S3 bucket.",
    field: "configuration.executeCommandConfiguration.logging",
    mappings: { checkov: "CKV_AWS_223" },
    notes:
      "Like Checkov, only an explicit NONE fails here; DEFAULT logs only when the task definition has an awslogs container, which ECS034 checks per production service.",
    check: (cluster) => {
      const exec = execConfiguration(cluster);
      return exec && text(exec.logging) === "NONE"
        ? [{ path: [...EXEC_PATH, "logging"], message: "ECS Exec session logging is NONE" }]
        : [];
    },
  },
  {
    id: "ECS025",
    title: "ECS Exec not encrypted with a customer key",
    severity: "low",
    resource: "cluster",
    rationale:
      "ECS Exec sessions carry whatever is typed and printed in a production container; a customer-managed KMS key (`kmsKeyId`) encrypts the session and lets you control and audit its use, and the log destination should be encrypted too.",
    remediation:
      "Set `executeCommandConfiguration.kmsKeyId` to a customer-managed key and, with OVERRIDE logging, `cloudWatchEncryptionEnabled` / `s3EncryptionEnabled` for the destination used.",
    field: "configuration.executeCommandConfiguration.kmsKeyId",
    mappings: { checkov: "CKV_AWS_224" },
    notes:
      "Checks clusters that configure ECS Exec with logging other than NONE, as Checkov does. Checkov also wants a destination encryption flag with DEFAULT logging, where ECS writes to the task's own awslogs group and the flags do not apply; this rule asks for the flag of the destination actually named.",
    check: (cluster) => {
      const exec = execConfiguration(cluster);
      if (!exec || text(exec.logging) === "NONE") return [];
      const problems: Violation[] = [];
      if (!present(exec.kmsKeyId))
        problems.push({
          path: [...EXEC_PATH, "kmsKeyId"],
          message: "ECS Exec sessions are not encrypted with a customer-managed KMS key (no kmsKeyId)",
        });
      const destination = isObject(exec.logConfiguration) ? exec.logConfiguration : {};
      const unencrypted = (name: string, flagName: string) =>
        present(destination[name]) && flag(destination[flagName]) !== true;
      if (text(exec.logging) === "OVERRIDE") {
        if (unencrypted("cloudWatchLogGroupName", "cloudWatchEncryptionEnabled"))
          problems.push({
            path: [...EXEC_PATH, "logConfiguration", "cloudWatchEncryptionEnabled"],
            message: "ECS Exec logs go to a CloudWatch log group without cloudWatchEncryptionEnabled",
          });
        if (unencrypted("s3BucketName", "s3EncryptionEnabled"))
          problems.push({
            path: [...EXEC_PATH, "logConfiguration", "s3EncryptionEnabled"],
            message: "ECS Exec logs go to an S3 bucket without s3EncryptionEnabled",
          });
      }
      return problems;
    },
  },
  {
    id: "ECS030",
    title: "Cluster not tagged",
    severity: "low",
    resource: "cluster",
    enabledByDefault: false,
    rationale:
      "Tags say who owns a cluster and what it costs; without them findings and bills have no owner.",
    remediation:
      "Tag the cluster (at least the keys in `requiredTagKeys`); tags starting with `aws:` do not count.",
    field: "tags",
    mappings: { securityHub: "ECS.14", awsConfig: "tagged-ecs-cluster" },
    notes:
      "Part of Security Hub's AWS Resource Tagging Standard; tagged-ecs-cluster is a rule Security Hub runs. Off by default; turn on with `rules.ECS030.enabled` and set `requiredTagKeys`.",
    params: { requiredTagKeys: [] },
    check: (cluster, { params }) => missingTags(cluster, params, "cluster"),
  },
];
