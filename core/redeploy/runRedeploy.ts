import { AutopilotError } from "../errors.ts";
import type {
  EcrImageActionEvent,
  EcsDeploymentStateChangeEvent,
  ScheduledEvent,
} from "../events/schemas.ts";
import { type FlowContext, type FlowResult, type OutgoingMessage, quietResult } from "../flow.ts";
import { toldRollouts } from "./applyDecisions.ts";
import { signatureSubject } from "./ImageFacts.ts";
import { redeployMessage } from "./messages.ts";
import { pendingPushesOf } from "./pendingPushes.ts";
import { notAPush, pushFromEvent, redeployPush } from "./redeployPush.ts";
import {
  forgetReleased,
  type Release,
  releasePendingPush,
  releaseTells,
  sweepPendingPushes,
} from "./releasePendingPush.ts";
import { recordReported } from "./reportedRollouts.ts";
import { pushesSignedBy } from "./signedPushes.ts";
import { type RedeploySummary, summarizeReport } from "./summarizeReport.ts";
import type { RedeployReport } from "./types.ts";

export type RedeployEvent = EcrImageActionEvent | EcsDeploymentStateChangeEvent | ScheduledEvent;

export type RedeployFlowSummary =
  | RedeploySummary
  | { readonly status: "ignored"; readonly reason: string }
  | { readonly status: "released"; readonly reports: readonly RedeploySummary[] }
  /** A signature's push: the tags of the image it signs, planned again. */
  | { readonly status: "signed"; readonly signature: string; readonly reports: readonly RedeploySummary[] };

/** Some services could not be redeployed: the invocation fails, so that it is retried and finally dead-lettered. */
export class RedeployFailedError extends AutopilotError {
  override readonly name = "RedeployFailedError";
  readonly code = "redeploy-failed";
  constructor(readonly failures: readonly string[]) {
    super(`${failures.length} service(s) failed to redeploy: ${failures.join("; ")}`);
  }
}

/** How long a released push's deploy is remembered as told (past any retry or redrive of its release). */
const RELEASE_TOLD_SECONDS = 24 * 60 * 60;

/** The deployment events that end a roll-out (and so release a push queued behind it). */
const FINISHED = new Set(["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"]);

/**
 * A push's report records, once queued, that it told the roll-outs it names (reportedRollouts.ts):
 * a retry of the event (another service failed) does not tell them again. (A released push's deploy
 * is told once by its `once` claim instead: its roll-outs are the release's, not the push event's.)
 */
function reportedAfterQueued(
  report: RedeployReport,
  context: FlowContext,
): Pick<OutgoingMessage, "afterQueued"> {
  const rollouts = toldRollouts(report);
  if (report.released || rollouts.length === 0) return {};
  // The push's own roll-outs: applyRedeployPlan's owner is the push's event id.
  return { afterQueued: () => recordReported(context.state, rollouts, report.plan.push.eventId) };
}

function outcomeOf(
  reports: readonly RedeployReport[],
  context: FlowContext,
): { summaries: RedeploySummary[]; messages: OutgoingMessage[]; failures: string[] } {
  const summaries = reports.map(summarizeReport);
  const messages = reports.flatMap((report): OutgoingMessage[] => {
    const message = redeployMessage(report, { notifySkipped: context.config.redeploy.notifySkipped });
    if (!message) return [];
    // A released push's deploy is told once, whichever release or retry tells it: a retry after
    // its message went out (the queue entry could not be forgotten) finds it "deployed earlier".
    const [outcome] = report.outcomes;
    // (Not a skip that another invocation's report covers: that report carries the news.)
    const deployedNow =
      outcome?.kind === "deployed" ||
      (outcome?.kind === "skipped" &&
        outcome.action.category === "deployed-earlier" &&
        outcome.action.reportedBy === undefined);
    return report.released && outcome && deployedNow
      ? [
          {
            message,
            once: {
              kind: "redeploy-release",
              id: `${report.plan.push.eventId} ${outcome.action.service.serviceArn}`,
              seconds: RELEASE_TOLD_SECONDS,
            },
          },
        ]
      : [{ message, ...reportedAfterQueued(report, context) }];
  });
  const failures = summaries.flatMap((s) => s.failures);
  return { summaries, messages, failures };
}

/**
 * The redeploy flow's entry:
 * - an "ECR Image Action" push: plan it for the services that use the repository and apply it —
 *   deploying, or queueing behind a deployment that is still rolling out;
 * - an "ECS Deployment State Change" COMPLETED/FAILED: release the push queued behind it;
 * - the scheduled sweep: release queued pushes whose release event never came.
 * When any service fails, the invocation fails after telling Slack (retried, then dead-lettered).
 *
 * @example
 * const { summary, messages, failure } = await runRedeploy(event, context);
 */
export async function runRedeploy(
  event: RedeployEvent,
  context: FlowContext,
): Promise<FlowResult<RedeployFlowSummary>> {
  if (event["detail-type"] === "ECR Image Action") {
    const ignored = notAPush(event);
    if (ignored) {
      context.log.info("event ignored", { reason: ignored });
      return quietResult({ status: "ignored", reason: ignored });
    }
    const push = pushFromEvent(event);
    if (signatureSubject(push.tag) !== undefined) {
      // A signature arrived: the image it signs is planned again (services that require one skipped it).
      const reports: RedeployReport[] = [];
      for (const signed of await pushesSignedBy(context.clients.ecr, push))
        reports.push(await redeployPush(signed, context, { dryRun: context.dryRun }));
      const { summaries, messages, failures } = outcomeOf(reports, context);
      context.log.info("signed image planned again", { signature: push.tag, pushes: summaries.length });
      return {
        summary: { status: "signed", signature: push.tag ?? "", reports: summaries },
        messages,
        ...(failures.length > 0 ? { failure: new RedeployFailedError(failures) } : {}),
      };
    }
    const report = await redeployPush(push, context, { dryRun: context.dryRun });
    const { summaries, messages, failures } = outcomeOf([report], context);
    const summary = summaries[0] as RedeploySummary;
    context.log.info("redeploy finished", { ...summary });
    return {
      summary,
      messages,
      ...(failures.length > 0 ? { failure: new RedeployFailedError(failures) } : {}),
    };
  }

  let releases: Release[] = [];
  const untold = new Set<Release>();
  let releaseErrors: string[] = [];
  const failedRelease = (serviceArn: string, error: unknown) =>
    `${serviceArn}: the queued push could not be released (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}); it stays queued`;
  if (event["detail-type"] === "ECS Deployment State Change") {
    if (!FINISHED.has(event.detail.eventName))
      return quietResult({
        status: "ignored",
        reason: `${event.detail.eventName} does not end a deployment`,
      });
    const serviceArn = event.resources.find((r) => r.includes(":service/"));
    // One queued push per repository the service uses (an app image and a sidecar's, say).
    const pending = serviceArn ? await pendingPushesOf(context.state, serviceArn) : [];
    if (pending.length === 0)
      return quietResult({ status: "ignored", reason: "no push is queued for this service" });
    for (const queued of pending) {
      try {
        const release = await releasePendingPush(queued, context, {
          finishedDeployment: event.detail.deploymentId,
          failed: event.detail.eventName === "SERVICE_DEPLOYMENT_FAILED",
          trigger: event.id,
          dryRun: context.dryRun,
        });
        releases.push(release);
        // The end of another deployment than the one it waits behind (an older one delivered
        // late, a retried event): still queued behind the same one, nothing new to tell (its
        // report stays in the summary).
        if (!releaseTells(release.report, queued, context.dryRun)) untold.add(release);
      } catch (error) {
        releaseErrors.push(failedRelease(queued.serviceArn, error));
      }
    }
  } else {
    const swept = await sweepPendingPushes(context, { trigger: event.id, dryRun: context.dryRun });
    releases = swept.releases;
    releaseErrors = swept.errors.map(({ serviceArn, error }) => failedRelease(serviceArn, error));
  }
  const released = releases.map((r) => r.report);
  const outcome = outcomeOf(released, context);
  const { summaries } = outcome;
  const messages =
    untold.size === 0
      ? outcome.messages
      : outcomeOf(
          releases.filter((r) => !untold.has(r)).map((r) => r.report),
          context,
        ).messages;
  const failures = [...outcome.failures, ...releaseErrors];
  const summary = { status: "released" as const, reports: summaries };
  context.log.info("queued pushes released", { count: summaries.length });
  return {
    summary,
    messages,
    // The queue entries of settled pushes go once their outcome is told.
    afterDelivery: () => forgetReleased(releases),
    ...(failures.length > 0 ? { failure: new RedeployFailedError(failures) } : {}),
  };
}
