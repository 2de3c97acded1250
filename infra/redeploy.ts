import {
  DEPLOY_BUILD_SOURCE,
  ECR_IMAGE_PUSH,
  ECS_DEPLOYMENT_FINISHED,
  ECS_SERVICE_CHANGES,
  SCHEDULED_JOBS,
} from "../core/events/index.ts";
import { SLACK_POST_SECONDS, timeoutFor } from "./budgets.ts";
import { scheduleJob, subscribe } from "./eventRules.ts";
import { account, flowFunctionArgs, region } from "./shared.ts";

/**
 * Budget of one push: the index build on the first push after install (the same reads as a
 * rebuild below), 120 s; reading the tracked services and rolling them out four at a time
 * (DescribeServices, DescribeTaskDefinition, RegisterTaskDefinition, UpdateService per service),
 * 60 s; one Slack message. 120 s was shorter than the Slack budget alone.
 */
const redeployTimeout = timeoutFor("Redeploy", { indexBuild: 120, rollOut: 60, slack: SLACK_POST_SECONDS });

/**
 * Auto-redeploy: an image pushed to ECR → new task-definition revisions pinned by digest,
 * rolled out with the circuit breaker on.
 */
export const redeployFunction = new sst.aws.Function("Redeploy", {
  ...flowFunctionArgs("redeploy", redeployTimeout),
  handler: "functions/redeploy.handler",
  description: "ecs-autopilot: redeploy ECS services when an image is pushed to ECR",
});
subscribe(ECR_IMAGE_PUSH, redeployFunction);
// A push queued behind a deployment goes out when ECS reports that deployment finished, or, if
// that event never reaches us, when the sweep finds the service idle.
subscribe(ECS_DEPLOYMENT_FINISHED, redeployFunction);
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "redeploy")) scheduleJob(job, redeployFunction);

/**
 * Budget of a rebuild: for 2,000 services in 20 clusters, 20 ListServices pages, 200
 * DescribeServices, up to 2,000 DescribeTaskDefinition five at a time, a Scan of the previous
 * entries and 160 BatchWriteItem, 240 s. No Slack message. The deploy-time build stops itself
 * 20 s before this timeout (runtime/deployTimeBuild.ts).
 */
const indexTimeout = timeoutFor("ServiceIndex", { rebuild: 240 });

/** Keeps the repository → services index current: CloudTrail service calls, and a periodic rebuild. */
export const serviceIndexFunction = new sst.aws.Function("ServiceIndex", {
  ...flowFunctionArgs("service-index", indexTimeout),
  handler: "functions/service-index.handler",
  description: "ecs-autopilot: keep the repository → services index current",
});
subscribe(ECS_SERVICE_CHANGES, serviceIndexFunction);
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "service-index"))
  scheduleJob(job, serviceIndexFunction);

/**
 * Builds the index during `sst deploy`, so the first push after install finds its services at
 * once. The Terraform provider invokes synchronously and fails the deploy on a FunctionError or
 * an Invoke error (terraform-provider-aws internal/service/lambda/invocation.go), so the
 * function answers this event with a report, never an error, and stops before its timeout
 * (runtime/deployTimeBuild.ts): a failed build is logged and the first push builds the index.
 *
 * It runs once per deploy of the function's code: the trigger is the code bundle's S3 key, which
 * SST derives from the bundle's hash (`assets/<name>-code-<sha256>.zip`, SST's function.ts), and
 * the input is stable (with the default CREATE_ONLY lifecycle, a changed input would re-invoke).
 * Not under `sst dev`: there the function is SST's bridge to your machine, which is not running
 * while the deploy is, and each dev reload redeploys.
 */
if (!$dev)
  new aws.lambda.Invocation("ServiceIndexBuildOnDeploy", {
    functionName: serviceIndexFunction.name,
    input: $jsonStringify({
      version: "0",
      id: "ecs-autopilot-deploy-build",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account,
      time: "1970-01-01T00:00:00Z",
      region,
      resources: [DEPLOY_BUILD_SOURCE],
      detail: {},
    }),
    triggers: { code: serviceIndexFunction.nodes.function.s3Key.apply((key) => key ?? "") },
  });
