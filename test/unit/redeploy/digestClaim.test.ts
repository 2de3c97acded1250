import { describe, expect, it } from "vitest";
import { DIGEST_CLAIM_SECONDS, replacedSince } from "../../../core/redeploy/digestClaim.ts";

const td = (familyRevision: string) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${familyRevision}`;

describe("a done roll-out's record", () => {
  it("is kept for exactly 24 hours", () => {
    expect(DIGEST_CLAIM_SECONDS).toBe(86_400);
  });
});

describe("replacedSince: a push of a digest deployed earlier is new work only if the service ran a later revision since", () => {
  it("is new work when the service runs a later revision of the family than the one the roll-out registered", () => {
    expect(replacedSince(td("docs:2"), td("docs:3"))).toBe(true);
    // Revisions compare as numbers, not text: 10 is later than 9.
    expect(replacedSince(td("docs:9"), td("docs:10"))).toBe(true);
  });

  it("is a duplicate when the service still runs the revision the roll-out registered", () => {
    expect(replacedSince(td("docs:3"), td("docs:3"))).toBe(false);
  });

  it("is a duplicate when the service runs an earlier revision (the roll-out rolled back)", () => {
    expect(replacedSince(td("docs:3"), td("docs:2"))).toBe(false);
    expect(replacedSince(td("docs:10"), td("docs:9"))).toBe(false);
  });

  it("is a duplicate when the service now runs another family, whatever its revision", () => {
    expect(replacedSince(td("docs:2"), td("docs-v2:3"))).toBe(false);
    expect(replacedSince(td("docs-v2:2"), td("docs:3"))).toBe(false);
  });

  it("is a duplicate when the record does not say which revision the roll-out registered", () => {
    expect(replacedSince(undefined, td("docs:3"))).toBe(false);
  });
});
