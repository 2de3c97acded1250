import { describe, expect, it } from "vitest";
import { mergeTags } from "../../../core/ecs/index.ts";

describe("mergeTags", () => {
  it("keeps what the containers run (image tag, last version) and replaces the other autopilot tags", () => {
    const current = {
      team: "shop",
      "autopilot:image-tag:web": "main",
      "autopilot:last-version:web": "1.2.3",
      "autopilot:source-event": "e-1",
      "autopilot:rightsized-from": "1024/2048",
    };
    // A copy that does not touch the image (right-sizing) must not forget the last version `any` compares with.
    expect(mergeTags(current, { "autopilot:rightsized-from": "512/1024" })).toEqual([
      { key: "team", value: "shop" },
      { key: "autopilot:image-tag:web", value: "main" },
      { key: "autopilot:last-version:web", value: "1.2.3" },
      { key: "autopilot:rightsized-from", value: "512/1024" },
    ]);
  });
});
