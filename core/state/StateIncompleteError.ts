import { AutopilotError } from "../errors.ts";

/**
 * A batch read or write of the state table still had unprocessed items when its deadline passed
 * (DynamoDB throttling that did not let up). Nothing is assumed written: the caller's invocation
 * fails and is retried.
 */
export class StateIncompleteError extends AutopilotError {
  override readonly name = "StateIncompleteError";
  readonly code = "state-incomplete";
  constructor(
    readonly operation: "BatchGetItem" | "BatchWriteItem",
    readonly unprocessed: number,
    readonly attempts: number,
  ) {
    super(`${operation} left ${unprocessed} items unprocessed after ${attempts} attempts`);
  }
}
