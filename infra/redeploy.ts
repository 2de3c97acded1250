import {
  ECR_IMAGE_PUSH,
  ECS_DEPLOYMENT_FINISHED,
  ECS_SERVICE_CHANGES,
  SCHEDULED_JOBS,
} from "../core/events/index.ts";
import { scheduleJob, subscribe } from "./eventRules.ts";
import {
  account,
  ecsArn,
  flowFunctionArgs,
  region,
  rollOutPermissions,
  sharedPermissions,
} from "./shared.ts";

/** Reading the fleet: List* and DescribeTaskDefinition have no resource-level permissions in IAM. */
const readFleet = [
  { actions: ["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeTaskDefinition"], resources: ["*"] },
  { actions: ["ecs:DescribeServices"], resources: [ecsArn("service/*/*")] },
];

/**
 * Reading the pushed image: its manifest or image index (BatchGetImage, which also covers ECR's
 * referrers API, ListImageReferrers) and, for a single manifest, its config blob
 * (GetDownloadUrlForLayer): the platform and signature checks. Read-only, repositories of this
 * account and region only.
 */
const readPushedImage = {
  actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
  resources: [$interpolate`arn:aws:ecr:${region}:${account}:repository/*`],
};

/**
 * Auto-redeploy: an image pushed to ECR → new task-definition revisions pinned by digest,
 * rolled out with the circuit breaker on.
 */
export const redeployFunction = new sst.aws.Function("Redeploy", {
  ...flowFunctionArgs("redeploy"),
  handler: "functions/redeploy.handler",
  description: "ecs-autopilot: redeploy ECS services when an image is pushed to ECR",
  timeout: "2 minutes",
  permissions: [...sharedPermissions(), ...readFleet, readPushedImage, ...rollOutPermissions()],
});
subscribe(ECR_IMAGE_PUSH, redeployFunction);
// A push queued behind a deployment goes out when ECS reports that deployment finished…
subscribe(ECS_DEPLOYMENT_FINISHED, redeployFunction);
// …or, if that event never reaches us, when the sweep finds the service idle.
for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "redeploy")) scheduleJob(job, redeployFunction);

/** Keeps the repository → services index current: CloudTrail service calls, and a periodic rebuild. */
export const serviceIndexFunction = new sst.aws.Function("ServiceIndex", {
  ...flowFunctionArgs("service-index"),
  handler: "functions/service-index.handler",
  description: "ecs-autopilot: keep the repository → services index current",
  timeout: "5 minutes",
  permissions: [...sharedPermissions(), ...readFleet],
});
subscribe(ECS_SERVICE_CHANGES, serviceIndexFunction);

/**
 * Builds the index during `sst deploy`, so the first push after install already finds its
 * services (the redeploy function would otherwise build it on that push). Runs on every deploy.
 */
const deployedAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
new aws.lambda.Invocation("ServiceIndexBuildOnDeploy", {
  functionName: serviceIndexFunction.name,
  input: $jsonStringify({
    version: "0",
    id: `sst-deploy-${deployedAt}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account,
    time: deployedAt,
    region,
    resources: ["sst-deploy"],
    detail: {},
  }),
  triggers: { deployedAt },
});

for (const job of SCHEDULED_JOBS.filter((j) => j.flow === "service-index"))
  scheduleJob(job, serviceIndexFunction);
