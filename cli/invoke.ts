import { readFile } from "node:fs/promises";
import { type AwsClients, createAwsClients } from "../core/aws/index.ts";
import { AutopilotError } from "../core/errors.ts";
import { EVENT_RULES, rulesMatching } from "../core/events/index.ts";
import { type Notifier, TerminalNotifier } from "../core/notify/index.ts";
import { own } from "../core/own.ts";
import { InvalidEventError } from "../runtime/rejectInvalidEvents.ts";
import { createRuntime, slackConfigured } from "../runtime/runtime.ts";
import { CliError, EXIT } from "./errors.ts";
import { FLOWS } from "./flows.ts";
import { loadCliConfig } from "./loadCliConfig.ts";
import { localContext } from "./localContext.ts";

export interface InvokeOptions {
  readonly event: string;
  readonly dryRun?: boolean;
  readonly config?: string;
  readonly table?: string;
}

/** Reads and parses a JSON file, with one clear line when it cannot. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * `ecs-autopilot invoke <flow> --event FILE [--dry-run]`: runs a flow's Lambda handler in this
 * process against `AWS_ENDPOINT_URL` (moto) or the account of the current credentials.
 */
export async function invoke(
  flowName: string,
  options: InvokeOptions,
  clients?: AwsClients,
): Promise<{ response: unknown; exitCode: number }> {
  if (!own(FLOWS, flowName))
    throw new CliError(`unknown flow '${flowName}'; flows: ${Object.keys(FLOWS).join(", ")}`);
  const event = await readJsonFile(options.event, "event file");
  return invokeEvent(flowName, event, { ...options, source: options.event }, clients);
}

/** Why a message that had to reach Slack did not, here: there is nowhere to post it. */
export const NO_SLACK_TARGET =
  "no Slack target here (set SLACK_WEBHOOK_URL, or run under `npx sst shell`, which links the SlackWebhookUrl secret)";

export interface InvokeEventOptions extends Omit<InvokeOptions, "event"> {
  /** What names the event in errors (its file, or the dead letter's id). */
  readonly source?: string;
  /**
   * The replay's Slack messages must reach Slack (`dlq redrive`): each is posted once by its id,
   * as the Notify function posts it, and one that Slack does not take — or that has nowhere to go
   * here — fails the invocation, so its dead letter stays (runtime/deliver.ts).
   */
  readonly requireDelivery?: boolean;
  /**
   * With no Slack target here, print the messages on the terminal and count them as delivered
   * (the user asked for it: the channel will never see them). Ignored when Slack is configured.
   */
  readonly printMessages?: boolean;
}

/** The terminal stands in for Slack; where delivery is required, a printed message is not delivered. */
function terminalNotifier(options: InvokeEventOptions): Notifier {
  const terminal = TerminalNotifier.toStderr();
  if (!options.requireDelivery || options.printMessages) return terminal;
  return {
    async post(message) {
      process.stderr.write(`not delivered (${NO_SLACK_TARGET}):\n`);
      await terminal.post(message);
      throw new Error(NO_SLACK_TARGET);
    },
  };
}

/** Runs a flow's Lambda handler on an event (a file's, or a dead letter's): the response and the exit code. */
export async function invokeEvent(
  flowName: string,
  event: unknown,
  options: InvokeEventOptions,
  clients?: AwsClients,
): Promise<{ response: unknown; exitCode: number }> {
  const flow = own(FLOWS, flowName);
  if (!flow) throw new CliError(`unknown flow '${flowName}'; flows: ${Object.keys(FLOWS).join(", ")}`);
  if (options.dryRun && !flow.dryRun)
    throw new CliError(`flow '${flowName}' has no --dry-run: it only maintains ecs-autopilot's own state`);
  const tableName = options.table ?? process.env.AUTOPILOT_STATE_TABLE;
  if (!tableName)
    throw new CliError(
      "no state table: pass --table NAME or set AUTOPILOT_STATE_TABLE (the deployed table; `npx sst shell` sets it)",
    );
  const matched = rulesMatching(event, EVENT_RULES).filter((rule) => rule.flow === flow.flow);
  if (matched.length === 0 && flow.flow === "redeploy")
    process.stderr.write(
      `note: no ${flow.flow} rule would deliver this event in AWS; running the handler anyway\n`,
    );
  const config = await loadCliConfig(options.config, clients);
  const runtime = createRuntime(flow.flow, {
    clients: clients ?? createAwsClients(),
    tableName,
    config,
    // Locally an invalid event is an error on the terminal (exit 3), never a new dead letter, and
    // Slack messages are posted (or printed) here, not queued — whatever the environment says.
    deadLetterQueueUrl: "",
    outboxQueueUrl: "",
    ...(options.requireDelivery ? { requireDelivery: true } : {}),
    // A dry run prints what it would tell on the terminal, Slack or not, and records nothing as told.
    ...(options.dryRun
      ? { printOnly: true, notifier: TerminalNotifier.toStderr() }
      : slackConfigured()
        ? {}
        : { notifier: terminalNotifier(options) }),
  });
  const handler = await flow.create(runtime, { dryRun: options.dryRun ?? false });
  try {
    const response = await handler(event, localContext(flow.flow));
    const failed =
      typeof response === "object" &&
      response !== null &&
      "failed" in response &&
      Number(response.failed) > 0;
    return { response, exitCode: failed ? EXIT.failed : EXIT.ok };
  } catch (error) {
    if (error instanceof InvalidEventError)
      throw new CliError(`${options.source ?? "event"}: ${error.message}`, EXIT.invalidEvent);
    // The flow did what it could, told Slack, and failed (deployed, Lambda would retry it).
    if (error instanceof AutopilotError)
      return {
        response: { status: "failed", code: error.code, error: error.message },
        exitCode: EXIT.failed,
      };
    throw error;
  }
}
