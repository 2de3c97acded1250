import { type EC2Client, paginateDescribeInstanceTypes } from "@aws-sdk/client-ec2";
import type { InstanceShape } from "./binPacking.ts";

/** Instance shapes from DescribeInstanceTypes (vCPUs, memory, architecture), in batches of 100. */
export async function describeInstanceShapes(
  ec2: EC2Client,
  instanceTypes: readonly string[],
): Promise<InstanceShape[]> {
  const shapes: InstanceShape[] = [];
  // DescribeInstanceTypes without InstanceTypes lists every type there is: nothing to describe.
  if (instanceTypes.length === 0) return shapes;
  for (let i = 0; i < instanceTypes.length; i += 100) {
    const batch = instanceTypes.slice(i, i + 100) as never[];
    for await (const page of paginateDescribeInstanceTypes({ client: ec2 }, { InstanceTypes: batch })) {
      for (const type of page.InstanceTypes ?? []) {
        const architectures = type.ProcessorInfo?.SupportedArchitectures ?? [];
        shapes.push({
          instanceType: type.InstanceType ?? "",
          vcpus: type.VCpuInfo?.DefaultVCpus ?? 0,
          memory: type.MemoryInfo?.SizeInMiB ?? 0,
          architecture: architectures.includes("arm64") ? "arm64" : "x86_64",
        });
      }
    }
  }
  return shapes.sort((a, b) => a.instanceType.localeCompare(b.instanceType));
}
