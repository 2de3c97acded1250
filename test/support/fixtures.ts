import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const FIXTURE_DIR = resolve(import.meta.dirname, "..", "fixtures", "events");

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

export function loadFixture(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, file), "utf8")) as Record<string, unknown>;
}

/**
 * The AWS documentation's CloudTrail sample is the raw log record. EventBridge delivers such a
 * record as `detail` of an "AWS API Call via CloudTrail" event, with these envelope fields
 * (source is the service's `aws.*` name, account and region those of the call).
 */
export function cloudTrailEnvelope(record: Record<string, unknown>): Record<string, unknown> {
  const service = String(record.eventSource).replace(".amazonaws.com", "");
  return {
    version: "0",
    id: String(record.eventID ?? "00000000-0000-0000-0000-000000000000"),
    "detail-type": "AWS API Call via CloudTrail",
    source: `aws.${service}`,
    account: String(record.recipientAccountId),
    time: String(record.eventTime),
    region: String(record.awsRegion),
    resources: [],
    detail: record,
  };
}

/** Every sample as an EventBridge event (the CloudTrail record wrapped in its envelope). */
export function sampleEvents(): Array<{ file: string; event: Record<string, unknown> }> {
  return fixtureFiles().map((file) => {
    const raw = loadFixture(file);
    return { file, event: file.startsWith("cloudtrail-record-") ? cloudTrailEnvelope(raw) : raw };
  });
}
