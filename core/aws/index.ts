export {
  type ApiCall,
  ApiCallCounter,
  type ApiCallObserver,
  currentFunctionScope,
  observeApiCalls,
  withFunctionScope,
} from "./ApiCallCounter.ts";
export { ALL_CLIENT_CLASSES, createAwsClients } from "./allClients.ts";
export {
  type AwsClientClasses,
  type AwsClientOptions,
  type AwsClients,
  buildAwsClients,
  ClientNotBundledError,
  USER_AGENT,
} from "./clients.ts";
export { chunk, mapWithConcurrency } from "./concurrency.ts";
