import { EVENT_RULES, type EventPattern, type EventRule } from "./rules.ts";

/**
 * Matches an event against the subset of the EventBridge pattern language the rules use
 * (exact string values, nested objects). `ecs-autopilot invoke` uses it to warn when no
 * deployed rule would deliver the event it is given (the sandbox routes through moto's real
 * EventBridge instead); the test suite proves it agrees with moto's matcher on every sample.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (typeof event !== "object" || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = record[field];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => typeof value === "string" && expected.includes(value));
    }
    return matchesPattern(expected as EventPattern, actual);
  });
}

/** The rules whose pattern matches the event, in {@link EVENT_RULES} order. */
export function rulesMatching(event: unknown, rules: readonly EventRule[] = EVENT_RULES): EventRule[] {
  return rules.filter((rule) => matchesPattern(rule.pattern, event));
}
