/**
 * The `ecs-autopilot` command: the same core as the Lambda functions, driven from a terminal or CI.
 */
import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../core/version.ts";
import { type DlqOptions, dlqList, dlqRedrive } from "./dlq.ts";
import { CliError, EXIT } from "./errors.ts";
import { FLOWS } from "./flows.ts";
import { iamPolicy } from "./iam.ts";
import { invoke } from "./invoke.ts";
import { type CheckOptions, policyAudit, policyCheck, policyRules } from "./policy.ts";
import { redeployExplain } from "./redeployExplain.ts";
import { redeployPlan } from "./redeployPlan.ts";
import { type RightsizeOptions, rightsizeReport } from "./rightsize.ts";
import { schedule } from "./schedule.ts";

function fail(message: string, exitCode: number): never {
  process.stderr.write(`ecs-autopilot: ${message}\n`);
  process.exit(exitCode);
}

export function buildProgram(): Command {
  const program = new Command("ecs-autopilot")
    .description("Event-driven automation for Amazon ECS")
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`ecs-autopilot: ${text.replace(/^error: /, "").trim()}\n`),
    });

  program
    .command("invoke")
    .description("run a flow's Lambda handler locally against AWS_ENDPOINT_URL or the current credentials")
    .argument("<flow>", `one of: ${Object.keys(FLOWS).join(", ")}`)
    .requiredOption("--event <file>", "the EventBridge event (JSON) to hand to the handler")
    .option("--dry-run", "print the plan and change nothing")
    .option("--config <file>", "central configuration (JSON)")
    .option("--table <name>", "state table (default: AUTOPILOT_STATE_TABLE)")
    .action(
      async (flow: string, options: { event: string; dryRun?: boolean; config?: string; table?: string }) => {
        const { response, exitCode } = await invoke(flow, options);
        process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
        process.exitCode = exitCode;
      },
    );

  const dlq = program
    .command("dlq")
    .description("dead letters: events and Slack messages that could not be handled");
  const queueOptions = (command: Command) =>
    command
      .option("--queue <url>", "the events' dead-letter queue (default: AUTOPILOT_DEAD_LETTER_QUEUE_URL)")
      .option(
        "--outbox-queue <url>",
        "the Slack outbox's dead-letter queue (default: AUTOPILOT_OUTBOX_DEAD_LETTER_QUEUE_URL)",
      );
  queueOptions(
    dlq
      .command("list")
      .description("show every dead letter with its flow, reason and event (nothing is taken off the queue)")
      .argument("[flow]", "only this flow's"),
  )
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (flow: string | undefined, options: DlqOptions) => {
      process.stdout.write(`${await dlqList(flow, options)}\n`);
    });
  queueOptions(
    dlq
      .command("redrive")
      .description(
        "replay a flow's dead letters through its handler; each one that succeeds leaves the queue",
      )
      .argument("<flow>", `one of: ${[...Object.keys(FLOWS), "notify"].join(", ")}`),
  )
    .option("--dry-run", "print what each replay would do and change nothing")
    .option(
      "--print-messages",
      "no Slack target here: print the Slack messages and count them as delivered (the channel never sees them)",
    )
    .option("--config <file>", "central configuration (JSON)")
    .option("--table <name>", "state table (default: AUTOPILOT_STATE_TABLE)")
    .action(async (flow: string, options: DlqOptions) => {
      const { output, exitCode } = await dlqRedrive(flow, options);
      process.stdout.write(`${output}\n`);
      process.exitCode = exitCode;
    });

  const redeploy = program.command("redeploy").description("the auto-redeploy flow");
  redeploy
    .command("plan")
    .description("print what a push of this image would do; changes nothing")
    .requiredOption("--repository <name>", "ECR repository name, e.g. shop/web")
    .requiredOption("--digest <digest>", "image digest, sha256:…")
    .option("--tag <tag>", "image tag that was pushed")
    .option("--account <id>", "account of the repository (default: the caller's)")
    .option("--region <region>", "region (default: AWS_REGION)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--config <file>", "central configuration (JSON)")
    .option("--table <name>", "state table (default: AUTOPILOT_STATE_TABLE)")
    .action(async (options) => {
      const { output } = await redeployPlan(options);
      process.stdout.write(`${output}\n`);
    });
  redeploy
    .command("explain")
    .description(
      "replay pushes against a service running a tag: deploy or skip per push, and why; reads nothing from AWS",
    )
    .requiredOption("--policy <policy>", "tag policy, e.g. minor, range:>=1.2 <2, glob:release-*")
    .option("--running <tag>", "the tag the service runs (omit when unknown)")
    .option(
      "--last-version <tag>",
      "the last version the service ran before a non-version tag (its revision's autopilot:last-version:<container> tag)",
    )
    .option(
      "--pushed <tag>",
      "a pushed tag; repeat for several, replayed in order",
      (tag: string, previous: string[]) => [...previous, tag],
      [] as string[],
    )
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--config <file>", "central configuration (JSON): redeploy.allowPrerelease")
    .action(async (options) => {
      const { output } = await redeployExplain(options);
      process.stdout.write(`${output}\n`);
    });
  const scheduleCommand = program.command("schedule").description("scheduled scaling");
  const common = (command: Command) =>
    command
      .option("--days <n>", "days of timeline to show", "7")
      .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
      .option("--config <file>", "central configuration (JSON)")
      .option("--table <name>", "state table (default: AUTOPILOT_STATE_TABLE)");
  common(
    scheduleCommand
      .command("plan")
      .description("print each scheduled service's capacity timeline and what a reconcile would write"),
  ).action(async (options) => {
    const { output, exitCode } = await schedule("plan", options);
    process.stdout.write(`${output}\n`);
    process.exitCode = exitCode;
  });
  common(
    scheduleCommand.command("apply").description("reconcile the schedules into Application Auto Scaling"),
  )
    .option("--dry-run", "print the writes and change nothing")
    .action(async (options) => {
      // Exit 1 when any service's writes failed (the others were still applied).
      const { output, exitCode } = await schedule("apply", options);
      process.stdout.write(`${output}\n`);
      process.exitCode = exitCode;
    });
  const policy = program
    .command("policy")
    .description("policy checks of task definitions, services, clusters, task sets and capacity providers");
  policy
    .command("rules")
    .description("list the rule catalogue with its Security Hub / AWS Config / Checkov mappings")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action((options: { format: string }) => {
      process.stdout.write(`${policyRules(options.format)}\n`);
    });
  policy
    .command("check")
    .description(
      "check the task definitions, services, clusters, task sets and capacity providers in files and directories: ECS JSON, CloudFormation JSON/YAML, CDK output, Terraform (.tf, .tf.json) and Terraform plans (terraform show -json)",
    )
    .argument("<paths...>", "files or directories")
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"),
    )
    .option("--config <file>", "central configuration (JSON): rule settings and exemptions")
    .option(
      "--exclude <glob>",
      "in directories, skip files and directories matching (charts/**, *.tpl.yaml); repeat for several",
      (glob: string, previous: string[]) => [...previous, glob],
      [] as string[],
    )
    .addOption(
      new Option("--fail-on <severity>", "exit 1 on findings at or above")
        .choices(["high", "medium", "low"])
        .default("low"),
    )
    .option(
      "--fail-on-unknown",
      "exit 1 also when a rule at or above --fail-on could not decide because a value is filled in at deploy time (a variable, a reference, a CI placeholder)",
    )
    .action(async (paths: string[], options: CheckOptions) => {
      const { output, errors, notes, exitCode } = await policyCheck(paths, options);
      process.stdout.write(`${output}\n`);
      for (const note of notes) process.stderr.write(`ecs-autopilot: note: ${note}\n`);
      for (const error of errors) process.stderr.write(`ecs-autopilot: ${error}\n`);
      process.exitCode = exitCode;
    });
  policy
    .command("audit")
    .description(
      "check the account: every task-definition revision in use by services and running tasks, and its services (with task sets), clusters and capacity providers",
    )
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--config <file>", "central configuration (JSON)")
    .action(async (options: { format: string; config?: string }) => {
      process.stdout.write(`${await policyAudit(options)}\n`);
    });
  program
    .command("rightsize")
    .description("right-sizing EC2 vs Fargate")
    .command("report")
    .description("the cheapest safe size and launch type for every service, with $/month")
    .addOption(new Option("--format <format>", "output format").choices(["md", "json", "html"]).default("md"))
    .option("--out <file>", "write the report to a file")
    .option("--days <n>", "lookback window in days", "14")
    .option("--prices <file>", "price book JSON (default: the Pricing API, else the bundled prices)")
    .option("--table <name>", "state table (default: AUTOPILOT_STATE_TABLE)")
    .action(async (options: RightsizeOptions) => {
      process.stdout.write(`${(await rightsizeReport(options)).output}\n`);
    });
  program
    .command("iam")
    .description("the IAM permissions of the deployed functions")
    .command("policy")
    .description("print one function's IAM statements, from the same definition sst deploy uses")
    .argument("<function>", "redeploy, service-index, monitor, schedule, policy or rightsize")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--config <file>", "central configuration (JSON): deploy.passRoles, deploy.actingStage")
    .option("--stage <name>", "the stage to print for (default: the acting stage)")
    .option("--partition <partition>", "the partition to fill in, e.g. aws")
    .option("--region <region>", "the region to fill in")
    .option("--account <id>", "the account to fill in")
    .action(async (fn: string, options) => {
      process.stdout.write(`${await iamPolicy(fn, options)}\n`);
    });
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.exitCode === 0
      )
        return;
      process.exit(EXIT.usage); // commander already printed the one line
    }
    if (error instanceof CliError) fail(error.message, error.exitCode);
    fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error), EXIT.failed);
  }
}

await main(process.argv.slice(2));
