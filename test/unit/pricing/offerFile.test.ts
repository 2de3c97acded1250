import { createReadStream, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import {
  csvFields,
  fargateDimension,
  notEc2LinuxOnDemand,
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
