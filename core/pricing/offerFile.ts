import { AutopilotError } from "../errors.ts";

/**
 * AWS Price List Bulk API offer files (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/…),
 * in their two formats: JSON (`products` + `terms.OnDemand`, small enough for AmazonECS) and CSV
 * (five metadata lines, a header, one row per price dimension: the only practical format for
 * AmazonEC2, whose regional files run to hundreds of megabytes). Both are read into the same
 * {@link OfferPrice} rows, and the same classifiers decide what a row prices.
 */

/** The metadata every offer file starts with. */
export interface OfferHeader {
  readonly offerCode: string;
  readonly version: string;
  /** ISO timestamp, e.g. `2025-08-28T17:27:23Z`. */
  readonly publicationDate: string;
}

/** One price dimension of one product, with the product's attributes under their JSON names. */
export interface OfferPrice {
  readonly sku: string;
  readonly productFamily: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly termType: string;
  readonly unit: string;
  readonly usd: number;
  readonly beginRange: string;
}

/** An offer file that is not what AWS publishes (names the file and line). */
export class OfferFileError extends AutopilotError {
  readonly code = "price-offer-invalid";
}

interface JsonOffer {
  offerCode?: string;
  version?: string;
  publicationDate?: string;
  products?: Record<string, { sku?: string; productFamily?: string; attributes?: Record<string, string> }>;
  terms?: {
    OnDemand?: Record<
      string,
      Record<
        string,
        {
          priceDimensions?: Record<
            string,
            { unit?: string; beginRange?: string; pricePerUnit?: { USD?: string } }
          >;
        }
      >
    >;
  };
}

function header(offer: { offerCode?: string; version?: string; publicationDate?: string }, where: string) {
  const { offerCode, version, publicationDate } = offer;
  if (!offerCode || !version || !publicationDate || !/^\d{4}-\d{2}-\d{2}/.test(publicationDate))
    throw new OfferFileError(
      `${where}: not an AWS offer file (offerCode '${offerCode}', version '${version}', publicationDate '${publicationDate}')`,
    );
  return { offerCode, version, publicationDate };
}

/**
 * The On-Demand prices of a JSON offer file.
 *
 * @example
 * const { header, prices } = readJsonOffer(await readFile("index.json", "utf8"));
 */
export function readJsonOffer(
  text: string,
  where = "offer file",
): { header: OfferHeader; prices: OfferPrice[] } {
  let offer: JsonOffer;
  try {
    offer = JSON.parse(text) as JsonOffer;
  } catch (error) {
    throw new OfferFileError(`${where}: not JSON (${(error as Error).message})`);
  }
  const prices: OfferPrice[] = [];
  for (const [sku, terms] of Object.entries(offer.terms?.OnDemand ?? {})) {
    const product = offer.products?.[sku];
    if (!product) continue;
    for (const term of Object.values(terms))
      for (const dimension of Object.values(term.priceDimensions ?? {}))
        prices.push({
          sku,
          productFamily: product.productFamily ?? "",
          attributes: product.attributes ?? {},
          termType: "OnDemand",
          unit: dimension.unit ?? "",
          usd: Number(dimension.pricePerUnit?.USD),
          beginRange: dimension.beginRange ?? "",
        });
  }
  return { header: header(offer, where), prices };
}

/** CSV column → the attribute name the JSON format uses (what the classifiers read). */
const CSV_ATTRIBUTES: Readonly<Record<string, string>> = {
  "Instance Type": "instanceType",
  "Operating System": "operatingSystem",
  Tenancy: "tenancy",
  "Pre Installed S/W": "preInstalledSw",
  CapacityStatus: "capacitystatus",
  operation: "operation",
  MarketOption: "marketoption",
  "Region Code": "regionCode",
  "Location Type": "locationType",
  usageType: "usagetype",
  "License Model": "licenseModel",
  "CPU Architecture": "cpuArchitecture",
};

/**
 * The fields of one CSV record (RFC 4180: quoted fields may hold commas and doubled quotes), or
 * undefined while a quoted field is still open at the end of the line.
 */
export function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  if (quoted) return undefined;
  fields.push(field.replace(/\r$/, ""));
  return fields;
}

/**
 * Streams a CSV offer file line by line: reads the metadata lines and the header, then hands every
 * row to `onPrice` (so a 300 MB file never sits in memory). Returns the header.
 */
export async function readCsvOffer(
  lines: AsyncIterable<string>,
  onPrice: (price: OfferPrice) => void,
  where = "offer file",
): Promise<OfferHeader> {
  const meta: Record<string, string> = {};
  let columns: string[] | undefined;
  let pending = "";
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    const line = pending ? `${pending}\n${raw}` : raw;
    const fields = csvFields(line);
    if (!fields) {
      pending = line;
      continue;
    }
    pending = "";
    if (!columns) {
      if (fields[0] === "SKU") {
        columns = fields;
        continue;
      }
      if (fields.length === 2) {
        meta[fields[0] ?? ""] = fields[1] ?? "";
        continue;
      }
      throw new OfferFileError(
        `${where}:${lineNumber}: expected metadata lines and a header starting with SKU`,
      );
    }
    if (fields.length !== columns.length)
      throw new OfferFileError(
        `${where}:${lineNumber}: ${fields.length} fields, the header has ${columns.length}`,
      );
    const row: Record<string, string> = {};
    for (const [i, column] of columns.entries()) row[column] = fields[i] ?? "";
    const attributes: Record<string, string> = {};
    for (const [column, attribute] of Object.entries(CSV_ATTRIBUTES))
      if (row[column] !== undefined) attributes[attribute] = row[column] ?? "";
    onPrice({
      sku: row.SKU ?? "",
      productFamily: row["Product Family"] ?? "",
      attributes,
      termType: row.TermType ?? "",
      unit: row.Unit ?? "",
      usd: Number(row.PricePerUnit),
      beginRange: row.StartingRange ?? "",
    });
  }
  if (!columns) throw new OfferFileError(`${where}: no header row (SKU, …)`);
  return header(
    { offerCode: meta.OfferCode, version: meta.Version, publicationDate: meta["Publication Date"] },
    where,
  );
}

/** Why a row is not a Linux On-Demand shared-tenancy instance-hour price, or undefined when it is. */
export function notEc2LinuxOnDemand(price: OfferPrice): string | undefined {
  const a = price.attributes;
  // The same selection Karpenter's generator makes through the Pricing API (core/pricing/data/SOURCES.md).
  const checks: Array<[boolean, string]> = [
    [price.termType === "OnDemand", `term ${price.termType}`],
    [price.productFamily === "Compute Instance", `product family ${price.productFamily}`],
    [a.operatingSystem === "Linux", `operating system ${a.operatingSystem}`],
    [a.tenancy === "Shared", `tenancy ${a.tenancy}`],
    [a.preInstalledSw === "NA", `pre-installed software ${a.preInstalledSw}`],
    [a.capacitystatus === "Used", `capacity status ${a.capacitystatus}`],
    // RunInstances:CB is a Capacity Block, RunInstances:0002 Windows and so on.
    [a.operation === "RunInstances", `operation ${a.operation}`],
    [a.marketoption === undefined || a.marketoption === "OnDemand", `market option ${a.marketoption}`],
    [price.unit === "Hrs", `unit ${price.unit}`],
    [Number.isFinite(price.usd) && price.usd > 0, `price ${price.usd}`],
  ];
  return checks.find(([ok]) => !ok)?.[1];
}

/**
 * Why a row does not price `region` itself, or undefined when it does. A regional offer file holds
 * the region's rows, but a row of another region, or of a Local Zone or Wavelength Zone of it
 * (`regionCode` us-east-1-bos-1, `locationType` "AWS Local Zone"), has the same instance type and
 * operation and would overwrite the region's price; only `locationType` "AWS Region" rows with the
 * region's own `regionCode` are the region's.
 */
export function notInRegion(price: OfferPrice, region: string): string | undefined {
  const a = price.attributes;
  if (a.regionCode !== region) return `region code ${a.regionCode ?? "(none)"}`;
  if (a.locationType !== undefined && a.locationType !== "AWS Region")
    return `location type ${a.locationType}`;
  return undefined;
}

export type FargateDimension = "vcpu" | "gb" | "ephemeral-storage";

/**
 * What a row of an AmazonECS offer prices for Linux Fargate tasks: x86 or ARM, per vCPU-hour or
 * GB-hour, or ephemeral storage per GB-hour; undefined for everything else (Windows, ECS Anywhere,
 * the zero-priced EC2 metering rows).
 */
export function fargateDimension(
  price: OfferPrice,
): { architecture: "x86_64" | "arm64"; dimension: FargateDimension } | undefined {
  if (price.termType !== "OnDemand" || !Number.isFinite(price.usd) || price.usd <= 0) return undefined;
  const usage = price.attributes.usagetype ?? "";
  if (/-Fargate-EphemeralStorage-GB-Hours$/.test(usage))
    return { architecture: "x86_64", dimension: "ephemeral-storage" };
  const match = /-Fargate-(ARM-)?(vCPU-Hours:perCPU|GB-Hours)$/.exec(usage);
  if (!match) return undefined;
  return {
    architecture: match[1] ? "arm64" : "x86_64",
    dimension: match[2]?.startsWith("vCPU") ? "vcpu" : "gb",
  };
}
