import { AutopilotError } from "../errors.ts";
import type { SourceLocation } from "./types.ts";

/** A file that cannot be read, does not parse, or holds nothing the policy checks. */
export class PolicyInputError extends AutopilotError {
  override readonly name: string = "PolicyInputError";
  readonly code = "policy-input-invalid";
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly location?: SourceLocation,
  ) {
    super(`${file}${location ? `:${location.line}:${location.column}` : ""}: ${problem}`);
  }
}
