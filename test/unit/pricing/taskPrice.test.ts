import { describe, expect, it } from "vitest";
import { ec2TaskPrice, fargateTaskPrice } from "../../../core/pricing/taskPrice.ts";

// Every figure below is a row of the bundled tables (core/pricing/data, sources in SOURCES.md):
// fargate.tsv eu-west-1 x86_64 on-demand 0.04048 $/vCPU-h, 0.004445 $/GB-h (theuves/fgcalc@dac946d, 2026-09-29);
// fargate.tsv eu-west-1 arm64 on-demand 0.03238, 0.00356 (ligoj/plugin-prov-aws@fe58e06, 2022-08-18);
// ec2_ondemand.tsv eu-west-1 c5.xlarge 0.192 $/h (vantage-sh/ec2instances.info@a19cd85, 2024-04-04).
const C5_XLARGE = { cpu: 4096, memory: 7482 };

describe("taskPrice: what one task costs per hour", () => {
  it("prices a Fargate x86_64 task as vCPU-hours plus GB-hours, with the row's source", () => {
    expect(fargateTaskPrice("eu-west-1", "X86_64", 1024, 2048)).toEqual({
      taskHourly: expect.closeTo(1 * 0.04048 + 2 * 0.004445, 12),
      sizeLabel: "1 vCPU / 2 GB Fargate x86_64 eu-west-1",
      source: expect.objectContaining({
        what: "Fargate On-Demand x86_64",
        region: "eu-west-1",
        source: expect.stringMatching(/^theuves\/fgcalc@dac946d/),
        asOf: "2026-09-29",
      }),
    });
  });

  it("prices an arm64 task at the arm64 rate and labels it arm64; GB rounded to two places", () => {
    expect(fargateTaskPrice("eu-west-1", "ARM64", 512, 1536)).toMatchObject({
      taskHourly: expect.closeTo(0.5 * 0.03238 + 1.5 * 0.00356, 12),
      sizeLabel: "0.5 vCPU / 1.5 GB Fargate arm64 eu-west-1",
      source: { source: expect.stringMatching(/^ligoj\/plugin-prov-aws@fe58e06/), asOf: "2022-08-18" },
    });
    // 1000 MiB is 0.9765625 GB: the label says 0.98; the price uses the exact figure.
    expect(fargateTaskPrice("eu-west-1", "X86_64", 256, 1000)).toMatchObject({
      taskHourly: expect.closeTo(0.25 * 0.04048 + (1000 / 1024) * 0.004445, 12),
      sizeLabel: "0.25 vCPU / 0.98 GB Fargate x86_64 eu-west-1",
    });
  });

  it("has no Fargate price where no table has the region and architecture", () => {
    expect(fargateTaskPrice("eu-central-1", "ARM64", 256, 512)).toBeUndefined();
  });

  it("prices an EC2 task at the larger of its CPU and memory shares of the instance", () => {
    // Memory is the larger share: 3741 of 7482 MiB is 0.5, CPU 512 of 4096 only 0.125.
    expect(ec2TaskPrice("eu-west-1", "c5.xlarge", C5_XLARGE, { cpu: 512, memory: 3741 })).toEqual({
      taskHourly: expect.closeTo(0.5 * 0.192, 12),
      sizeLabel: "0.5 of a c5.xlarge (EC2 On-Demand) eu-west-1",
      source: expect.objectContaining({
        what: "EC2 On-Demand Linux",
        region: "eu-west-1",
        source: expect.stringMatching(/^vantage-sh\/ec2instances\.info@a19cd85/),
        asOf: "2024-04-04",
      }),
    });
    // CPU is the larger share: 1024 of 3072 units; the label rounds the share to three places.
    expect(
      ec2TaskPrice("eu-west-1", "c5.xlarge", { cpu: 3072, memory: 7482 }, { cpu: 1024, memory: 512 }),
    ).toMatchObject({
      taskHourly: expect.closeTo(0.192 / 3, 12),
      sizeLabel: "0.333 of a c5.xlarge (EC2 On-Demand) eu-west-1",
    });
  });

  it("has no EC2 price for a type no table has, or an instance that registered nothing", () => {
    expect(ec2TaskPrice("eu-west-1", "m6i.metal", C5_XLARGE, { cpu: 512, memory: 512 })).toBeUndefined();
    expect(
      ec2TaskPrice("eu-west-1", "c5.xlarge", { cpu: 0, memory: 7482 }, { cpu: 512, memory: 512 }),
    ).toBeUndefined();
    expect(
      ec2TaskPrice("eu-west-1", "c5.xlarge", { cpu: 4096, memory: 0 }, { cpu: 512, memory: 512 }),
    ).toBeUndefined();
  });
});
