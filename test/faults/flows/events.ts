/** Events the flows receive, derived from AWS's own samples (test/fixtures/events). */
import { sampleEvent } from "../../../sandbox/seed.ts";
import { cloudTrailEnvelope, loadFixture } from "../../support/fixtures.ts";
import { ACCOUNT, REGION } from "../Harness.ts";

/** EventBridge's "Scheduled Event" sample, in this account and region, with its own id. */
export function scheduledEvent(id: string): Record<string, unknown> {
  const sample = sampleEvent("scheduled-event.json");
  return {
    ...sample,
    id,
    account: ACCOUNT,
    region: REGION,
    time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/ecs-autopilot-schedule`],
  };
}

/** An "AWS API Call via CloudTrail" event for an ECS call, derived from AWS's sample record. */
export function cloudTrailCall(
  id: string,
  eventName: string,
  requestParameters: Record<string, unknown>,
  responseElements: Record<string, unknown> = {},
): Record<string, unknown> {
  return cloudTrailEnvelope({
    ...loadFixture("cloudtrail-record-ecs-createcluster.json"),
    eventID: id,
    eventName,
    awsRegion: REGION,
    recipientAccountId: ACCOUNT,
    requestParameters,
    responseElements,
  });
}
