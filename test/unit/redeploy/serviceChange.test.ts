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

  it("ignores failed calls and calls that do not change images", () => {
    expect(
      serviceChangeFromCloudTrail(record("UpdateService", { service: "web" }, { errorCode: "AccessDenied" }))
        .kind,
    ).toBe("ignore");
    expect(serviceChangeFromCloudTrail(record("CreateCluster", { clusterName: "default" }))).toMatchObject({
      kind: "ignore",
    });
  });
});
