/**
 * The runtime of a Lambda entry that reads the central config (every function but notify):
 * {@link createRuntimeWith} with the loader that checks the config against the flows' languages.
 */
import { loadValidConfig } from "../core/validateConfig.ts";
import { createRuntimeWith, type FlowRuntime, type RuntimeOverrides } from "./baseRuntime.ts";

export * from "./baseRuntime.ts";

/**
 * Builds the runtime from the environment; nothing is called until a handler runs, and nothing
 * here throws: a bad secret or config is reported by the invocation that needs it, naming it.
 */
export function createRuntime(flow: string, overrides: RuntimeOverrides = {}): FlowRuntime {
  return createRuntimeWith(loadValidConfig, flow, overrides);
}
