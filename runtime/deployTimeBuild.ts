import type { Context } from "aws-lambda";
import { describeError } from "../core/errors.ts";
import { DEPLOY_BUILD_SOURCE } from "../core/events/index.ts";
import type { LambdaHandler } from "./rejectInvalidEvents.ts";
import type { FlowRuntime } from "./runtime.ts";

/** Time kept back from the function's timeout: the report must go out before Lambda ends the invocation. */
export const DEPLOY_BUILD_MARGIN_MS = 20_000;

/** What the deploy-time build answers `sst deploy` (the Invocation resource's `result`). */
export type DeployBuildReport =
  | { readonly status: "built"; readonly result: unknown }
  | { readonly status: "failed" | "incomplete"; readonly reason: string; readonly next: string };

const NEXT = "the first push builds the index (and the 6-hourly rebuild keeps it current)";

/** True for the event `sst deploy` sends (infra/redeploy.ts). */
export function isDeployBuild(event: unknown): boolean {
  const resources = (event as { resources?: unknown } | null)?.resources;
  return Array.isArray(resources) && resources.includes(DEPLOY_BUILD_SOURCE);
}

/**
 * Wraps the ServiceIndex handler so that the build `sst deploy` asks for never fails the deploy:
 * the Terraform provider fails the whole deploy on a function error (an AccessDenied, throttling,
 * a fleet too large for the timeout), after everything else was applied. The build gets the
 * invocation's time less {@link DEPLOY_BUILD_MARGIN_MS}; whatever happens, it answers with a
 * report and logs a failure. Every other event goes to the handler untouched.
 *
 * @example
 * export const handler = reportDeployBuild(createServiceIndexHandler(runtime), runtime);
 */
export function reportDeployBuild(
  handler: LambdaHandler,
  runtime: Pick<FlowRuntime, "logger">,
): LambdaHandler {
  return async (event: unknown, context: Context) => {
    if (!isDeployBuild(event)) return handler(event, context);
    const budgetMs = Math.max(0, context.getRemainingTimeInMillis() - DEPLOY_BUILD_MARGIN_MS);
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<"out-of-time">((resolve) => {
      timer = setTimeout(() => resolve("out-of-time"), budgetMs);
    });
    let report: DeployBuildReport;
    try {
      const result = await Promise.race([handler(event, context), outOfTime]);
      report =
        result === "out-of-time"
          ? {
              status: "incomplete",
              reason: `not finished within ${Math.round(budgetMs / 1000)} s`,
              next: NEXT,
            }
          : { status: "built", result };
    } catch (error) {
      report = { status: "failed", reason: describeError(error), next: NEXT };
    } finally {
      clearTimeout(timer);
    }
    if (report.status === "built") runtime.logger.info("deploy-time index build done", { report });
    else runtime.logger.error("deploy-time index build did not complete; the deploy goes on", { report });
    return report;
  };
}
