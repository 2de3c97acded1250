import { describe, expect, it } from "vitest";
import type { PriceSource } from "../../../core/pricing/PriceSource.ts";
import {
  bundledPriceBook,
  CANDIDATE_FAMILIES,
  candidateInstanceTypes,
  fargateSpotRate,
  liveInstanceTypes,
  livePriceBookFrom,
  type PriceBook,
  priceBookFromJson,
} from "../../../core/rightsize/priceBook.ts";

/**
 * Every figure here is a bundled one (core/pricing/data, SOURCES.md says where each came from):
 * eu-west-1 Fargate x86 $0.04048/vCPU-hour and $0.004445/GB-hour (theuves/fgcalc, 2026-09-29),
 * arm64 $0.03238 / $0.00356 (ligoj offer rows, 2022-08-18), Spot x86 $0.01225536 / $0.00134573,
 * ephemeral storage $0.000122/GB-hour; us-east-1 EC2 m5.large $0.096/hour (Karpenter's table of
 * Pricing API figures, generated 2026-07-20), Fargate from the AmazonECS offer file published
 * 2025-08-28 (opencost's test data).
 */
const EU_X86 = { vcpuHour: 0.04048, gbHour: 0.004445 };
const EU_ARM = { vcpuHour: 0.03238, gbHour: 0.00356 };
const EU_SPOT = { vcpuHour: 0.01225536, gbHour: 0.00134573 };
const US_X86 = { vcpuHour: 0.04048, gbHour: 0.004445 };
const US_ARM = { vcpuHour: 0.03238, gbHour: 0.00356 };

const EC2_INFO =
  "vantage-sh/ec2instances.info@a19cd859f0591c40bead51230996dcfc8c468071:opszero-app/instances.json";
const FGCALC = "theuves/fgcalc@dac946d62837b73542cbac2e6e29a9427ae9b2a5:src/utils/data.js";
const LIGOJ =
  "ligoj/plugin-prov-aws@fe58e0609d16339d7fc903169ee4bf09220ad191:src/test/resources/mock-server/aws/offers/v1.0/aws/AmazonECS/current/eu-west-1/index.csv";

const CANDIDATES = (families: readonly string[], without: readonly string[] = []) =>
  families
    .flatMap((f) => ["2xlarge", "4xlarge", "8xlarge", "large", "xlarge"].map((s) => `${f}.${s}`))
    .filter((t) => !without.includes(t));

describe("candidateInstanceTypes: the EC2 types a recommendation considers", () => {
  it("is every bundled large to 8xlarge of the general, compute and memory families, sorted", () => {
    // eu-west-1 prices every one of them but c5.8xlarge (c5 goes 4xlarge, 9xlarge).
    expect(candidateInstanceTypes(bundledPriceBook("eu-west-1"))).toEqual([
      ...CANDIDATES(["c5"], ["c5.8xlarge"]),
      ...CANDIDATES([
        "c6g",
        "c6i",
        "c7g",
        "c7i",
        "m5",
        "m6g",
        "m6i",
        "m7g",
        "m7i",
        "r5",
        "r6g",
        "r6i",
        "r7g",
        "r7i",
      ]),
    ]);
    expect(CANDIDATE_FAMILIES).toEqual([
      "m5",
      "c5",
      "r5",
      "m6i",
      "c6i",
      "r6i",
      "m7i",
      "c7i",
      "r7i",
      "m6g",
      "c6g",
      "r6g",
      "m7g",
      "c7g",
      "r7g",
    ]);
  });

  it("leaves out burstable types, other sizes and other families that the book prices", () => {
    const book = bundledPriceBook("eu-west-1");
    for (const type of [
      "t3.large",
      "t4g.xlarge",
      "m6g.medium",
      "m5.12xlarge",
      "c5.9xlarge",
      "m7i.48xlarge",
    ]) {
      expect(book.ec2.has(type)).toBe(true);
      expect(candidateInstanceTypes(book)).not.toContain(type);
    }
  });

  it("is only the types the book prices (ap-south-2 has no 7th-generation x86)", () => {
    expect(candidateInstanceTypes(bundledPriceBook("ap-south-2"))).toEqual([
      ...CANDIDATES(["c5"], ["c5.8xlarge"]),
      ...CANDIDATES(["c6g", "c6i", "c7g", "m5", "m6g", "m6i", "m7g", "r5", "r6g", "r6i", "r7g"]),
    ]);
    expect(candidateInstanceTypes(bundledPriceBook("mars-1"))).toEqual([]);
  });
});

describe("bundledPriceBook: the bundled prices of a region", () => {
  it("has EC2, Fargate x86 and arm64, Spot x86 and ephemeral storage for eu-west-1, each sourced", () => {
    const book = bundledPriceBook("eu-west-1");
    expect(book.region).toBe("eu-west-1");
    expect(book.fargate).toEqual({ X86_64: EU_X86, ARM64: EU_ARM });
    expect(book.fargateSpot).toEqual({ X86_64: EU_SPOT });
    expect(book.fargateEphemeralGbHour).toBe(0.000122);
    expect(book.ec2.get("m6i.xlarge")).toBe(0.214);
    expect(book.ec2.size).toBe(140);
    expect((book.sources ?? []).map((s) => [s.what, s.source, s.asOf])).toEqual([
      ["EC2 On-Demand Linux", EC2_INFO, "2024-04-04"],
      ["Fargate On-Demand x86_64", FGCALC, "2026-09-29"],
      ["Fargate On-Demand arm64", LIGOJ, "2022-08-18"],
      ["Fargate Spot x86_64", FGCALC, "2026-09-29"],
      ["Fargate ephemeral storage", LIGOJ, "2022-08-18"],
    ]);
    expect(book.source).toBe(
      "bundled: EC2 On-Demand Linux vantage-sh/ec2instances.info@a19cd85:opszero-app/instances.json (2024-04-04); " +
        "Fargate On-Demand x86_64 theuves/fgcalc@dac946d:src/utils/data.js (2026-09-29); " +
        "Fargate On-Demand arm64 ligoj/plugin-prov-aws@fe58e06:src/test/resources/mock-server/aws/offers/v1.0/aws/AmazonECS/current/eu-west-1/index.csv (2022-08-18); " +
        "Fargate Spot x86_64 theuves/fgcalc@dac946d:src/utils/data.js (2026-09-29); " +
        "Fargate ephemeral storage ligoj/plugin-prov-aws@fe58e06:src/test/resources/mock-server/aws/offers/v1.0/aws/AmazonECS/current/eu-west-1/index.csv (2022-08-18)",
    );
  });

  it("has only what is bundled: EC2 alone for ap-south-2", () => {
    const book = bundledPriceBook("ap-south-2");
    expect({ ...book, ec2: book.ec2.size }).toStrictEqual({
      region: "ap-south-2",
      fargate: {},
      fargateSpot: {},
      ec2: 113,
      sources: [
        {
          what: "EC2 On-Demand Linux",
          region: "ap-south-2",
          source: EC2_INFO,
          asOf: "2024-04-04",
          caveat:
            "third-party snapshot (ec2instances.info via an opsZero pull request, not on main); check today's price before acting",
        },
      ],
      source:
        "bundled: EC2 On-Demand Linux vantage-sh/ec2instances.info@a19cd85:opszero-app/instances.json (2024-04-04)",
    });
  });

  it("is an empty book that says so for a region without bundled prices", () => {
    const book = bundledPriceBook("mars-1");
    expect({ ...book, ec2: book.ec2.size }).toStrictEqual({
      region: "mars-1",
      fargate: {},
      fargateSpot: {},
      ec2: 0,
      sources: [],
      source: "bundled: no prices for mars-1",
    });
  });

  it("names a source shared by several figures once per figure kind in its line", () => {
    // us-east-1: Fargate x86, arm64 and ephemeral storage all come from one AmazonECS offer file.
    expect(bundledPriceBook("us-east-1").source).toBe(
      "bundled: EC2 On-Demand Linux aws/karpenter-provider-aws@6fc13b5:pkg/providers/pricing/zz_generated.pricing_aws.go (2026-07-20); " +
        "Fargate On-Demand x86_64 opencost/opencost@c656118:pkg/cloud/aws/testdata/ecs-pricing-us-east-1.json (2025-08-28); " +
        "Fargate On-Demand arm64 opencost/opencost@c656118:pkg/cloud/aws/testdata/ecs-pricing-us-east-1.json (2025-08-28); " +
        "Fargate Spot x86_64 theuves/fgcalc@dac946d:src/utils/data.js (2026-09-29); " +
        "Fargate ephemeral storage opencost/opencost@c656118:pkg/cloud/aws/testdata/ecs-pricing-us-east-1.json (2025-08-28)",
    );
  });
});

describe("liveInstanceTypes: what a live book asks the Pricing API for", () => {
  it("is the region's bundled candidates", () => {
    expect(liveInstanceTypes(bundledPriceBook("ap-south-2"))).toEqual(
      candidateInstanceTypes(bundledPriceBook("ap-south-2")),
    );
    expect(liveInstanceTypes(bundledPriceBook("ap-south-2"))).toHaveLength(59);
  });

  it("is us-east-1's candidates for a region without bundled EC2 prices", () => {
    expect(liveInstanceTypes(bundledPriceBook("mars-1"))).toEqual(
      candidateInstanceTypes(bundledPriceBook("us-east-1")),
    );
    expect(liveInstanceTypes(bundledPriceBook("mars-1"))).toHaveLength(74);
  });
});

describe("livePriceBookFrom: the Pricing API's answers, with the bundled prices where it has none", () => {
  const bundled = bundledPriceBook("us-east-1");
  const what = (book: PriceBook) => (book.sources ?? []).map((s) => [s.what, s.source, s.asOf, s.dateDetail]);
  const apiSource = (w: string, date: string, detail = true): PriceSource => ({
    what: w,
    region: "us-east-1",
    source: "AWS Pricing API GetProducts",
    asOf: date,
    ...(detail ? { dateDetail: `price list published ${date}` } : {}),
  });

  it("takes the API's EC2 and Fargate prices, dated by their price lists, and bundled Spot and storage", () => {
    const ec2 = new Map([["m5.large", 0.096]]);
    const book = livePriceBookFrom(
      bundled,
      {
        fargate: { rates: { X86_64: US_X86, ARM64: US_ARM }, publicationDate: "2025-08-28" },
        ec2: { prices: ec2, publicationDate: "2026-07-20" },
      },
      "2026-11-27",
    );
    expect(book.region).toBe("us-east-1");
    expect(book.ec2).toBe(ec2);
    expect(book.fargate).toEqual({ X86_64: US_X86, ARM64: US_ARM });
    expect(book.fargateSpot).toEqual(bundled.fargateSpot);
    expect(book.fargateEphemeralGbHour).toBe(0.000111);
    expect(book.sources).toEqual([
      apiSource("EC2 On-Demand Linux", "2026-07-20"),
      apiSource("Fargate On-Demand x86_64", "2025-08-28"),
      apiSource("Fargate On-Demand arm64", "2025-08-28"),
      ...(bundled.sources ?? []).filter(
        (s) => s.what === "Fargate Spot x86_64" || s.what === "Fargate ephemeral storage",
      ),
    ]);
    expect(what(book).slice(3)).toEqual([
      [
        "Fargate Spot x86_64",
        FGCALC,
        "2026-09-29",
        "2026-09-29T21:41Z (file header: Fargate Spot feed snapshot; spot rates float)",
      ],
      [
        "Fargate ephemeral storage",
        "opencost/opencost@c65611842eb964d85a1593d260ca0e1fb384b65a:pkg/cloud/aws/testdata/ecs-pricing-us-east-1.json",
        "2025-08-28",
        "2025-08-28 (AWS AmazonECS offer version 20250828172723; effectiveDate 2025-08-01)",
      ],
    ]);
    expect(book.source).toBe(
      "AWS Pricing API GetProducts and bundled: EC2 On-Demand Linux AWS Pricing API GetProducts (2026-07-20); " +
        "Fargate On-Demand x86_64 AWS Pricing API GetProducts (2025-08-28); " +
        "Fargate On-Demand arm64 AWS Pricing API GetProducts (2025-08-28); " +
        "Fargate Spot x86_64 theuves/fgcalc@dac946d:src/utils/data.js (2026-09-29); " +
        "Fargate ephemeral storage opencost/opencost@c656118:pkg/cloud/aws/testdata/ecs-pricing-us-east-1.json (2025-08-28)",
    );
  });

  it("keeps the bundled EC2 prices and their source when the API priced no instance type", () => {
    const book = livePriceBookFrom(
      bundled,
      {
        fargate: { rates: { X86_64: US_X86, ARM64: US_ARM }, publicationDate: "2025-08-28" },
        ec2: { prices: new Map() },
      },
      "2026-11-27",
    );
    expect(book.ec2).toBe(bundled.ec2);
    expect(what(book)[0]).toEqual([
      "EC2 On-Demand Linux",
      "aws/karpenter-provider-aws@6fc13b5236fd04fd16ff3f9dc7490d0813994099:pkg/providers/pricing/zz_generated.pricing_aws.go",
      "2026-07-20",
      undefined,
    ]);
    expect(what(book).map(([w]) => w)).toEqual([
      "EC2 On-Demand Linux",
      "Fargate On-Demand x86_64",
      "Fargate On-Demand arm64",
      "Fargate Spot x86_64",
      "Fargate ephemeral storage",
    ]);
  });

  it("keeps the bundled rate and source of a Fargate architecture the API did not price", () => {
    const arm = livePriceBookFrom(
      bundled,
      { fargate: { rates: { ARM64: US_ARM }, publicationDate: "2025-08-28" }, ec2: { prices: new Map() } },
      "2026-11-27",
    );
    expect(arm.fargate).toEqual({ X86_64: bundled.fargate.X86_64, ARM64: US_ARM });
    expect(what(arm).map(([w, s]) => [w, s])).toEqual([
      ["EC2 On-Demand Linux", expect.stringMatching(/^aws\/karpenter-provider-aws@/)],
      ["Fargate On-Demand arm64", "AWS Pricing API GetProducts"],
      [
        "Fargate On-Demand x86_64",
        "opencost/opencost@c65611842eb964d85a1593d260ca0e1fb384b65a:pkg/cloud/aws/testdata/ecs-pricing-us-east-1.json",
      ],
      ["Fargate Spot x86_64", FGCALC],
      ["Fargate ephemeral storage", expect.stringMatching(/^opencost\/opencost@/)],
    ]);
    const x86 = livePriceBookFrom(
      bundled,
      { fargate: { rates: { X86_64: US_X86 } }, ec2: { prices: new Map() } },
      "2026-11-27",
    );
    expect(what(x86).map(([w, s]) => [w, s?.slice(0, 16)])).toEqual([
      ["EC2 On-Demand Linux", "aws/karpenter-pr"],
      ["Fargate On-Demand x86_64", "AWS Pricing API "],
      ["Fargate On-Demand arm64", "opencost/opencos"],
      ["Fargate Spot x86_64", "theuves/fgcalc@d"],
      ["Fargate ephemeral storage", "opencost/opencos"],
    ]);
  });

  it("dates an answer without a publication date today, with no date detail", () => {
    const book = livePriceBookFrom(
      bundled,
      { fargate: { rates: { X86_64: US_X86 } }, ec2: { prices: new Map([["m5.large", 0.096]]) } },
      "2026-11-27",
    );
    expect((book.sources ?? []).slice(0, 2)).toStrictEqual([
      apiSource("EC2 On-Demand Linux", "2026-11-27", false),
      apiSource("Fargate On-Demand x86_64", "2026-11-27", false),
    ]);
  });

  it("has no Spot or storage source, and no storage price, where none is bundled", () => {
    const book = livePriceBookFrom(
      bundledPriceBook("ap-south-2"),
      { fargate: { rates: {} }, ec2: { prices: new Map() } },
      "2026-11-27",
    );
    expect({ ...book, ec2: book.ec2.size }).toStrictEqual({
      region: "ap-south-2",
      fargate: {},
      fargateSpot: {},
      ec2: 113,
      sources: bundledPriceBook("ap-south-2").sources,
      source:
        "AWS Pricing API GetProducts and bundled: EC2 On-Demand Linux vantage-sh/ec2instances.info@a19cd85:opszero-app/instances.json (2024-04-04)",
    });
  });
});

describe("priceBookFromJson: what a price file says", () => {
  it("is the file's prices, its source and date for each kind of figure it gives", () => {
    const book = priceBookFromJson("eu-west-1", {
      fargate: { X86_64: EU_X86 },
      fargateSpot: { X86_64: EU_SPOT },
      ec2: { "m6i.large": 0.107 },
      source: "AWS Price List Bulk API",
      asOf: "2026-11-01",
    });
    expect({ ...book, ec2: [...book.ec2] }).toStrictEqual({
      region: "eu-west-1",
      fargate: { X86_64: EU_X86 },
      fargateSpot: { X86_64: EU_SPOT },
      ec2: [["m6i.large", 0.107]],
      sources: ["EC2 On-Demand Linux", "Fargate On-Demand", "Fargate Spot"].map((w) => ({
        what: w,
        region: "eu-west-1",
        source: "AWS Price List Bulk API",
        asOf: "2026-11-01",
        caveat: "from a price file",
      })),
      source: "AWS Price List Bulk API",
    });
  });

  it("says a file without a source or date is one, and names only what it prices", () => {
    const book = priceBookFromJson("eu-west-1", { fargate: { ARM64: EU_ARM } });
    expect({ ...book, ec2: [...book.ec2] }).toStrictEqual({
      region: "eu-west-1",
      fargate: { ARM64: EU_ARM },
      ec2: [],
      sources: [
        {
          what: "Fargate On-Demand",
          region: "eu-west-1",
          source: "price file",
          asOf: "unknown",
          caveat: "from a price file that gives no date (asOf)",
        },
      ],
      source: "price file",
    });
    expect(priceBookFromJson("eu-west-1", {}).sources).toEqual([]);
  });

  it("keeps a Spot discount, and names Spot as priced by it", () => {
    // AWS: Fargate Spot runs "at up to a 70% discount off the Fargate price" (aws.amazon.com/fargate/pricing).
    const book = priceBookFromJson("eu-west-1", { fargate: { X86_64: EU_X86 }, fargateSpotDiscount: 0.7 });
    expect(book.fargateSpotDiscount).toBe(0.7);
    expect(book.fargateSpot).toBeUndefined();
    expect((book.sources ?? []).map((s) => s.what)).toEqual(["Fargate On-Demand", "Fargate Spot"]);
    expect(priceBookFromJson("eu-west-1", { fargateSpotDiscount: 0 }).fargateSpotDiscount).toBe(0);
  });

  it("takes a file naming the fleet's region", () => {
    expect(
      priceBookFromJson("eu-west-1", { region: "eu-west-1", ec2: { "m5.large": 0.107 } }).ec2.get("m5.large"),
    ).toBe(0.107);
  });

  it("refuses what is not a price file, naming the field and the rule", () => {
    const refusal = (value: unknown) => {
      try {
        priceBookFromJson("eu-west-1", value);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refusal("prices")).toMatch(/^\(top level\): /);
    expect(refusal({ ec2: { m6ilarge: 0.107 } })).toBe("ec2.m6ilarge: an instance type such as m6i.large");
    expect(refusal({ ec2: { "m6i.large": 0 } })).toMatch(/^ec2\.m6i\.large: /);
    // An RDS instance class copied by mistake is not an EC2 instance type, at either end.
    expect(refusal({ ec2: { "db.m6i.large": 0.107 } })).toBe(
      "ec2.db.m6i.large: an instance type such as m6i.large",
    );
    expect(refusal({ asOf: "1 Nov 2026" })).toBe("asOf: a date YYYY-MM-DD");
    // A publication timestamp, or a date with a space pasted before it, is not a date.
    expect(refusal({ asOf: "2026-11-01T00:00:00Z" })).toBe("asOf: a date YYYY-MM-DD");
    expect(refusal({ asOf: " 2026-11-01" })).toBe("asOf: a date YYYY-MM-DD");
    expect(refusal({ fargateSpotDiscount: 1.5 })).toMatch(/^fargateSpotDiscount: /);
    expect(refusal({ fargate: { X86_64: { vcpuHour: 0.04048 } } })).toMatch(/^fargate\.X86_64\.gbHour: /);
    expect(refusal({ fargate: { X86_64: EU_X86 }, spot: 0.7 })).toMatch(/^\(top level\): /);
  });
});

describe("fargateSpotRate: the Fargate Spot rate of a book", () => {
  it("is the book's sourced Spot rate", () => {
    expect(fargateSpotRate(bundledPriceBook("eu-west-1"))).toEqual(EU_SPOT);
  });

  it("is the file's discount off the x86 On-Demand rate when the book has no Spot rate", () => {
    const rate = fargateSpotRate(
      priceBookFromJson("eu-west-1", { fargate: { X86_64: EU_X86 }, fargateSpotDiscount: 0.7 }),
    );
    expect(rate?.vcpuHour).toBeCloseTo(0.04048 * 0.3, 12);
    expect(rate?.gbHour).toBeCloseTo(0.004445 * 0.3, 12);
  });

  it("is undefined without a Spot rate, or without a discount, or without an x86 On-Demand rate", () => {
    expect(fargateSpotRate(bundledPriceBook("ap-south-2"))).toBeUndefined();
    expect(fargateSpotRate(priceBookFromJson("eu-west-1", { fargate: { X86_64: EU_X86 } }))).toBeUndefined();
    expect(
      fargateSpotRate(
        priceBookFromJson("eu-west-1", { fargate: { ARM64: EU_ARM }, fargateSpotDiscount: 0.7 }),
      ),
    ).toBeUndefined();
  });

  it("is the On-Demand rate itself with a discount of 0", () => {
    expect(
      fargateSpotRate(
        priceBookFromJson("eu-west-1", { fargate: { X86_64: EU_X86 }, fargateSpotDiscount: 0 }),
      ),
    ).toEqual(EU_X86);
  });
});
