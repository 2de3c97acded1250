import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const INFRA = resolve(import.meta.dirname, "..", "..", "infra");

export interface OutboxSettings {
  /** Records per Notify invocation (the event source's batch size). */
  readonly batchSize: number;
  /** Whether Lambda honours the Notify function's partial batch responses (ReportBatchItemFailures). */
  readonly partialResponses: boolean;
  /** Receives before a message moves to the outbox's DLQ (the redrive policy's maxReceiveCount). */
  readonly maxReceives: number;
  /** Where each value came from. */
  readonly source: string;
}

/**
 * The outbox as infra/ deploys it: the Notify subscription's batch size and partial responses
 * (infra/notify.ts) and the outbox queue's DLQ retry count (infra/shared.ts). Where infra/ does
 * not say, the defaults of Lambda's SQS event source (batch of 10, partial responses off) and a
 * single receive apply — the harness then reports what it used.
 *
 * @example
 * outboxSettings(); // { batchSize: 5, partialResponses: true, maxReceives: 100, … }
 */
export function outboxSettings(): OutboxSettings {
  const read = (file: string) =>
    existsSync(resolve(INFRA, file)) ? readFileSync(resolve(INFRA, file), "utf8") : "";
  const notify = read("notify.ts");
  const shared = read("shared.ts");
  const subscription = /outbox\.subscribe\([^)]*batch:\s*\{([^}]*)\}/s.exec(notify)?.[1] ?? "";
  const size = /size:\s*(\d+)/.exec(subscription)?.[1];
  const partial = /partialResponses:\s*(true|false)/.exec(subscription)?.[1];
  const queue = /new sst\.aws\.Queue\("AutopilotSlackOutbox",[\s\S]*?dlq:\s*\{[^}]*retry:\s*(\d+)/.exec(
    shared,
  )?.[1];
  return {
    batchSize: size ? Number(size) : 10,
    partialResponses: partial === "true",
    maxReceives: queue ? Number(queue) : 1,
    source: [
      size ? "batch size: infra/notify.ts" : "batch size: Lambda's default (10)",
      partial ? "partial responses: infra/notify.ts" : "partial responses: Lambda's default (off)",
      queue ? "receives: infra/shared.ts" : "receives: 1 (no redrive policy in infra/)",
    ].join("; "),
  };
}
