import { describe, expect, it } from "vitest";

describe("test runtime", () => {
  it("runs on Node 22, the major of the Lambda runtime the functions are deployed on (nodejs22.x)", () => {
    expect(process.versions.node.split(".")[0]).toBe("22");
  });
});
