export type { Notifier, PostContext } from "./Notifier.ts";
export { OutboxMessage } from "./OutboxMessage.ts";
export {
  CLOCK_MARGIN_MS,
  MESSAGE_EVENT_TYPE,
  SlackApi,
  SlackApiError,
  type SlackApiFailure,
  type SlackApiOptions,
  type SlackApiTarget,
} from "./SlackApi.ts";
export { type Block, escapeMrkdwn, LIMITS, type SlackMessage } from "./SlackMessage.ts";
export {
  SLACK_POST_WORST_CASE_MS,
  SlackWebhook,
  SlackWebhookError,
  type SlackWebhookOptions,
} from "./SlackWebhook.ts";
export { renderPlainText, TerminalNotifier } from "./TerminalNotifier.ts";
export {
  BOT_TOKEN_FORM,
  LOG_INSTEAD,
  SLACK_API_URL,
  WebhookSecretError,
  type WebhookTarget,
  webhookTarget,
} from "./webhookSecret.ts";
