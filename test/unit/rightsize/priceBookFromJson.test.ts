import { describe, expect, it } from "vitest";
import { AutopilotError } from "../../../core/errors.ts";
import { PriceFileError, priceBookFromJson } from "../../../core/rightsize/priceBook.ts";

describe("priceBookFromJson (--prices FILE)", () => {
  it("reads a price file: the EC2 price and its stated source and date", () => {
    const book = priceBookFromJson("eu-west-1", {
      region: "eu-west-1",
      ec2: { "m6i.large": 0.107 },
      source: "AWS Price List API, offer AmazonEC2",
      asOf: "2026-11-01",
    });
    expect(book.ec2.get("m6i.large")).toBe(0.107);
    expect((book.sources ?? []).map((s) => [s.source, s.asOf])).toContainEqual([
      "AWS Price List API, offer AmazonEC2",
      "2026-11-01",
    ]);
  });

  it("refuses a wrong field with a PriceFileError naming its path", () => {
    const error = (() => {
      try {
        priceBookFromJson("eu-west-1", { ec2: { "m6i.large": "cheap" } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PriceFileError);
    expect(error).toBeInstanceOf(AutopilotError);
    expect((error as PriceFileError).code).toBe("price-file-invalid");
    expect((error as Error).message).toMatch(/^ec2\.m6i\.large: /);
  });

  it("refuses a file priced for another region than the fleet's", () => {
    expect(() => priceBookFromJson("eu-west-1", { region: "us-east-1", ec2: {} })).toThrow(
      new PriceFileError("region: the file prices us-east-1, the fleet is in eu-west-1"),
    );
  });
});
