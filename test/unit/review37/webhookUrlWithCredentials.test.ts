/**
 * Review 37 (issue 11, Must shows 6 and 8): a webhook URL that carries a user name or password.
 *
 * fetch refuses every URL with credentials ("Request cannot be constructed from a URL that
 * includes credentials"), so such a webhook can never post. A bot-token secret whose `api` base
 * carries them is refused when the secret is read (webhookSecret.ts: "which fetch cannot send"),
 * naming the secret; a webhook URL with them is taken. Every message then fails in Notify as a
 * retryable "network error" (a WARN, not the error-level "Slack refuses the channel's secret"), is
 * retried for hours and parked in the DLQ — and the monitor's/redeploy's check of the default
 * channel's secret before acting (runtime.flowContext) lets the flow act first. The decision the
 * secret's own check makes for `api` belongs to the webhook URL too: refused at read, naming the
 * secret and the problem, never the value.
 */
import { describe, expect, it } from "vitest";
import { WebhookSecretError, webhookTarget } from "../../../core/notify/index.ts";

const VALUE = "https://proxyuser:Pr0xyPassw0rd@hooks.slack.com/services/T0R37/B0R37/R37webhookSecretXyz12345";

describe("a webhook URL with a user name or password (review 37)", () => {
  it("is refused when the secret is read, naming the secret, never the value", () => {
    let caught: unknown;
    try {
      webhookTarget("SlackWebhookUrl", VALUE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookSecretError);
    expect((caught as WebhookSecretError).message).toContain(
      "secret SlackWebhookUrl is not usable: it carries a user name or password",
    );
    const text = `${String(caught)} ${JSON.stringify(caught)} ${(caught as Error).stack ?? ""}`;
    for (const part of ["Pr0xyPassw0rd", "proxyuser", "R37webhookSecretXyz12345"])
      expect(text).not.toContain(part);
  });
});
