export { OutboxMessage } from "./OutboxMessage.ts";
export { type Block, escapeMrkdwn, LIMITS, type SlackMessage } from "./SlackMessage.ts";
export {
  type Notifier,
  SLACK_POST_WORST_CASE_MS,
  SlackWebhook,
  SlackWebhookError,
  type SlackWebhookOptions,
} from "./SlackWebhook.ts";
export { renderPlainText, TerminalNotifier } from "./TerminalNotifier.ts";
export { LOG_INSTEAD, WebhookSecretError, type WebhookTarget, webhookTarget } from "./webhookSecret.ts";
