import type { CloudTrailRecord } from "../events/schemas.ts";

/**
 * The service a CloudTrail TagResource/UntagResource call tagged, from its `resourceArn`
 * (`arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`). Calls on other resources,
 * failed calls and old-format service ARNs (no cluster) are ignored: the 15-minute run covers them.
 */
export function serviceFromTagCall(
  record: CloudTrailRecord,
): { cluster: string; service: string } | { ignore: string } {
  if (record.errorCode) return { ignore: `the call failed (${record.errorCode})` };
  const arn = record.requestParameters?.resourceArn;
  if (typeof arn !== "string") return { ignore: "no resourceArn in the request" };
  const match = /:service\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!match?.[1] || !match[2]) return { ignore: `not a service ARN with its cluster: ${arn}` };
  return { cluster: match[1], service: match[2] };
}
