import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { type AwsClients, createAwsClients } from "../core/aws/index.ts";
import { formatPlan, type RedeployReport, redeployPush } from "../core/redeploy/index.ts";
import { StateTable } from "../core/state/index.ts";
import { CliError } from "./errors.ts";
import { loadCliConfig } from "./loadCliConfig.ts";

export interface PlanOptions {
  readonly repository: string;
  readonly tag?: string;
  readonly digest: string;
  readonly account?: string;
  readonly region?: string;
  readonly format?: string;
  readonly config?: string;
  readonly table?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * `ecs-autopilot redeploy plan --repository R --tag T --digest D`: what a push of that image
 * would do, read from the account and changing nothing.
 */
export async function redeployPlan(
  options: PlanOptions,
  clients?: AwsClients,
): Promise<{ output: string; report: RedeployReport }> {
  if (!REPOSITORY.test(options.repository))
    throw new CliError(`--repository '${options.repository}' is not an ECR repository name`);
  if (!DIGEST.test(options.digest))
    throw new CliError(`--digest '${options.digest}' is not an image digest (sha256:<hex>)`);
  if (options.tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(options.tag))
    throw new CliError(`--tag '${options.tag}' is not a valid image tag`);
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new CliError(`--format must be text or json, not '${format}'`);
  const tableName = options.table ?? process.env.AUTOPILOT_STATE_TABLE;
  if (!tableName) throw new CliError("no state table: pass --table NAME or set AUTOPILOT_STATE_TABLE");
  const aws = clients ?? createAwsClients(options.region ? { region: options.region } : {});
  const region = options.region ?? (await aws.ecs.config.region());
  const account =
    options.account ??
    (
      await new STSClient(options.region ? { region: options.region } : {}).send(
        new GetCallerIdentityCommand({}),
      )
    ).Account;
  if (!account) throw new CliError("cannot tell the account: pass --account");
  const config = await loadCliConfig(options.config);
  const report = await redeployPush(
    {
      account,
      region,
      repository: options.repository,
      digest: options.digest,
      ...(options.tag !== undefined ? { tag: options.tag } : {}),
      eventId: `cli-plan-${Date.now()}`,
    },
    { clients: aws, state: new StateTable(aws.documents, tableName), config },
    { dryRun: true },
  );
  return {
    output: format === "json" ? JSON.stringify(report.plan, null, 2) : formatPlan(report.plan),
    report,
  };
}
