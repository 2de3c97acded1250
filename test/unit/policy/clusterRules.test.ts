/**
 * The decisions of the cluster rules (core/policy/rules/clusterRules.ts: ECS023–ECS025; ECS030 is
 * in tagging.test.ts): id, severity, exact message and JSON path, both sides of each condition.
 */
import { describe, expect, it } from "vitest";
import { Unknown } from "../../../core/policy/index.ts";
import { decide, type Json } from "./decideRule.ts";

describe("ECS023 Container Insights off", () => {
  const settings = (...list: Json[]) => ({ clusterName: "main", settings: list });

  it("a cluster that does not set containerInsights is flagged on its settings", () => {
    const unset = ["ECS023 medium settings: the cluster does not set containerInsights"];
    expect(decide("ECS023", "cluster", { clusterName: "main" })).toEqual(unset);
    expect(decide("ECS023", "cluster", settings())).toEqual(unset);
  });

  it("disabled is flagged on the setting's value, naming it; enabled and enhanced pass", () => {
    expect(decide("ECS023", "cluster", settings({ name: "containerInsights", value: "disabled" }))).toEqual([
      "ECS023 medium settings[0].value: Container Insights is disabled",
    ]);
    expect(decide("ECS023", "cluster", settings({ name: "containerInsights", value: "enabled" }))).toEqual(
      [],
    );
    expect(decide("ECS023", "cluster", settings({ name: "containerInsights", value: "enhanced" }))).toEqual(
      [],
    );
  });

  it("only the setting named containerInsights is read, wherever it is in the list", () => {
    // ClusterSetting's only name today is containerInsights; the list is open to more.
    const other = { name: "otherSetting", value: "disabled" };
    expect(
      decide("ECS023", "cluster", settings(other, { name: "containerInsights", value: "enabled" })),
    ).toEqual([]);
    expect(
      decide("ECS023", "cluster", settings(other, { name: "containerInsights", value: "disabled" })),
    ).toEqual(["ECS023 medium settings[1].value: Container Insights is disabled"]);
    expect(decide("ECS023", "cluster", settings(other))).toEqual([
      "ECS023 medium settings: the cluster does not set containerInsights",
    ]);
  });

  it("a value not known in the input is unknown there, never a finding", () => {
    expect(
      decide(
        "ECS023",
        "cluster",
        settings({ name: "containerInsights", value: new Unknown("var.insights") }),
      ),
    ).toEqual(["?ECS023 settings[0].value: settings[0].value is not known in this input (<var.insights>)"]);
  });
});

const exec = (executeCommandConfiguration: Json) => ({
  clusterName: "main",
  configuration: { executeCommandConfiguration },
});
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("ECS024 ECS Exec sessions not logged", () => {
  it("logging NONE is flagged on the logging field; DEFAULT, OVERRIDE, unset and no exec configuration pass", () => {
    expect(decide("ECS024", "cluster", exec({ logging: "NONE" }))).toEqual([
      "ECS024 medium configuration.executeCommandConfiguration.logging: ECS Exec session logging is NONE",
    ]);
    expect(decide("ECS024", "cluster", exec({ logging: "DEFAULT" }))).toEqual([]);
    expect(
      decide("ECS024", "cluster", exec({ logging: "OVERRIDE", logConfiguration: { s3BucketName: "b" } })),
    ).toEqual([]);
    expect(decide("ECS024", "cluster", exec({ kmsKeyId: KEY }))).toEqual([]);
    expect(decide("ECS024", "cluster", { clusterName: "main" })).toEqual([]);
  });
});

describe("ECS025 ECS Exec not encrypted with a customer key", () => {
  const NO_KEY =
    "ECS025 low configuration.executeCommandConfiguration.kmsKeyId: ECS Exec sessions are not encrypted with a customer-managed KMS key (no kmsKeyId)";
  const CLOUDWATCH =
    "ECS025 low configuration.executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled: ECS Exec logs go to a CloudWatch log group without cloudWatchEncryptionEnabled";
  const S3 =
    "ECS025 low configuration.executeCommandConfiguration.logConfiguration.s3EncryptionEnabled: ECS Exec logs go to an S3 bucket without s3EncryptionEnabled";

  it("ECS Exec configured (logging other than NONE) without a kmsKeyId is flagged on kmsKeyId; NONE and no exec configuration are not checked", () => {
    expect(decide("ECS025", "cluster", exec({ logging: "DEFAULT" }))).toEqual([NO_KEY]);
    expect(decide("ECS025", "cluster", exec({}))).toEqual([NO_KEY]);
    expect(decide("ECS025", "cluster", exec({ logging: "DEFAULT", kmsKeyId: KEY }))).toEqual([]);
    expect(decide("ECS025", "cluster", exec({ logging: "NONE" }))).toEqual([]);
    expect(decide("ECS025", "cluster", { clusterName: "main" })).toEqual([]);
  });

  it("OVERRIDE: each destination named must have its encryption flag, each flagged on its own flag", () => {
    const override = (logConfiguration: Json) =>
      exec({ logging: "OVERRIDE", kmsKeyId: KEY, logConfiguration });
    expect(
      decide(
        "ECS025",
        "cluster",
        override({ cloudWatchLogGroupName: "/ecs/exec", s3BucketName: "exec-logs" }),
      ),
    ).toEqual([CLOUDWATCH, S3]);
    expect(decide("ECS025", "cluster", override({ s3BucketName: "exec-logs" }))).toEqual([S3]);
    expect(
      decide("ECS025", "cluster", override({ s3BucketName: "exec-logs", s3EncryptionEnabled: true })),
    ).toEqual([]);
    expect(
      decide(
        "ECS025",
        "cluster",
        override({ cloudWatchLogGroupName: "/ecs/exec", cloudWatchEncryptionEnabled: "true" }),
      ),
    ).toEqual([]);
    // An encryption flag for a destination not used is not asked for.
    expect(
      decide(
        "ECS025",
        "cluster",
        override({ cloudWatchLogGroupName: "/ecs/exec", s3EncryptionEnabled: true }),
      ),
    ).toEqual([CLOUDWATCH]);
  });

  it("DEFAULT logging writes to the task's own awslogs group: the destination flags do not apply", () => {
    expect(
      decide(
        "ECS025",
        "cluster",
        exec({
          logging: "DEFAULT",
          kmsKeyId: KEY,
          logConfiguration: { cloudWatchLogGroupName: "/ecs/exec", s3BucketName: "exec-logs" },
        }),
      ),
    ).toEqual([]);
  });
});
