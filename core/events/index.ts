export { matchesPattern, rulesMatching } from "./match.ts";
export * from "./rules.ts";
export * from "./schemas.ts";
