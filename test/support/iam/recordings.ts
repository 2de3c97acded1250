/**
 * Where the suite's recorded AWS authorizations live (test/setup/recordAwsCalls.ts writes them,
 * test/proof/iamCalls.test.ts reads them), and which run they belong to.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");

/** The recordings folder; a spawned suite gets its own through `AUTOPILOT_AWS_CALLS_DIR`. */
export const callsDir = (): string =>
  process.env.AUTOPILOT_AWS_CALLS_DIR ?? join(ROOT, "reports", "aws-calls");

/** Names that stand for the stack's own resources in the recordings. */
export const OWN = {
  stateTable: "STATE-TABLE",
  deadLetterQueue: "DEAD-LETTER-QUEUE",
  outboxQueue: "SLACK-OUTBOX",
} as const;

/** One recorded authorization (or a call the model does not know). */
export interface RecordedAuthorization {
  readonly fn: string;
  readonly op: string;
  readonly file: string;
  readonly action?: string;
  readonly resource?: string;
  readonly context?: Record<string, string | string[]>;
  readonly region?: string;
  readonly unmodelled?: string;
}

/** Empties the folder and marks the run (called by the global setup, in vitest's main process). */
export function startRecording(): void {
  const dir = callsDir();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "run.json"),
    JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }),
  );
}

/** The pid of vitest's main process that recorded into `dir`, if any. */
export function recordingRun(dir = callsDir()): number | undefined {
  const marker = join(dir, "run.json");
  if (!existsSync(marker)) return undefined;
  return (JSON.parse(readFileSync(marker, "utf8")) as { pid: number }).pid;
}

/** Every recorded authorization in `dir`, deduplicated. */
export function readRecordings(dir = callsDir()): RecordedAuthorization[] {
  if (!existsSync(dir)) return [];
  const lines = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".jsonl")))
    for (const line of readFileSync(join(dir, name), "utf8").split("\n")) if (line.trim()) lines.add(line);
  return [...lines].map((line) => JSON.parse(line) as RecordedAuthorization);
}
