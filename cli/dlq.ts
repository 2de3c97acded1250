import type { SQSClient } from "@aws-sdk/client-sqs";
import { type AwsClients, createAwsClients } from "../core/aws/index.ts";
import { TerminalNotifier } from "../core/notify/index.ts";
import { StateTable } from "../core/state/index.ts";
import {
  type DeadLetter,
  MAX_LETTERS,
  readDeadLetters,
  removeDeadLetter,
  returnDeadLetter,
  takeDeadLetter,
} from "../runtime/deadLetters.ts";
import { postOutbox } from "../runtime/postOutbox.ts";
import { createRuntime, slackConfigured } from "../runtime/runtime.ts";
import { CliError, EXIT } from "./errors.ts";
import { FLOWS } from "./flows.ts";
import { invokeEvent, NO_SLACK_TARGET } from "./invoke.ts";

export interface DlqOptions {
  /** The events' dead-letter queue (default: AUTOPILOT_DEAD_LETTER_QUEUE_URL; `sst deploy` prints it). */
  readonly queue?: string;
  /** The Slack outbox's dead-letter queue (default: AUTOPILOT_OUTBOX_DEAD_LETTER_QUEUE_URL). */
  readonly outboxQueue?: string;
  readonly format?: string;
  readonly dryRun?: boolean;
  readonly config?: string;
  readonly table?: string;
  /**
   * No Slack target here: print the Slack messages of the replays (and the Slack messages being
   * redriven) on the terminal and count them as delivered — the channel never sees them.
   */
  readonly printMessages?: boolean;
}

const FLOW_NAMES = [...Object.keys(FLOWS), "notify"];

function queues(options: DlqOptions): Array<{ url: string; kind: "events" | "outbox" }> {
  const events = options.queue ?? process.env.AUTOPILOT_DEAD_LETTER_QUEUE_URL;
  const outbox = options.outboxQueue ?? process.env.AUTOPILOT_OUTBOX_DEAD_LETTER_QUEUE_URL;
  const found = [
    ...(events ? [{ url: events, kind: "events" as const }] : []),
    ...(outbox ? [{ url: outbox, kind: "outbox" as const }] : []),
  ];
  if (found.length === 0)
    throw new CliError(
      "no dead-letter queue: pass --queue URL (and --outbox-queue URL), or set AUTOPILOT_DEAD_LETTER_QUEUE_URL (`sst deploy` prints deadLetterQueue and outboxDeadLetterQueue)",
    );
  return found;
}

function checkFlow(flow: string | undefined): void {
  if (flow !== undefined && !FLOW_NAMES.includes(flow))
    throw new CliError(`unknown flow '${flow}'; flows: ${FLOW_NAMES.join(", ")}`);
}

async function list(
  sqs: SQSClient,
  options: DlqOptions,
  flow?: string,
): Promise<{ letters: Array<DeadLetter & { queue: string }>; stoppedAt: string[] }> {
  const letters: Array<DeadLetter & { queue: string }> = [];
  const stoppedAt: string[] = [];
  for (const queue of queues(options)) {
    const read = await readDeadLetters(sqs, queue.url, MAX_LETTERS);
    if (read.length >= MAX_LETTERS) stoppedAt.push(queue.kind);
    for (const letter of read) letters.push({ ...letter, queue: queue.kind });
  }
  return { letters: letters.filter((l) => flow === undefined || l.flow === flow), stoppedAt };
}

const eventId = (letter: DeadLetter) =>
  letter.event && typeof letter.event.id === "string" ? letter.event.id : letter.label;

/**
 * `ecs-autopilot dlq list [flow]`: every dead letter (events that failed their schema or every
 * retry, Slack messages that were never taken), with the flow, the reason and the event — read
 * without taking them off the queue.
 */
export async function dlqList(
  flow: string | undefined,
  options: DlqOptions,
  clients?: AwsClients,
): Promise<string> {
  checkFlow(flow);
  const aws = clients ?? createAwsClients();
  const { letters, stoppedAt } = await list(aws.sqs, options, flow);
  if (options.format === "json")
    return JSON.stringify(
      letters.map(({ receiptHandle: _, body: __, ...rest }) => rest),
      null,
      2,
    );
  if (letters.length === 0) return `no dead letters${flow ? ` for ${flow}` : ""}`;
  return [
    ...letters.map(
      (l) =>
        `${(l.flow ?? "?").padEnd(13)} ${l.source.padEnd(20)} ${(l.sentAt ?? "").padEnd(24)} ${eventId(l) || l.messageId}  ${l.reason}`,
    ),
    ...stoppedAt.map((kind) => `(the ${kind} queue was read up to ${MAX_LETTERS} letters; it may hold more)`),
    `${letters.length} dead letter(s)`,
  ].join("\n");
}

/**
 * `ecs-autopilot dlq redrive <flow> [--dry-run]`: replays each of the flow's dead letters through
 * the same handler (idempotently: an event already handled is answered from its record) and
 * removes it from the queue when the replay succeeds; a failed replay leaves it there. A replay
 * succeeds only when its Slack messages reached Slack (posted once by their ids, as the Notify
 * function posts them); with no Slack target here, only with `--print-messages`. A letter that
 * cannot be taken off the queue (gone since it was listed) is a failure too. With `--dry-run`,
 * the handler prints its plan and nothing changes, the letters stay.
 */
export async function dlqRedrive(
  flow: string,
  options: DlqOptions,
  clients?: AwsClients,
): Promise<{ output: string; exitCode: number }> {
  checkFlow(flow);
  const aws = clients ?? createAwsClients();
  const lines: string[] = [];
  let failed = 0;
  for (const queue of queues(options)) {
    const read = await readDeadLetters(aws.sqs, queue.url, MAX_LETTERS);
    if (read.length >= MAX_LETTERS)
      lines.push(
        `(the ${queue.kind} queue was read up to ${MAX_LETTERS} letters; run redrive again for the rest)`,
      );
    for (const found of read.filter((l) => l.flow === flow)) {
      const name = eventId(found) || found.messageId;
      if (options.dryRun) {
        if (found.source === "outbox" || !found.event) {
          lines.push(`would redrive ${name}: ${found.reason}`);
          continue;
        }
        try {
          const { response } = await invokeEvent(
            flow,
            found.event,
            { ...options, dryRun: true, source: name },
            aws,
          );
          lines.push(`would redrive ${name}: ${JSON.stringify(response)}`);
        } catch (error) {
          lines.push(`would fail ${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
        continue;
      }
      if (found.source === "outbox" && !slackConfigured() && !options.printMessages) {
        // Printing the message here and deleting the letter would lose it for Slack.
        failed++;
        lines.push(`not redriven ${name}: ${NO_SLACK_TARGET}; left in the queue`);
        continue;
      }
      let letter: DeadLetter | undefined;
      try {
        letter = await takeDeadLetter(aws.sqs, queue.url, found.messageId);
      } catch (error) {
        failed++;
        lines.push(
          `failed ${name}: could not take it off the queue: ${error instanceof Error ? error.message : String(error)}`,
        );
        continue;
      }
      if (!letter) {
        // Deleted since it was listed (redriven by someone else?), or held by another reader now.
        failed++;
        lines.push(
          `failed ${name}: no longer in the queue (deleted since it was listed, or being read by someone else); not redriven`,
        );
        continue;
      }
      try {
        if (letter.source === "outbox") {
          const tableName = options.table ?? process.env.AUTOPILOT_STATE_TABLE ?? "";
          const runtime = createRuntime("notify", {
            clients: aws,
            tableName,
            // Asked for: printed here and counted as posted.
            ...(slackConfigured() ? {} : { notifier: TerminalNotifier.toStderr() }),
          });
          // A dead letter was received (and maybe posted, its reply lost) before: a bot-token
          // notifier reads the channel back from when it was first queued before posting it. A
          // standard queue's message keeps its enqueue time when it moves to the DLQ (SQS
          // Developer Guide, "Setting-up dead-letter queue retention").
          const sent = letter.sentAt ? Date.parse(letter.sentAt) : Number.NaN;
          const record = {
            messageId: letter.messageId,
            body: letter.body,
            attributes: {
              ApproximateReceiveCount: "2",
              ...(Number.isFinite(sent) ? { SentTimestamp: String(sent) } : {}),
            },
          };
          const result = await postOutbox([record], {
            state: new StateTable(aws.documents, tableName),
            notifierFor: runtime.notifierFor,
            log: runtime.log,
            owner: `dlq-redrive-${letter.messageId}`,
          });
          if (result.batchItemFailures.length > 0) throw new Error("Slack did not take the message");
          lines.push(
            `redriven ${name}: ${slackConfigured() ? "posted" : "printed here, counted as posted (--print-messages)"}`,
          );
        } else {
          if (!letter.event) throw new Error("the dead letter holds no event to replay");
          const { response, exitCode } = await invokeEvent(
            flow,
            letter.event,
            { ...options, source: name, requireDelivery: true },
            aws,
          );
          if (exitCode !== EXIT.ok) throw new Error(JSON.stringify(response));
          lines.push(`redriven ${name}: ${JSON.stringify(response)}`);
        }
        await removeDeadLetter(aws.sqs, queue.url, letter);
      } catch (error) {
        failed++;
        lines.push(
          `failed ${name}: ${error instanceof Error ? error.message : String(error)} (left in the queue)`,
        );
        await returnDeadLetter(aws.sqs, queue.url, letter);
      }
    }
  }
  if (lines.length === 0) lines.push(`no dead letters for ${flow}`);
  return { output: lines.join("\n"), exitCode: failed > 0 ? EXIT.failed : EXIT.ok };
}
