/**
 * Which flow a dead letter EventBridge could not deliver belongs to: a deployment's end is
 * delivered by two rules (the monitor's and the redeploy flow's release of a queued push), and
 * `dlq redrive <flow>` must replay it through the flow whose rule failed (its RULE_ARN attribute).
 */
import type { Message } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { flowOfFunction, flowOfRule, parseDeadLetter } from "../../../runtime/deadLetters.ts";
import { sampleEvent } from "../../../sandbox/seed.ts";

const completed = sampleEvent("ecs-deployment-state-change-completed.json") as Record<string, unknown>;
const RULES = "arn:aws:events:eu-west-1:123456789012:rule/";

const delivery = (ruleArn: string): Message => ({
  MessageId: "m-1",
  Body: JSON.stringify(completed),
  MessageAttributes: {
    RULE_ARN: { DataType: "String", StringValue: ruleArn },
    ERROR_CODE: { DataType: "String", StringValue: "SDK_CLIENT_ERROR" },
  },
});

describe("dead letters of EventBridge deliveries", () => {
  it("belong to the flow of the rule that failed, whichever of the two rules delivers the event", () => {
    expect(
      parseDeadLetter(delivery(`${RULES}ecs-autopilot-prod-DefaultSubscriberEcsDeploymentFinishedRule-a1b2`))
        .flow,
    ).toBe("redeploy");
    expect(
      parseDeadLetter(
        delivery(`${RULES}ecs-autopilot-prod-DefaultSubscriberEcsDeploymentStateChangeRule-c3d4`),
      ).flow,
    ).toBe("monitor");
    expect(flowOfRule(`${RULES}ecs-deployment-finished`, completed)).toBe("redeploy");
  });

  it("a rule name that is not one of ours, or a rule that does not match the event, falls back to the event's first rule", () => {
    expect(flowOfRule(`${RULES}someone-elses-rule`, completed)).toBeUndefined();
    // The push rule's name, but the event is a deployment's end: the name alone does not decide.
    expect(flowOfRule(`${RULES}EcrImagePush-x`, completed)).toBeUndefined();
    expect(parseDeadLetter(delivery(`${RULES}someone-elses-rule`)).flow).toBe("monitor");
  });
});

describe("dead letters of failed Lambda invocations", () => {
  const failure = (functionArn: string): Message => ({
    MessageId: "m-2",
    Body: JSON.stringify({
      requestContext: { functionArn, condition: "RetriesExhausted", approximateInvokeCount: 3 },
      requestPayload: completed,
      responsePayload: { errorType: "Error", errorMessage: "boom" },
    }),
  });
  const FUNCTIONS = "arn:aws:lambda:eu-west-1:123456789012:function:ecs-autopilot-prod-";

  it("belong to the flow the function's component names", () => {
    expect(parseDeadLetter(failure(`${FUNCTIONS}RedeployFunction-a1b2c3:$LATEST`)).flow).toBe("redeploy");
  });

  it("a component named like an Object.prototype member is no flow: the event's flow decides", () => {
    expect(flowOfFunction(`${FUNCTIONS}constructorFunction-a1b2c3`)).toBeUndefined();
    expect(flowOfFunction(`${FUNCTIONS}toStringFunction-a1b2c3`)).toBeUndefined();
    expect(parseDeadLetter(failure(`${FUNCTIONS}constructorFunction-a1b2c3`)).flow).toBe("monitor");
  });
});
