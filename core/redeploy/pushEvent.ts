import type { EcrImageActionEvent } from "../events/schemas.ts";

/**
 * Why an "ECR Image Action" event is not a push to act on (a DELETE, a failed push), or
 * undefined when it is one. The deployed rule only delivers successful pushes; this guards
 * local invocations and rules edited by hand.
 */
export function notAPush(event: EcrImageActionEvent): string | undefined {
  const { "action-type": action, result } = event.detail;
  if (action !== "PUSH") return `ECR ${action} event: only pushes are redeployed`;
  if (result !== "SUCCESS") return `the push did not succeed (${result})`;
  return undefined;
}
