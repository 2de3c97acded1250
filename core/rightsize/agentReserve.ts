import { type AgentReserve, DEFAULT_AGENT_RESERVE, type InstanceShape } from "./binPacking.ts";

/**
 * The agent reserve bin-packing uses for an instance type: where a cluster of the account runs the
 * type, what ECS registered for it (`registeredMemory`, MiB by instance type, from
 * DescribeContainerInstances) as a share of the nominal memory; else {@link DEFAULT_AGENT_RESERVE},
 * an estimate. A registered figure above the nominal memory is not believed (the estimate is used).
 *
 * @example
 * agentReserveOf(new Map([["m5.large", 7680]]), { instanceType: "m5.large", memory: 8192, … });
 * // { overheadFraction: 0.0625, reservedMemory: 0, basis: "registered" }
 */
export function agentReserveOf(
  registeredMemory: ReadonlyMap<string, number>,
  instance: InstanceShape,
): AgentReserve {
  const registered = registeredMemory.get(instance.instanceType);
  return registered && registered <= instance.memory
    ? { overheadFraction: 1 - registered / instance.memory, reservedMemory: 0, basis: "registered" }
    : DEFAULT_AGENT_RESERVE;
}
