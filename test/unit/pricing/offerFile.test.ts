import { createReadStream, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import {
  csvFields,
  fargateDimension,
  notEc2LinuxOnDemand,
  notInRegion,
  OfferFileError,
  type OfferPrice,
  readCsvOffer,
  readJsonOffer,
} from "../../../core/pricing/offerFile.ts";

const FIXTURES = resolve(import.meta.dirname, "..", "..", "fixtures", "pricing");
const fixture = (file: string) => readFileSync(resolve(FIXTURES, file), "utf8");
const lines = (file: string) =>
  createInterface({ input: createReadStream(resolve(FIXTURES, file)), crlfDelay: Number.POSITIVE_INFINITY });

describe("AWS Price List Bulk API offer files", () => {
  it("reads the Fargate rates of an unmodified AmazonECS offer (us-east-1, 2025-08-28)", () => {
    const { header, prices } = readJsonOffer(fixture("AmazonECS-us-east-1-20250828.json"));
    expect(header).toEqual({
      offerCode: "AmazonECS",
      version: "20250828172723",
      publicationDate: "2025-08-28T17:27:23Z",
    });
    // 12 products; the ECS Anywhere "WithFree" product has two price dimensions.
    expect(prices).toHaveLength(13);
    const fargate = prices.flatMap((p) => {
      const kind = fargateDimension(p);
      return kind ? [[`${kind.architecture}:${kind.dimension}`, p.usd]] : [];
    });
    // The same figures the bundled us-east-1 table carries from this file.
    expect(Object.fromEntries(fargate)).toEqual({
      "x86_64:vcpu": 0.04048,
      "x86_64:gb": 0.004445,
      "arm64:vcpu": 0.03238,
      "arm64:gb": 0.00356,
      "x86_64:ephemeral-storage": 0.000111,
    });
    // Windows, ECS Anywhere and the zero-priced EC2 metering rows price no Linux Fargate task.
    const ignored = prices.filter((p) => !fargateDimension(p)).map((p) => p.attributes.usagetype);
    expect(ignored.sort()).toEqual([
      "USE1-ECS-Anywhere-Instance-hours",
      "USE1-ECS-Anywhere-Instance-hours-WithFree",
      "USE1-ECS-Anywhere-Instance-hours-WithFree",
      "USE1-ECS-EC2-GB-Hours",
      "USE1-ECS-EC2-vCPU-Hours",
      "USE1-Fargate-Windows-GB-Hours",
      "USE1-Fargate-Windows-OS-Hours:perCPU",
      "USE1-Fargate-Windows-vCPU-Hours:perCPU",
    ]);
  });

  it("keeps an On-Demand Linux instance of an AmazonEC2 offer and refuses its Capacity Block twin", () => {
    const { header, prices } = readJsonOffer(fixture("AmazonEC2-us-east-1-two-products.json"));
    expect(header.publicationDate).toBe("2024-05-28T20:35:22Z");
    const verdicts = prices.map((p) => [p.sku, p.attributes.instanceType, p.usd, notEc2LinuxOnDemand(p)]);
    expect(verdicts).toEqual([
      ["H7NGEAC6UEHNTKSJ", "p4d.24xlarge", 32.7726, undefined],
      ["YSXJGN78QTXNVGDQ", "p4d.24xlarge", 0, "operation RunInstances:CB"],
    ]);
  });

  it("streams a CSV offer: metadata, header, quoted fields with commas, and refuses every near miss", async () => {
    const rows: OfferPrice[] = [];
    const header = await readCsvOffer(lines("AmazonEC2-global-head-20250912.csv"), (p) => rows.push(p));
    expect(header).toEqual({
      offerCode: "AmazonEC2",
      version: "20250912225308",
      publicationDate: "2025-09-12T22:53:08Z",
    });
    expect(rows).toHaveLength(44);
    const onDemand = rows.find((r) => r.sku === "2223B6PCG6QAUYY6" && r.termType === "OnDemand");
    expect(onDemand).toMatchObject({
      productFamily: "Compute Instance",
      unit: "Hrs",
      usd: 0.2773,
      attributes: {
        instanceType: "c6i.large",
        operatingSystem: "Windows",
        tenancy: "Dedicated",
        preInstalledSw: "SQL Web",
        regionCode: "ap-northeast-1",
        operation: "RunInstances:0202",
      },
    });
    // Not one of these rows is a Linux, shared-tenancy, On-Demand instance-hour price, each for its reason.
    const reasons = new Map<string, number>();
    for (const row of rows) {
      const reason = notEc2LinuxOnDemand(row) ?? "accepted";
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    expect(Object.fromEntries(reasons)).toEqual({
      "term Reserved": 30,
      "operating system Windows": 4,
      "operating system RHEL": 3,
      "operating system Red Hat Enterprise Linux with HA": 2,
      "operating system SUSE": 1,
      "operating system Ubuntu Pro": 1,
      "product family Compute Instance (bare metal)": 2,
      // Linux on a dedicated host is not shared tenancy.
      "tenancy Host": 1,
    });
  });

  it("parses RFC 4180 fields and says when a quoted field is still open", () => {
    expect(csvFields('"a, b","c ""d""",,e')).toEqual(["a, b", 'c "d"', "", "e"]);
    expect(csvFields('"open, still')).toBeUndefined();
  });

  it("refuses what is not an offer file, naming it", async () => {
    expect(() => readJsonOffer("{}", "index.json")).toThrow(OfferFileError);
    // The code the CLI and the price update report (AutopilotError).
    expect(() => readJsonOffer("{}", "index.json")).toThrow(
      expect.objectContaining({ code: "price-offer-invalid" }),
    );
    expect(() => readJsonOffer("<html>", "index.json")).toThrow(/index.json: not JSON/);
    async function* text() {
      yield "SKU,TermType";
      yield "A,OnDemand,extra";
    }
    await expect(readCsvOffer(text(), () => {}, "index.csv")).rejects.toThrow(
      "index.csv:2: 3 fields, the header has 2",
    );
  });
});

/** Lines of a CSV offer, as readline hands them over. */
async function* csv(...text: string[]) {
  yield* text;
}

/** The CSV's metadata lines, as AWS writes them (AmazonEC2-global-head-20250912.csv). */
const META = [
  '"FormatVersion","v1.0"',
  '"Publication Date","2025-09-12T22:53:08Z"',
  '"Version","20250912225308"',
  '"OfferCode","AmazonEC2"',
];

describe("offer file headers: what is an AWS offer file", () => {
  const json = (header: Record<string, string>) => JSON.stringify({ ...header, products: {}, terms: {} });
  const valid = {
    offerCode: "AmazonECS",
    version: "20250828172723",
    publicationDate: "2025-08-28T17:27:23Z",
  };

  it("names the file and the three header fields it needs", () => {
    expect(readJsonOffer(json(valid)).header).toEqual(valid);
    expect(() => readJsonOffer(json({ ...valid, offerCode: "" }), "index.json")).toThrow(
      "index.json: not an AWS offer file (offerCode '', version '20250828172723', publicationDate '2025-08-28T17:27:23Z')",
    );
    expect(() => readJsonOffer(json({ ...valid, version: "" }), "index.json")).toThrow(
      "index.json: not an AWS offer file (offerCode 'AmazonECS', version '', publicationDate '2025-08-28T17:27:23Z')",
    );
    expect(() => readJsonOffer(json({ offerCode: "AmazonECS", version: "20250828172723" }))).toThrow(
      "offer file: not an AWS offer file (offerCode 'AmazonECS', version '20250828172723', publicationDate 'undefined')",
    );
  });

  it("wants the publication date to start with a YYYY-MM-DD date", () => {
    for (const publicationDate of [
      "28 Aug 2025",
      "2025-8-28T17:27:23Z",
      "2025-08-2T17:27:23Z",
      "25-08-28T17:27:23Z",
      "x2025-08-28T17:27:23Z",
    ])
      expect(() => readJsonOffer(json({ ...valid, publicationDate }))).toThrow(
        `offer file: not an AWS offer file (offerCode 'AmazonECS', version '20250828172723', publicationDate '${publicationDate}')`,
      );
    expect(readJsonOffer(json({ ...valid, publicationDate: "2025-08-28" })).header.publicationDate).toBe(
      "2025-08-28",
    );
  });

  it("reads the header of a CSV offer from its metadata lines, and refuses one without them", async () => {
    expect(await readCsvOffer(csv(...META, '"SKU","TermType"'), () => {})).toEqual({
      offerCode: "AmazonEC2",
      version: "20250912225308",
      publicationDate: "2025-09-12T22:53:08Z",
    });
    await expect(
      readCsvOffer(csv(...META.slice(0, 3), '"SKU","TermType"'), () => {}, "index.csv"),
    ).rejects.toThrow(
      "index.csv: not an AWS offer file (offerCode 'undefined', version '20250912225308', publicationDate '2025-09-12T22:53:08Z')",
    );
    await expect(readCsvOffer(csv(...META), () => {}, "index.csv")).rejects.toThrow(
      "index.csv: no header row (SKU, …)",
    );
    await expect(readCsvOffer(csv(...META), () => {})).rejects.toThrow("offer file: no header row (SKU, …)");
    await expect(readCsvOffer(csv('"FormatVersion"', '"SKU"'), () => {}, "index.csv")).rejects.toThrow(
      "index.csv:1: expected metadata lines and a header starting with SKU",
    );
    await expect(readCsvOffer(csv(...META, '"SKU","TermType"', '"A"'), () => {})).rejects.toThrow(
      "offer file:6: 1 fields, the header has 2",
    );
  });
});

describe("offer file rows: one OfferPrice per price dimension", () => {
  it("reads a JSON product and its On-Demand dimension whole", () => {
    const { prices } = readJsonOffer(fixture("AmazonEC2-us-east-1-two-products.json"));
    const { attributes, ...price } = prices[0] as OfferPrice;
    expect(price).toEqual({
      sku: "H7NGEAC6UEHNTKSJ",
      productFamily: "Compute Instance",
      termType: "OnDemand",
      unit: "Hrs",
      usd: 32.7726,
      beginRange: "0",
    });
    expect(attributes).toMatchObject({
      instanceType: "p4d.24xlarge",
      regionCode: "us-east-1",
      operation: "RunInstances",
    });
  });

  it("skips a term whose product is not in the file, and leaves a field AWS left out empty", () => {
    const offer = {
      offerCode: "AmazonEC2",
      version: "20240528203522",
      publicationDate: "2024-05-28T20:35:22Z",
      products: { KEPT: {} },
      terms: {
        OnDemand: {
          GONE: { t: { priceDimensions: { d: {} } } },
          KEPT: { t: { priceDimensions: { d: {} } } },
        },
      },
    };
    expect(readJsonOffer(JSON.stringify(offer)).prices).toEqual([
      {
        sku: "KEPT",
        productFamily: "",
        attributes: {},
        termType: "OnDemand",
        unit: "",
        usd: Number.NaN,
        beginRange: "",
      },
    ]);
    // No terms or no products: no prices.
    expect(readJsonOffer(JSON.stringify({ ...offer, terms: {} })).prices).toEqual([]);
    expect(readJsonOffer(JSON.stringify({ ...offer, terms: undefined })).prices).toEqual([]);
    expect(readJsonOffer(JSON.stringify({ ...offer, products: undefined })).prices).toEqual([]);
    expect(
      readJsonOffer(JSON.stringify({ ...offer, terms: { OnDemand: { KEPT: { t: {} } } } })).prices,
    ).toEqual([]);
  });

  it("maps a CSV row's columns to the attribute names the JSON format uses, and no other", async () => {
    const rows: OfferPrice[] = [];
    await readCsvOffer(lines("AmazonEC2-global-head-20250912.csv"), (p) => rows.push(p));
    const onDemand = rows.find((r) => r.sku === "2223B6PCG6QAUYY6" && r.termType === "OnDemand");
    expect(onDemand).toEqual({
      sku: "2223B6PCG6QAUYY6",
      productFamily: "Compute Instance",
      attributes: {
        instanceType: "c6i.large",
        operatingSystem: "Windows",
        tenancy: "Dedicated",
        preInstalledSw: "SQL Web",
        capacitystatus: "Used",
        operation: "RunInstances:0202",
        marketoption: "OnDemand",
        regionCode: "ap-northeast-1",
        locationType: "AWS Region",
        usagetype: "APN1-DedicatedUsage:c6i.large",
        licenseModel: "No License required",
      },
      termType: "OnDemand",
      unit: "Hrs",
      usd: 0.2773,
      beginRange: "0",
    });
  });

  it("reads a quoted field that runs over lines, a CRLF line end, and CPU Architecture", async () => {
    const rows: OfferPrice[] = [];
    await readCsvOffer(
      csv(
        ...META,
        '"SKU","TermType","PriceDescription","CPU Architecture","PricePerUnit"',
        // The price of H7NGEAC6UEHNTKSJ (AmazonEC2-us-east-1-two-products.json).
        '"H7NGEAC6UEHNTKSJ","OnDemand","first line',
        'second line","x86_64","32.7726"\r',
      ),
      (p) => rows.push(p),
    );
    expect(rows).toEqual([
      {
        sku: "H7NGEAC6UEHNTKSJ",
        productFamily: "",
        attributes: { cpuArchitecture: "x86_64" },
        termType: "OnDemand",
        unit: "",
        usd: 32.7726,
        beginRange: "",
      },
    ]);
    // A file without a TermType column has rows of no term (none of them On-Demand).
    const termless: OfferPrice[] = [];
    await readCsvOffer(csv(...META, '"SKU","PricePerUnit"', '"H7NGEAC6UEHNTKSJ","32.7726"'), (p) =>
      termless.push(p),
    );
    expect(termless.map((p) => [p.termType, notEc2LinuxOnDemand(p)])).toEqual([["", "term "]]);
    expect(csvFields('a,"b"\r')).toEqual(["a", "b"]);
    expect(csvFields('"x""')).toBeUndefined();
    // A carriage return inside a quoted field is data: only the line's own end is dropped.
    expect(csvFields('a,"b\rc"')).toEqual(["a", "b\rc"]);
  });
});

describe("which rows price an EC2 Linux On-Demand instance-hour in the region itself", () => {
  // The accepted row of AmazonEC2-us-east-1-two-products.json, one attribute changed at a time.
  const linux = () => readJsonOffer(fixture("AmazonEC2-us-east-1-two-products.json")).prices[0] as OfferPrice;
  const withAttribute = (name: string, value: string | undefined) => {
    const price = linux();
    const attributes: Record<string, string> = { ...price.attributes };
    if (value === undefined) delete attributes[name];
    else attributes[name] = value;
    return { ...price, attributes };
  };

  it("names the first thing a row is not", () => {
    expect(notEc2LinuxOnDemand(linux())).toBeUndefined();
    expect(notEc2LinuxOnDemand({ ...linux(), termType: "Reserved" })).toBe("term Reserved");
    expect(notEc2LinuxOnDemand({ ...linux(), productFamily: "Dedicated Host" })).toBe(
      "product family Dedicated Host",
    );
    expect(notEc2LinuxOnDemand(withAttribute("operatingSystem", "RHEL"))).toBe("operating system RHEL");
    expect(notEc2LinuxOnDemand(withAttribute("tenancy", "Dedicated"))).toBe("tenancy Dedicated");
    expect(notEc2LinuxOnDemand(withAttribute("preInstalledSw", "SQL Web"))).toBe(
      "pre-installed software SQL Web",
    );
    expect(notEc2LinuxOnDemand(withAttribute("capacitystatus", "UnusedCapacityReservation"))).toBe(
      "capacity status UnusedCapacityReservation",
    );
    expect(notEc2LinuxOnDemand(withAttribute("operation", "RunInstances:0002"))).toBe(
      "operation RunInstances:0002",
    );
    expect(notEc2LinuxOnDemand(withAttribute("marketoption", "CapacityBlock"))).toBe(
      "market option CapacityBlock",
    );
    expect(notEc2LinuxOnDemand({ ...linux(), unit: "Quantity" })).toBe("unit Quantity");
  });

  it("takes a row without a market option (older files), and refuses a price that is not a positive number", () => {
    expect(notEc2LinuxOnDemand(withAttribute("marketoption", undefined))).toBeUndefined();
    expect(notEc2LinuxOnDemand({ ...linux(), usd: 0 })).toBe("price 0");
    expect(notEc2LinuxOnDemand({ ...linux(), usd: Number.NaN })).toBe("price NaN");
    expect(notEc2LinuxOnDemand({ ...linux(), usd: Number.POSITIVE_INFINITY })).toBe("price Infinity");
  });

  it("keeps the region's own rows, not another region's or a Local Zone's", () => {
    expect(notInRegion(linux(), "us-east-1")).toBeUndefined();
    expect(notInRegion(linux(), "us-west-2")).toBe("region code us-east-1");
    expect(notInRegion(withAttribute("regionCode", undefined), "us-east-1")).toBe("region code (none)");
    expect(notInRegion(withAttribute("locationType", "AWS Local Zone"), "us-east-1")).toBe(
      "location type AWS Local Zone",
    );
    // A file without the column (the CSV maps it only when present) takes the region code's word.
    expect(notInRegion(withAttribute("locationType", undefined), "us-east-1")).toBeUndefined();
  });
});

describe("which Fargate dimension an AmazonECS row prices", () => {
  // The x86 vCPU-hour row of the AmazonECS offer, one field changed at a time.
  const vcpu = () =>
    readJsonOffer(fixture("AmazonECS-us-east-1-20250828.json")).prices.find(
      (p) => p.attributes.usagetype === "USE1-Fargate-vCPU-Hours:perCPU",
    ) as OfferPrice;

  it("prices only a positive On-Demand rate", () => {
    expect(fargateDimension(vcpu())).toEqual({ architecture: "x86_64", dimension: "vcpu" });
    expect(fargateDimension({ ...vcpu(), termType: "Reserved" })).toBeUndefined();
    expect(fargateDimension({ ...vcpu(), usd: 0 })).toBeUndefined();
    expect(fargateDimension({ ...vcpu(), usd: Number.NaN })).toBeUndefined();
    expect(fargateDimension({ ...vcpu(), usd: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(fargateDimension({ ...vcpu(), attributes: {} })).toBeUndefined();
  });

  it("wants the usage type to end with the dimension (AWS appends qualifiers such as -WithFree)", () => {
    // USE1-ECS-Anywhere-Instance-hours-WithFree, in the same AmazonECS offer, is such a qualified usage type.
    for (const usagetype of [
      "USE1-Fargate-vCPU-Hours:perCPU-WithFree",
      "USE1-Fargate-ARM-GB-Hours-WithFree",
      "USE1-Fargate-EphemeralStorage-GB-Hours-WithFree",
    ])
      expect(fargateDimension({ ...vcpu(), attributes: { usagetype } }), usagetype).toBeUndefined();
    expect(fargateDimension({ ...vcpu(), attributes: { usagetype: "USE1-Fargate-ARM-GB-Hours" } })).toEqual({
      architecture: "arm64",
      dimension: "gb",
    });
  });
});
