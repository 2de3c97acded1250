import { describe, expect, it } from "vitest";
import { bundledPrices } from "../../../core/pricing/bundledPrices.ts";
import { describePriceSource, priceAgeDays } from "../../../core/pricing/PriceSource.ts";
import { ec2TaskPrice, fargateTaskPrice } from "../../../core/pricing/taskPrice.ts";

const NOW = new Date("2026-11-26T08:00:00Z");

describe("the bundled price tables (core/pricing/data)", () => {
  it("prices EC2 in every bundled region with the row's source and date", () => {
    // Figures as ../shared/pricing/ec2_ondemand.tsv has them; the cross-check file agrees on both.
    expect(bundledPrices.ec2("eu-west-1", "m6i.xlarge")).toMatchObject({
      price: 0.214,
      source: {
        what: "EC2 On-Demand Linux",
        region: "eu-west-1",
        source:
          "vantage-sh/ec2instances.info@a19cd859f0591c40bead51230996dcfc8c468071:opszero-app/instances.json",
        asOf: "2024-04-04",
      },
    });
    expect(bundledPrices.ec2("us-east-1", "m6i.xlarge")).toMatchObject({
      price: 0.192,
      source: { asOf: "2026-07-20", source: expect.stringMatching(/^aws\/karpenter-provider-aws@6fc13b5/) },
    });
    expect(bundledPrices.ec2("eu-west-1", "m6i.metal")).toBeUndefined();
    expect(bundledPrices.regions()).toHaveLength(31);
    expect(bundledPrices.ec2Region("ap-southeast-4").prices.size).toBe(62);
  });

  it("prices Fargate x86 On-Demand and Spot in 22 regions, ARM only where a source has it", () => {
    expect(bundledPrices.fargate("eu-west-1", "ARM64")?.price).toEqual({
      vcpuHour: 0.03238,
      gbHour: 0.00356,
    });
    expect(bundledPrices.fargate("eu-west-1", "ARM64")?.source.caveat).toMatch(/test mock/);
    expect(bundledPrices.fargate("eu-central-1", "ARM64")).toBeUndefined();
    expect(bundledPrices.fargate("eu-central-1", "X86_64")?.price).toEqual({
      vcpuHour: 0.04656,
      gbHour: 0.00511,
    });
    expect(bundledPrices.fargate("eu-west-1", "X86_64", "spot")).toMatchObject({
      price: { vcpuHour: 0.01225536, gbHour: 0.00134573 },
      source: {
        what: "Fargate Spot x86_64",
        asOf: "2026-09-29",
        caveat: expect.stringMatching(/Spot prices float/),
      },
    });
    // Fargate Spot does not run ARM64 tasks, and no table claims otherwise.
    expect(bundledPrices.fargate("us-east-1", "ARM64", "spot")).toBeUndefined();
  });

  it("prices one task: a Fargate size, or its share of the EC2 instance it runs on", () => {
    expect(fargateTaskPrice("us-east-1", "X86_64", 256, 512)).toMatchObject({
      taskHourly: expect.closeTo(0.25 * 0.04048 + 0.5 * 0.004445, 10),
      sizeLabel: "0.25 vCPU / 0.5 GB Fargate x86_64 us-east-1",
    });
    expect(fargateTaskPrice("eu-central-1", "ARM64", 256, 512)).toBeUndefined();
    // 1 vCPU of a 4 vCPU (4096 units) instance is the larger share (memory 1024 of 7482 MiB).
    expect(
      ec2TaskPrice("eu-west-1", "c5.xlarge", { cpu: 4096, memory: 7482 }, { cpu: 1024, memory: 1024 }),
    ).toMatchObject({
      taskHourly: expect.closeTo(0.25 * 0.192, 10),
      sizeLabel: "0.25 of a c5.xlarge (EC2 On-Demand) eu-west-1",
      source: { asOf: "2024-04-04" },
    });
  });

  it("says how old each figure is", () => {
    expect(priceAgeDays("2024-04-04", NOW)).toBe(966);
    const ec2 = bundledPrices.ec2("eu-west-1", "c6i.large")?.source;
    expect(ec2 && describePriceSource(ec2, NOW)).toBe(
      "EC2 On-Demand Linux eu-west-1: vantage-sh/ec2instances.info@a19cd85:opszero-app/instances.json (as of 2024-04-04, 966 days old; third-party snapshot (ec2instances.info via an opsZero pull request, not on main); check today's price before acting)",
    );
  });
});
