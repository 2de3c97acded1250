import { describe, expect, it } from "vitest";
import { EcrImageActionEvent } from "../../../core/events/schemas.ts";
import { notAPush } from "../../../core/redeploy/pushEvent.ts";
import { loadFixture } from "../../support/fixtures.ts";

const push = EcrImageActionEvent.parse(loadFixture("ecr-image-action-push.json"));
const deletion = EcrImageActionEvent.parse(loadFixture("ecr-image-action-delete.json"));
const failed = (event: EcrImageActionEvent): EcrImageActionEvent => ({
  ...event,
  detail: { ...event.detail, result: "FAILURE" },
});

describe("notAPush: which ECR Image Action events the redeploy acts on", () => {
  it("acts on a successful push", () => {
    expect(notAPush(push)).toBeUndefined();
  });

  it("says why it ignores a DELETE (before its result) and a failed push", () => {
    expect(notAPush(deletion)).toBe("ECR DELETE event: only pushes are redeployed");
    expect(notAPush(failed(deletion))).toBe("ECR DELETE event: only pushes are redeployed");
    expect(notAPush(failed(push))).toBe("the push did not succeed (FAILURE)");
  });
});
