/**
 * The base of every error ecs-autopilot raises on purpose. Callers match on the class (or on
 * `code`, which is stable and machine-readable), never on `name` strings; each subclass carries
 * the context needed to act on it (the file, JSON path, spec or service it is about).
 *
 * | code | class | where |
 * | --- | --- | --- |
 * | `config-invalid` | ConfigError | core/config |
 * | `config-unavailable` | ConfigUnavailableError | core/config |
 * | `tag-policy-invalid` | TagPolicyError | core/tagPolicy |
 * | `pattern-invalid` | PatternError | core/tagPolicy |
 * | `image-facts-unavailable` | ImageFactsError | core/redeploy |
 * | `schedule-invalid` | ScheduleError | core/schedule |
 * | `policy-input-invalid` | PolicyInputError | core/policy |
 * | `policy-input-invalid` | ModulesNotExpandedError (a PolicyInputError: Terraform that only calls modules) | core/policy |
 * | `event-invalid` | InvalidEventError | runtime |
 * | `slack-delivery-failed` | SlackWebhookError | core/notify |
 * | `slack-api-failed` | SlackApiError (kind: config, rejected, unavailable, read-back) | core/notify |
 * | `secret-invalid` | WebhookSecretError | core/notify |
 * | `state-incomplete` | StateIncompleteError | core/state |
 * | `price-offer-invalid` | OfferFileError | core/pricing |
 * | `price-file-invalid` | PriceFileError | core/rightsize |
 * | `rollout-failed` | RollOutError | core/ecs |
 * | `redeploy-failed` | RedeployFailedError | core/redeploy |
 * | `schedule-apply-failed` | ScheduleApplyError | core/schedule |
 * | `rightsize-apply-failed` | RightsizeApplyError | core/rightsize |
 * | `policy-unchecked` | PolicyUncheckedError | core/policy |
 * | `policy-rollback-deferred` | PolicyRollbackDeferredError | core/policy |
 * | `event-in-progress` | EventInProgressError | runtime |
 * | `delivery-failed` | DeliveryError | runtime |
 * | `cli-usage` | CliError | cli |
 *
 * @example
 * try { parseConfig(text, "autopilot.config.json") }
 * catch (error) { if (error instanceof AutopilotError) console.error(error.code, error.message) }
 */
export abstract class AutopilotError extends Error {
  /** Stable identifier of the failure kind. */
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // Subclasses set `name` as a class field; this covers any that do not.
    this.name = new.target.name;
  }
}

/** One line naming an error: its name and message; for non-errors, their string form. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
