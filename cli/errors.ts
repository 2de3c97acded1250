import { AutopilotError } from "../core/errors.ts";
/** Exit codes users script against. */
export const EXIT = {
  ok: 0,
  /** The flow ran and something in it failed (a service could not be redeployed). */
  failed: 1,
  /** Bad arguments, unreadable or non-JSON files, invalid config. */
  usage: 2,
  /** The event does not match its schema; nothing in AWS changed. */
  invalidEvent: 3,
} as const;

/** An error the CLI reports as one line with an exit code. */
export class CliError extends AutopilotError {
  override readonly name = "CliError";
  readonly code = "cli-usage";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}
