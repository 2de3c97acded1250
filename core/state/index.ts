export { createStateTable } from "./createStateTable.ts";
export {
  DEPLOYMENT_RECORD_SECONDS,
  findRedeployment,
  type RedeploymentRecord,
  recordRedeployments,
} from "./deployments.ts";
export {
  fittedPartitionKey,
  type ItemKey,
  type KeyPrefix,
  type KeyRange,
  MAX_PARTITION_KEY_BYTES,
  STATE_TABLE_KEYS,
  stateKeys,
} from "./keys.ts";
export {
  acquireLease,
  completeLease,
  type LeaseAcquisition,
  type LeaseItem,
  releaseLease,
} from "./leases.ts";
export { takeRateToken } from "./rateLimit.ts";
export {
  DEAD_LETTER_RETENTION_SECONDS,
  EVENTBRIDGE_RETRY_SECONDS,
  LAMBDA_RETRY_SECONDS,
  REDRIVE_HORIZON_SECONDS,
} from "./redriveHorizon.ts";
export { StateIncompleteError } from "./StateIncompleteError.ts";
export {
  type BatchOptions,
  type StateItem,
  StateTable,
  type StateWrite,
  type TransactItem,
} from "./StateTable.ts";
export {
  readStopStats,
  recordStopStats,
  STOP_STATS_DAYS,
  type StopStats,
  stopStatsUpdate,
} from "./stopStats.ts";
export { ABSENT_OR_EXPIRED, epochSeconds, expiresIn, isLive } from "./ttl.ts";
