/**
 * What AWS call an HTTP request from the SDK is, and the error responses a real AWS endpoint
 * sends for it, in that service's own protocol: the fault proxy uses both so that the SDK's
 * retry logic treats an injected fault exactly as it treats the real one.
 *
 * Protocols of the clients ecs-autopilot uses (read from @aws-sdk/client-* in node_modules):
 * awsJson1_1 — ECS, ECR, SSM, Application Auto Scaling, EventBridge, Pricing;
 * awsJson1_0 — DynamoDB, SQS and CloudWatch (the last two "query compatible": their error code
 * travels in `x-amzn-query-error`); awsQuery — STS; ec2Query — EC2.
 */
import type { IncomingHttpHeaders } from "node:http";

/** A call as the ApiCallCounter names it: `ECS.UpdateService`, `DynamoDB.PutItem`, … */
export interface AwsCall {
  /** The counter's service name (`ECS`, `DynamoDB`, `ApplicationAutoScaling`, `CloudWatch`, …). */
  readonly service: string;
  readonly action: string;
  readonly protocol: "json" | "query" | "ec2";
  /** The request's content type, which a JSON error answers with (`application/x-amz-json-1.0` or `-1.1`). */
  readonly contentType?: string;
}

/** SigV4 signing names (the credential scope's service) → the names {@link ApiCallCounter} uses. */
const SERVICE_NAMES: Record<string, string> = {
  ecs: "ECS",
  ecr: "ECR",
  dynamodb: "DynamoDB",
  sqs: "SQS",
  ssm: "SSM",
  "application-autoscaling": "ApplicationAutoScaling",
  monitoring: "CloudWatch",
  ec2: "EC2",
  events: "EventBridge",
  sts: "STS",
  pricing: "Pricing",
  "compute-optimizer": "ComputeOptimizer",
};

/** `Credential=AKID/20260101/eu-west-1/ecs/aws4_request` → `ecs`. */
export function signingName(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/)?.[1];
}

/**
 * Identifies a request: the service from the SigV4 credential scope, the action from
 * `X-Amz-Target` (JSON protocols) or the form body's `Action=` (query protocols).
 *
 * @example
 * identifyAwsCall(req.headers, body); // { service: "ECS", action: "UpdateService", protocol: "json" }
 */
export function identifyAwsCall(headers: IncomingHttpHeaders, body: Buffer): AwsCall | undefined {
  const scope = signingName(headers.authorization);
  if (!scope) return undefined;
  const service = SERVICE_NAMES[scope] ?? scope;
  const target = headers["x-amz-target"];
  const contentType = headers["content-type"];
  if (typeof target === "string" && target.includes("."))
    return {
      service,
      action: target.slice(target.lastIndexOf(".") + 1),
      protocol: "json",
      ...(contentType ? { contentType } : {}),
    };
  const action = new URLSearchParams(body.toString("utf8")).get("Action");
  if (!action) return undefined;
  return { service, action, protocol: scope === "ec2" ? "ec2" : "query" };
}

/** An HTTP response to send instead of forwarding. */
export interface CannedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** DynamoDB's item operations throttle with this code; its control plane with ThrottlingException. */
const DYNAMODB_DATA_PLANE = new Set([
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
]);

/** The throttling error code each service answers with (its API reference / common errors). */
function throttlingCode(call: AwsCall): { code: string; queryCode?: string; message: string } {
  switch (call.service) {
    case "DynamoDB":
      return DYNAMODB_DATA_PLANE.has(call.action)
        ? {
            code: "ProvisionedThroughputExceededException",
            message:
              "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
          }
        : { code: "ThrottlingException", message: "Rate exceeded" };
    case "SQS":
      return { code: "RequestThrottled", queryCode: "RequestThrottled", message: "Rate exceeded" };
    case "CloudWatch":
      return { code: "ThrottlingException", queryCode: "Throttling", message: "Rate exceeded" };
    case "EC2":
      return { code: "RequestLimitExceeded", message: "Request limit exceeded." };
    default:
      // ECS: "ThrottlingException … Rate exceeded (Status Code: 400)" — ECS API reference,
      // "Request throttling for the Amazon ECS API"; the same common error for the other JSON APIs.
      return { code: "ThrottlingException", message: "Rate exceeded" };
  }
}

const requestId = () => crypto.randomUUID();

function jsonError(
  call: AwsCall,
  status: number,
  code: string,
  message: string,
  queryCode?: string,
): CannedResponse {
  const headers: Record<string, string> = {
    "content-type": call.contentType ?? "application/x-amz-json-1.1",
    "x-amzn-requestid": requestId(),
    "x-amzn-errortype": code,
  };
  if (queryCode) headers["x-amzn-query-error"] = `${queryCode};${status >= 500 ? "Receiver" : "Sender"}`;
  return { status, headers, body: JSON.stringify({ __type: code, message }) };
}

function queryError(status: number, code: string, message: string): CannedResponse {
  return {
    status,
    headers: { "content-type": "text/xml" },
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${status >= 500 ? "Receiver" : "Sender"}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
  };
}

function ec2Error(status: number, code: string, message: string): CannedResponse {
  return {
    status,
    headers: { "content-type": "text/xml;charset=UTF-8" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
  };
}

/** The service's throttling error, in its protocol (HTTP 400; the SDK classifies it by its code). */
export function throttlingResponse(call: AwsCall): CannedResponse {
  const { code, queryCode, message } = throttlingCode(call);
  if (call.protocol === "ec2") return ec2Error(400, code, message);
  if (call.protocol === "query") return queryError(400, "Throttling", message);
  return jsonError(call, 400, code, message, queryCode);
}

/** HTTP 503 "ServiceUnavailable", the common error of every AWS API, in the service's protocol. */
export function unavailableResponse(call: AwsCall): CannedResponse {
  const message = "The request has failed due to a temporary failure of the server.";
  if (call.protocol === "ec2") return ec2Error(503, "Unavailable", message);
  if (call.protocol === "query") return queryError(503, "ServiceUnavailable", message);
  const queryCompatible = call.service === "SQS" || call.service === "CloudWatch";
  return jsonError(
    call,
    503,
    "ServiceUnavailable",
    message,
    queryCompatible ? "ServiceUnavailable" : undefined,
  );
}
