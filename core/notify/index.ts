export {
  crashLoopMessage,
  type DeploymentImages,
  deploymentMessage,
  firstStopMessage,
  type Link,
  recoveredMessage,
  serviceActionMessage,
} from "./monitorMessages.ts";
export { policyAuditMessage, policyEventMessage } from "./policyMessages.ts";
export { redeployMessage } from "./redeployMessage.ts";
export { rightsizeMessage } from "./rightsizeMessage.ts";
export { type Block, escapeMrkdwn, LIMITS, type SlackMessage } from "./SlackMessage.ts";
export { type Notifier, SlackWebhook, SlackWebhookError, type SlackWebhookOptions } from "./SlackWebhook.ts";
export { invalidScheduleMessage, scheduleChangedMessage } from "./scheduleMessages.ts";
export { renderPlainText, TerminalNotifier } from "./TerminalNotifier.ts";
