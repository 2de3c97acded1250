export { ApiCallCounter } from "./ApiCallCounter.ts";
export { type AwsClientOptions, type AwsClients, createAwsClients, USER_AGENT } from "./clients.ts";
export { chunk, mapWithConcurrency } from "./concurrency.ts";
