import type { Flow } from "../core/events/index.ts";
import type { LambdaHandler } from "../runtime/rejectInvalidEvents.ts";
import type { FlowRuntime } from "../runtime/runtime.ts";

export interface InvokableFlow {
  readonly flow: Flow;
  readonly description: string;
  /** Loaded on demand so that one flow's dependencies do not slow another's start. */
  create(runtime: FlowRuntime, options: { dryRun: boolean }): Promise<LambdaHandler>;
  /** Whether `--dry-run` is honoured (the flow prints its plan and changes nothing). */
  readonly dryRun: boolean;
}

/** The Lambda handlers `ecs-autopilot invoke` can run locally. */
export const FLOWS: Readonly<Record<string, InvokableFlow>> = {
  redeploy: {
    flow: "redeploy",
    description: "an ECR Image Action (PUSH) event: redeploy the services that track the repository",
    dryRun: true,
    create: async (runtime, options) =>
      (await import("../functions/redeploy.ts")).createRedeployHandler(runtime, options),
  },
  monitor: {
    flow: "monitor",
    description:
      "an ECS Task State Change, Deployment State Change, Service Action or Container Instance State Change event: classify, correlate, alert once; or a Scheduled Event (re-check disconnected agents)",
    dryRun: false,
    create: async (runtime) => (await import("../functions/monitor.ts")).createMonitorHandler(runtime),
  },
  policy: {
    flow: "policy",
    description:
      "a CloudTrail RegisterTaskDefinition/CreateService/UpdateService (audit or enforce) or a Scheduled Event (daily audit)",
    dryRun: true,
    create: async (runtime, options) =>
      (await import("../functions/policy.ts")).createPolicyHandler(runtime, options),
  },
  schedule: {
    flow: "schedule",
    description:
      "a Scheduled Event (reconcile every service) or a CloudTrail TagResource/UntagResource (reconcile that service)",
    dryRun: true,
    create: async (runtime, options) =>
      (await import("../functions/schedule.ts")).createScheduleHandler(runtime, options),
  },
  rightsize: {
    flow: "rightsize",
    description:
      "a Scheduled Event (weekly): right-size every service, Slack summary, one step down where autopilot:rightsize=apply",
    dryRun: true,
    create: async (runtime, options) =>
      (await import("../functions/rightsize.ts")).createRightsizeHandler(runtime, options),
  },
  "service-index": {
    flow: "service-index",
    description:
      "a CloudTrail ECS service call or a Scheduled Event: update or rebuild the repository → services index",
    dryRun: false,
    create: async (runtime) =>
      (await import("../functions/service-index.ts")).createServiceIndexHandler(runtime),
  },
};
