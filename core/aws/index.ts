export {
  type ApiCall,
  ApiCallCounter,
  type ApiCallObserver,
  currentFunctionScope,
  observeApiCalls,
  withFunctionScope,
} from "./ApiCallCounter.ts";
export { type AwsClientOptions, type AwsClients, createAwsClients, USER_AGENT } from "./clients.ts";
export { chunk, mapWithConcurrency } from "./concurrency.ts";
