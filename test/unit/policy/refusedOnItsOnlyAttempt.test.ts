/**
 * When an AWS error surely means "nothing was changed" (core/policy/applyPolicyActions.ts): only
 * a 4xx that answered the call's one attempt. After retries, an earlier attempt may have reached
 * AWS and lost its reply; a 5xx or no answer may hide a call that was taken.
 */
import { describe, expect, it } from "vitest";
import { refusedOnItsOnlyAttempt } from "../../../core/policy/applyPolicyActions.ts";

const error = (metadata?: { httpStatusCode?: number; attempts?: number }) =>
  Object.assign(new Error("x"), metadata ? { $metadata: metadata } : {});

describe("refusedOnItsOnlyAttempt", () => {
  it("is a refusal: a 4xx on the one attempt (or with no attempt count, as a plain SDK error)", () => {
    expect(refusedOnItsOnlyAttempt(error({ httpStatusCode: 400, attempts: 1 }))).toBe(true);
    expect(refusedOnItsOnlyAttempt(error({ httpStatusCode: 499, attempts: 1 }))).toBe(true);
    expect(refusedOnItsOnlyAttempt(error({ httpStatusCode: 403 }))).toBe(true);
  });

  it("is not: a 4xx after retries, a 5xx (500 included) even on one attempt (the retry quota spent), no answer", () => {
    expect(refusedOnItsOnlyAttempt(error({ httpStatusCode: 400, attempts: 2 }))).toBe(false);
    expect(refusedOnItsOnlyAttempt(error({ httpStatusCode: 500, attempts: 1 }))).toBe(false);
    expect(refusedOnItsOnlyAttempt(error({ httpStatusCode: 503, attempts: 1 }))).toBe(false);
    expect(refusedOnItsOnlyAttempt(error({ attempts: 1 }))).toBe(false);
    expect(refusedOnItsOnlyAttempt(error())).toBe(false);
    expect(refusedOnItsOnlyAttempt(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(
      false,
    );
  });
});
