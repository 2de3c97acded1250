export { capacityHint } from "./capacityHint.ts";
export { classifyStop, type StopClass, type StopClassification, taskStopping } from "./classifyStop.ts";
export { logStreamLink, serviceLink, taskLink } from "./consoleLinks.ts";
export {
  AGENT_GRACE_MINUTES,
  monitorContainerInstanceStateChange,
  tasksThatStay,
} from "./containerInstanceEvent.ts";
export { MonitorLookups } from "./MonitorLookups.ts";
export { type Incident, MonitorState, type StopStats } from "./MonitorState.ts";
export {
  type MonitorContext,
  type MonitorResult,
  monitorDeploymentStateChange,
  monitorServiceAction,
  monitorTaskStateChange,
} from "./monitorEvent.ts";
export { DEFAULT_WEBHOOK, routeFor } from "./routeFor.ts";
export { type MonitorEvent, MonitorLookupsCache, type MonitorSummary, runMonitor } from "./runMonitor.ts";
export { type Subject, subjectOfServiceArn, subjectOfTask } from "./subjects.ts";
export {
  type InstanceNow,
  planAgentSweep,
  type SweepDecision,
  sweepAgentDisconnects,
} from "./sweepAgentDisconnects.ts";
