/**
 * The fault proxy itself, with real SDK clients (the project's own client configuration:
 * adaptive retries) through it to the worker's moto server: each fault class does what it says,
 * in the protocol of the service, and the SDK reacts as it would to AWS.
 */

import { DescribeScalableTargetsCommand } from "@aws-sdk/client-application-auto-scaling";
import { ListMetricsCommand } from "@aws-sdk/client-cloudwatch";
import { ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { DescribeInstanceTypesCommand } from "@aws-sdk/client-ec2";
import { DescribeRepositoriesCommand } from "@aws-sdk/client-ecr";
import { ECSServiceException, ListClustersCommand } from "@aws-sdk/client-ecs";
import { ListQueuesCommand, RequestThrottled } from "@aws-sdk/client-sqs";
import { GetParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiCallCounter } from "../../core/aws/index.ts";
import { createStateTable } from "../../core/state/index.ts";
import { type AllClients, clientsAt } from "./clientsAt.ts";
import { FaultProxy } from "./FaultProxy.ts";

const REGION = "eu-west-1";
const TABLE = `fault-proxy-${process.pid}`;
let proxy: FaultProxy;
let direct: AllClients;
const through = (maxAttempts = 5, counter?: ApiCallCounter) =>
  clientsAt(proxy.endpoint, { region: REGION, maxAttempts, ...(counter ? { counter } : {}) });

/** ADD 1 to a counter item: applied twice, it says 2. */
const increment = (clients: AllClients, id: string) =>
  clients.documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk: id, sk: "n" },
      UpdateExpression: "ADD n :one",
      ExpressionAttributeValues: { ":one": 1 },
    }),
  );
const counterValue = async (id: string) =>
  (await direct.documents.send(new GetCommand({ TableName: TABLE, Key: { pk: id, sk: "n" } }))).Item?.n;

const failureOf = async (
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { attempts?: number } }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("the call succeeded");
};

describe("FaultProxy (real SDK clients → proxy → moto)", () => {
  beforeAll(async () => {
    const moto = process.env.AWS_ENDPOINT_URL ?? "";
    proxy = await FaultProxy.start(moto);
    direct = clientsAt(moto, { region: REGION });
    await createStateTable(direct, TABLE);
    await direct.ssm.send(new PutParameterCommand({ Name: "/fault-proxy/p", Value: "v", Type: "String" }));
  });
  afterAll(async () => proxy.close());

  it("names every call as the ApiCallCounter does, in every protocol the project's clients use", async () => {
    proxy.disarm();
    proxy.resetLog();
    const counter = new ApiCallCounter();
    const clients = through(5, counter);
    await clients.ecs.send(new ListClustersCommand({}));
    await clients.ecr.send(new DescribeRepositoriesCommand({}));
    await increment(clients, "naming");
    await clients.sqs.send(new ListQueuesCommand({}));
    await clients.ssm.send(new GetParameterCommand({ Name: "/fault-proxy/p" }));
    await clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs" }));
    await clients.cloudwatch.send(new ListMetricsCommand({}));
    await clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["m6i.large"] }));
    await clients.sts.send(new GetCallerIdentityCommand({}));

    expect(proxy.attemptsByOperation()).toEqual(counter.byOperation());
    expect(Object.keys(counter.byOperation())).toEqual([
      "ApplicationAutoScaling.DescribeScalableTargets",
      "CloudWatch.ListMetrics",
      "DynamoDB.UpdateItem",
      "EC2.DescribeInstanceTypes",
      "ECR.DescribeRepositories",
      "ECS.ListClusters",
      "SQS.ListQueues",
      "SSM.GetParameter",
      "STS.GetCallerIdentity",
    ]);
  });

  it("throttle once: the SDK retries the real throttling error and succeeds", async () => {
    proxy.arm([{ service: "ECS", action: "ListClusters", fault: "throttle", times: 1 }]);
    proxy.resetLog();
    const response = await through().ecs.send(new ListClustersCommand({}));
    expect(response.$metadata.attempts).toBe(2);
    expect(proxy.log.map((c) => c.fault ?? "ok")).toEqual(["throttle", "ok"]);
  });

  it("throttle always: each service's own throttling error, after every attempt", async () => {
    proxy.arm([{ service: "*", action: "*", fault: "throttle" }]);
    const clients = through(2);
    const ecs = await failureOf(clients.ecs.send(new ListClustersCommand({})));
    expect(ecs).toBeInstanceOf(ECSServiceException);
    expect(ecs.name).toBe("ThrottlingException");
    expect(ecs.message).toBe("Rate exceeded");
    expect(ecs.$metadata?.attempts).toBe(2);
    expect(await failureOf(increment(clients, "throttled"))).toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
    expect(await failureOf(clients.sqs.send(new ListQueuesCommand({})))).toBeInstanceOf(RequestThrottled);
    expect((await failureOf(clients.cloudwatch.send(new ListMetricsCommand({})))).name).toBe("Throttling");
    expect((await failureOf(clients.sts.send(new GetCallerIdentityCommand({})))).name).toBe("Throttling");
    expect(
      (await failureOf(clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ["m6i.large"] }))))
        .name,
    ).toBe("RequestLimitExceeded");
    expect(await counterValue("throttled")).toBeUndefined();
  });

  it("5xx: a 503 is retried; a lasting one surfaces with its status", async () => {
    proxy.arm([{ service: "ECS", action: "ListClusters", fault: "5xx", times: 1 }]);
    expect((await through().ecs.send(new ListClustersCommand({}))).$metadata.attempts).toBe(2);
    proxy.arm([{ service: "ECS", action: "ListClusters", fault: "5xx" }]);
    const error = await failureOf(through(2).ecs.send(new ListClustersCommand({})));
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(503);
  });

  it("latency: the call takes at least that long and still succeeds", async () => {
    proxy.arm([{ service: "ECS", action: "ListClusters", fault: "latency", latencyMs: 300 }]);
    const started = performance.now();
    await through().ecs.send(new ListClustersCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it("drop: the call never reaches AWS; the SDK's retry applies it exactly once", async () => {
    proxy.arm([{ service: "DynamoDB", action: "UpdateItem", fault: "drop", times: 1 }]);
    proxy.resetLog();
    await increment(through(), "dropped");
    expect(await counterValue("dropped")).toBe(1);
    expect(proxy.log.map((c) => [c.fault ?? "ok", c.reachedAws])).toEqual([
      ["drop", false],
      ["ok", true],
    ]);
  });

  it("drop-after: AWS applies the call, the reply is lost, and the SDK's retry applies it again", async () => {
    proxy.arm([{ service: "DynamoDB", action: "UpdateItem", fault: "drop-after", times: 1 }]);
    await increment(through(), "lost-reply");
    expect(await counterValue("lost-reply")).toBe(2);
    proxy.arm([{ service: "DynamoDB", action: "UpdateItem", fault: "drop-after" }]);
    await expect(increment(through(2), "lost-always")).rejects.toThrow();
    expect(await counterValue("lost-always")).toBe(2);
  });

  it("after K: the first K matching calls pass, the next ones are faulted", async () => {
    proxy.arm([{ service: "ECS", action: "ListClusters", fault: "throttle", after: 1, times: 1 }]);
    proxy.resetLog();
    const clients = through();
    await clients.ecs.send(new ListClustersCommand({}));
    await clients.ecs.send(new ListClustersCommand({}));
    expect(proxy.log.map((c) => c.fault ?? "ok")).toEqual(["ok", "throttle", "ok"]);
    expect(proxy.injections()).toEqual([1]);
  });

  it("a token bucket throttles once its burst is spent (the model AWS documents for ECS)", async () => {
    proxy.arm([
      {
        service: "ECS",
        action: "ListClusters",
        fault: "throttle",
        bucket: { capacity: 2, refillPerSecond: 0 },
      },
    ]);
    proxy.resetLog();
    await failureOf(
      Promise.all(Array.from({ length: 3 }, () => through(1).ecs.send(new ListClustersCommand({})))),
    );
    expect(proxy.log.filter((c) => c.fault === "throttle")).toHaveLength(1);
  });

  it("frozen (a Lambda past its timeout): nothing reaches AWS until thawed", async () => {
    proxy.disarm();
    proxy.freeze();
    await expect(increment(through(2), "frozen")).rejects.toThrow();
    proxy.thaw();
    expect(await counterValue("frozen")).toBeUndefined();
    await increment(through(), "frozen");
    expect(await counterValue("frozen")).toBe(1);
  });
});
