import { describe, expect, it } from "vitest";
import { agentReserveOf } from "../../../core/rightsize/agentReserve.ts";
import { DEFAULT_AGENT_RESERVE, type InstanceShape } from "../../../core/rightsize/binPacking.ts";

// The one documented registration: an m4.large (8 GiB) on the ECS-optimized AMI registers 7985 MiB
// (AWS Batch User Guide, "Compute resource memory management"; see KERNEL_SHARE in binPacking.ts).
const M4_LARGE: InstanceShape = { instanceType: "m4.large", vcpus: 2, memory: 8192, architecture: "x86_64" };

describe("agentReserveOf: the agent reserve bin-packing uses for an instance type", () => {
  it("uses what ECS registered for the type where a cluster runs it", () => {
    expect(agentReserveOf(new Map([["m4.large", 7985]]), M4_LARGE)).toEqual({
      overheadFraction: 1 - 7985 / 8192,
      reservedMemory: 0,
      basis: "registered",
    });
    // All of the nominal memory registered: no overhead, still the registered figure.
    expect(agentReserveOf(new Map([["m4.large", 8192]]), M4_LARGE)).toEqual({
      overheadFraction: 0,
      reservedMemory: 0,
      basis: "registered",
    });
  });

  it("falls back to the estimate for a type no cluster runs, nothing registered, or more than the type has", () => {
    expect(agentReserveOf(new Map([["m5.large", 7985]]), M4_LARGE)).toBe(DEFAULT_AGENT_RESERVE);
    expect(agentReserveOf(new Map([["m4.large", 0]]), M4_LARGE)).toBe(DEFAULT_AGENT_RESERVE);
    expect(agentReserveOf(new Map([["m4.large", 8193]]), M4_LARGE)).toBe(DEFAULT_AGENT_RESERVE);
    expect(DEFAULT_AGENT_RESERVE.basis).toBe("estimated");
  });
});
