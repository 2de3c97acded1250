import { PricingClient } from "@aws-sdk/client-pricing";
import { afterEach, describe, expect, it } from "vitest";
import { fetchEc2Hourly, fetchFargateRates } from "../../../core/pricing/pricingApi.ts";
import { type RecordedPost, startRecordingServer } from "../../support/recordingServer.ts";

/** A GetProducts price-list item in the Pricing API's shape (product attributes, OnDemand terms). */
function item(sku: string, attributes: Record<string, string>, usd: string, unit = "hours"): string {
  return JSON.stringify({
    product: {
      productFamily: "Compute",
      attributes: {
        regionCode: "us-east-1",
        servicecode: "AmazonECS",
        locationType: "AWS Region",
        location: "US East (N. Virginia)",
        ...attributes,
      },
      sku,
    },
    serviceCode: attributes.servicecode ?? "AmazonECS",
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit,
              endRange: "Inf",
              description: "",
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: "0",
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: "2026-11-01T00:00:00Z",
          offerTermCode: "JRTCKXETXF",
          termAttributes: {},
        },
      },
    },
    version: "20261101000000",
    publicationDate: "2026-11-01T00:00:00Z",
  });
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function pricingServer(pages: Array<Record<string, unknown>>) {
  const server = await startRecordingServer((_post: RecordedPost, index, res) => {
    res
      .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
      .end(JSON.stringify(pages[Math.min(index, pages.length - 1)]));
  });
  close = server.close;
  const client = new PricingClient({
    region: "us-east-1",
    endpoint: server.url("/"),
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  return { server, client };
}

describe("the Pricing API client against a local server", () => {
  it("reads Fargate x86 and ARM rates of a region, following NextToken", async () => {
    const { server, client } = await pricingServer([
      {
        FormatVersion: "aws_v1",
        PriceList: [
          item("3JPC5EER47BUUFC6", { usagetype: "USE1-Fargate-vCPU-Hours:perCPU" }, "0.0404800000"),
          item("PT22UKNZNU9D3XSN", { usagetype: "USE1-Fargate-GB-Hours" }, "0.0044450000"),
        ],
        NextToken: "next",
      },
      {
        FormatVersion: "aws_v1",
        PriceList: [
          item("ARMVCPU000000000", { usagetype: "USE1-Fargate-ARM-vCPU-Hours:perCPU" }, "0.0323800000"),
          item("ARMGB00000000000", { usagetype: "USE1-Fargate-ARM-GB-Hours" }, "0.0035600000"),
          item("EPHEMERAL0000000", { usagetype: "USE1-Fargate-EphemeralStorage-GB-Hours" }, "0.0001110000"),
        ],
      },
    ]);
    expect(await fetchFargateRates(client, "us-east-1")).toEqual({
      rates: {
        X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
        ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
      },
      // The price list's own date: what the report calls "as of".
      publicationDate: "2026-11-01",
    });
    expect(server.posts).toHaveLength(2);
    expect(server.posts[0]?.headers["x-amz-target"]).toBe("AWSPriceListService.GetProducts");
    expect(JSON.parse(server.posts[0]?.body ?? "{}")).toMatchObject({
      ServiceCode: "AmazonECS",
      Filters: [{ Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }],
    });
    expect(JSON.parse(server.posts[1]?.body ?? "{}").NextToken).toBe("next");
  });

  it("reads EC2 Linux on-demand prices per instance type", async () => {
    const { server, client } = await pricingServer([
      {
        FormatVersion: "aws_v1",
        PriceList: [
          item(
            "M6ILARGE00000000",
            { servicecode: "AmazonEC2", instanceType: "m6i.large", operatingSystem: "Linux" },
            "0.0960000000",
            "Hrs",
          ),
        ],
      },
    ]);
    expect(await fetchEc2Hourly(client, "us-east-1", ["m6i.large"])).toEqual({
      prices: new Map([["m6i.large", 0.096]]),
      publicationDate: "2026-11-01",
    });
    expect(JSON.parse(server.posts[0]?.body ?? "{}").Filters).toContainEqual({
      Type: "TERM_MATCH",
      Field: "instanceType",
      Value: "m6i.large",
    });
    expect(JSON.parse(server.posts[0]?.body ?? "{}").Filters).toContainEqual({
      Type: "TERM_MATCH",
      Field: "marketoption",
      Value: "OnDemand",
    });
  });
});
