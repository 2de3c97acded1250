import { DEFAULT_CONFIG, stageActs } from "../core/config/index.ts";
import {
  AUTOPILOT_FUNCTIONS,
  type AutopilotFunction,
  permissionStatements,
  renderStatement,
  type TemplateValues,
  toPolicyDocument,
} from "../core/iam/index.ts";
import { loadValidConfig } from "../core/validateConfig.ts";
import { CliError } from "./errors.ts";

export interface IamPolicyOptions {
  readonly format?: string;
  readonly config?: string;
  /** The stage the document is for: a stage that does not act gets no statement that changes the account. */
  readonly stage?: string;
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
}

/**
 * `ecs-autopilot iam policy <function>`: the IAM statements of one function's role, from the same
 * definition `sst deploy` uses. `--format json` prints the policy document (placeholders such as
 * `${region}` stay unless given, and the stack's own resources stay `${stateTable}`,
 * `${deadLetterQueue}`, `${configParameter}`: their names exist once the stack does).
 */
export async function iamPolicy(fn: string, options: IamPolicyOptions): Promise<string> {
  if (!(AUTOPILOT_FUNCTIONS as readonly string[]).includes(fn))
    throw new CliError(`unknown function "${fn}": one of ${AUTOPILOT_FUNCTIONS.join(", ")}`);
  const config = options.config ? await loadValidConfig({ file: options.config }) : DEFAULT_CONFIG;
  const stage = options.stage ?? config.deploy.actingStage;
  const acting = stageActs(config, stage);
  const values: Partial<TemplateValues> = {
    ...(options.partition ? { partition: options.partition } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.account ? { account: options.account } : {}),
  };
  const statements = permissionStatements(fn as AutopilotFunction, {
    acting,
    passRoles: config.deploy.passRoles,
  }).map((s) => renderStatement(s, values));
  if (options.format === "json") return JSON.stringify(toPolicyDocument(statements), null, 2);
  const lines = [
    `${fn} (stage ${stage}: ${acting ? "acts on the account" : "dry-run, so nothing that changes the account"})`,
    "",
  ];
  for (const s of statements) {
    lines.push(`${s.sid}${s.mutates ? " (changes the account)" : ""}: ${s.why}`);
    lines.push(`  actions:   ${s.actions.join(", ")}`);
    lines.push(`  resources: ${s.resources.join(", ")}`);
    for (const c of s.conditions ?? [])
      lines.push(`  condition: ${c.test} ${c.variable} = ${c.values.join(", ")}`);
    lines.push("");
  }
  lines.push(
    "Also attached by SST: AWS's managed AWSLambdaBasicExecutionRole (the function's own CloudWatch logs).",
  );
  return lines.join("\n");
}
