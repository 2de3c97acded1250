import { describe, expect, it } from "vitest";
import { CloudTrailApiCallEvent } from "../../../core/events/index.ts";
import { serviceChangeFromCloudTrail } from "../../../core/redeploy/index.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";

const record = (
  eventName: string,
  requestParameters: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) =>
  CloudTrailApiCallEvent.parse(
    cloudTrailEnvelope({
      ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
      eventName,
      requestParameters,
      ...extra,
    }),
  ).detail;

describe("serviceChangeFromCloudTrail", () => {
  it("names the service a call touched, in the default cluster when none is given", () => {
    expect(
      serviceChangeFromCloudTrail(record("CreateService", { cluster: "prod", serviceName: "web" })),
    ).toEqual({
      kind: "refresh",
      cluster: "prod",
      service: "web",
    });
    expect(serviceChangeFromCloudTrail(record("UpdateService", { service: "web" }))).toEqual({
      kind: "refresh",
      cluster: "default",
      service: "web",
    });
  });

  it("names the service of each call that can change which images it uses, by the parameter that call names it with", () => {
    expect(serviceChangeFromCloudTrail(record("UpdateService", { cluster: "prod", service: "web" }))).toEqual(
      {
        kind: "refresh",
        cluster: "prod",
        service: "web",
      },
    );
    expect(serviceChangeFromCloudTrail(record("DeleteService", { cluster: "prod", service: "web" }))).toEqual(
      {
        kind: "refresh",
        cluster: "prod",
        service: "web",
      },
    );
    // CreateService names it `serviceName`; a `service` parameter is not its name.
    expect(serviceChangeFromCloudTrail(record("CreateService", { cluster: "prod", service: "web" }))).toEqual(
      {
        kind: "ignore",
        reason: "CreateService without serviceName",
      },
    );
    expect(
      serviceChangeFromCloudTrail(record("UpdateService", { cluster: "prod", serviceName: "web" })),
    ).toEqual({
      kind: "ignore",
      reason: "UpdateService without service",
    });
    expect(serviceChangeFromCloudTrail(record("DeleteService", { cluster: "prod" }))).toEqual({
      kind: "ignore",
      reason: "DeleteService without service",
    });
  });

  it("reads an empty or non-text name as none: the default cluster, no service", () => {
    expect(serviceChangeFromCloudTrail(record("UpdateService", { cluster: "", service: "web" }))).toEqual({
      kind: "refresh",
      cluster: "default",
      service: "web",
    });
    expect(serviceChangeFromCloudTrail(record("UpdateService", { cluster: 7, service: "web" }))).toEqual({
      kind: "refresh",
      cluster: "default",
      service: "web",
    });
    expect(serviceChangeFromCloudTrail(record("UpdateService", { cluster: "prod", service: "" }))).toEqual({
      kind: "ignore",
      reason: "UpdateService without service",
    });
    expect(serviceChangeFromCloudTrail(record("CreateService", { serviceName: ["web"] }))).toEqual({
      kind: "ignore",
      reason: "CreateService without serviceName",
    });
  });

  it("reads a call without request parameters as naming no service", () => {
    expect(serviceChangeFromCloudTrail(record("UpdateService", {}, { requestParameters: null }))).toEqual({
      kind: "ignore",
      reason: "UpdateService without service",
    });
  });

  it("ignores a failed call, saying its error", () => {
    expect(
      serviceChangeFromCloudTrail(record("UpdateService", { service: "web" }, { errorCode: "AccessDenied" })),
    ).toEqual({ kind: "ignore", reason: "the call failed (AccessDenied)" });
  });

  it("ignores a call of another service, naming it", () => {
    expect(
      serviceChangeFromCloudTrail(
        record("UpdateService", { service: "web" }, { eventSource: "apprunner.amazonaws.com" }),
      ),
    ).toEqual({ kind: "ignore", reason: "not an ECS call (apprunner.amazonaws.com)" });
  });

  it("ignores ECS calls that do not change which images a service uses", () => {
    expect(serviceChangeFromCloudTrail(record("CreateCluster", { clusterName: "default" }))).toEqual({
      kind: "ignore",
      reason: "CreateCluster does not change which images a service uses",
    });
    expect(serviceChangeFromCloudTrail(record("TagResource", { resourceArn: "x", tags: [] }))).toEqual({
      kind: "ignore",
      reason: "TagResource does not change which images a service uses",
    });
  });
});
