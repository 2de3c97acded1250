export { OutboxMessage } from "./OutboxMessage.ts";
export { type Block, escapeMrkdwn, LIMITS, type SlackMessage } from "./SlackMessage.ts";
export { type Notifier, SlackWebhook, SlackWebhookError, type SlackWebhookOptions } from "./SlackWebhook.ts";
export { renderPlainText, TerminalNotifier } from "./TerminalNotifier.ts";
