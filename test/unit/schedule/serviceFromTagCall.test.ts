/**
 * Which service a CloudTrail TagResource/UntagResource call names: the schedule flow reconciles
 * that one service now; every other call is left to the 15-minute run, with the reason.
 * Records follow the shape of test/fixtures/events/cloudtrail-record-ecs-createcluster.json.
 */
import { describe, expect, it } from "vitest";
import type { CloudTrailRecord } from "../../../core/events/schemas.ts";
import { serviceFromTagCall } from "../../../core/schedule/serviceFromTagCall.ts";

const SERVICE_ARN = "arn:aws:ecs:eu-west-1:123456789012:service/prod/api";

function call(
  requestParameters: Record<string, unknown> | null,
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord {
  return {
    eventVersion: "1.08",
    eventSource: "ecs.amazonaws.com",
    eventName: "UntagResource",
    awsRegion: "eu-west-1",
    eventTime: "2026-11-27T08:00:00Z",
    requestParameters,
    ...extra,
  };
}

describe("the service a tag call names", () => {
  it("reads cluster and service from a service ARN with its cluster", () => {
    expect(serviceFromTagCall(call({ resourceArn: SERVICE_ARN, tagKeys: ["autopilot:schedule"] }))).toEqual({
      cluster: "prod",
      service: "api",
    });
  });

  it("ignores a call that failed, whatever it names", () => {
    expect(
      serviceFromTagCall(call({ resourceArn: SERVICE_ARN }, { errorCode: "AccessDeniedException" })),
    ).toEqual({ ignore: "the call failed (AccessDeniedException)" });
  });

  it("ignores a call without a resourceArn, or with one that is not text", () => {
    expect(serviceFromTagCall(call(null))).toEqual({ ignore: "no resourceArn in the request" });
    expect(serviceFromTagCall(call({ resourceArn: 42 }))).toEqual({
      ignore: "no resourceArn in the request",
    });
  });

  it("ignores an old-format service ARN (no cluster) and other resources", () => {
    const old = "arn:aws:ecs:eu-west-1:123456789012:service/api";
    expect(serviceFromTagCall(call({ resourceArn: old }))).toEqual({
      ignore: `not a service ARN with its cluster: ${old}`,
    });
    const cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
    expect(serviceFromTagCall(call({ resourceArn: cluster }))).toEqual({
      ignore: `not a service ARN with its cluster: ${cluster}`,
    });
    const task = "arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0123456789abcdef";
    expect(serviceFromTagCall(call({ resourceArn: task }))).toEqual({
      ignore: `not a service ARN with its cluster: ${task}`,
    });
  });

  it("takes the whole ARN: a service ARN with more after the service is not one", () => {
    const longer = `${SERVICE_ARN}/extra`;
    expect(serviceFromTagCall(call({ resourceArn: longer }))).toEqual({
      ignore: `not a service ARN with its cluster: ${longer}`,
    });
  });
});
