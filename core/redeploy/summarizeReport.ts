import { behindText, type RedeployReport } from "./types.ts";

export interface RedeploySummary {
  readonly repository: string;
  readonly tag?: string;
  readonly digest: string;
  readonly dryRun: boolean;
  readonly deployed: number;
  /** Services whose deployment was in progress: the push waits for it to finish. */
  readonly queued: number;
  readonly skipped: number;
  readonly failed: number;
  readonly services: ReadonlyArray<{
    readonly service: string;
    readonly result: string;
    readonly detail: string;
  }>;
  readonly failures: readonly string[];
  /** Set when this was a queued push, released by the end of that deployment. */
  readonly releasedBehind?: string;
  readonly warnings?: readonly string[];
}

/** A compact, JSON-friendly account of a report: what the handler returns and logs. */
export function summarizeReport(report: RedeployReport): RedeploySummary {
  const { push } = report.plan;
  const rows = report.dryRun
    ? report.plan.actions.map((a) => ({
        service: `${a.service.clusterName}/${a.service.serviceName}`,
        result:
          a.kind === "deploy"
            ? "would-deploy"
            : a.kind === "queue"
              ? "would-queue"
              : a.kind === "unread"
                ? "failed"
                : `skip:${a.category}`,
        detail: a.reason,
      }))
    : report.outcomes.map((o) => ({
        service: `${o.action.service.clusterName}/${o.action.service.serviceName}`,
        result: o.kind === "skipped" ? `skip:${o.action.category}` : o.kind,
        detail:
          o.kind === "deployed"
            ? o.taskDefinitionArn
            : o.kind === "failed"
              ? o.error
              : o.kind === "queued"
                ? `behind ${behindText(o.action.behind)}${o.superseded ? `; replaces the queued ${o.superseded.push.tag ?? o.superseded.push.digest}` : ""}`
                : o.action.reason,
      }));
  return {
    repository: push.repository,
    ...(push.tag !== undefined ? { tag: push.tag } : {}),
    digest: push.digest,
    dryRun: report.dryRun,
    deployed: rows.filter((r) => r.result === "deployed" || r.result === "would-deploy").length,
    queued: rows.filter((r) => r.result === "queued" || r.result === "would-queue").length,
    skipped: rows.filter((r) => r.result.startsWith("skip:")).length,
    failed: rows.filter((r) => r.result === "failed").length,
    services: rows,
    failures: rows.filter((r) => r.result === "failed").map((r) => `${r.service}: ${r.detail}`),
    ...(report.released ? { releasedBehind: report.released.behind } : {}),
    ...(report.warnings ? { warnings: report.warnings } : {}),
  };
}
