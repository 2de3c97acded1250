/**
 * `npm run prices:update`: refreshes the bundled tables from AWS's public Price List Bulk API (no
 * credentials): per region the AmazonECS offer (JSON) for Fargate On-Demand x86/ARM and ephemeral
 * storage, and the AmazonEC2 offer (CSV, streamed: hundreds of megabytes per region) for Linux
 * On-Demand prices of the bundled instance families. Rows it refreshes carry the offer file and its
 * publication date as their source; rows the offers do not have (Fargate Spot, which floats and is
 * not in the offer files) keep their source and date, and the run says so. Nothing is written
 * unless every requested region and table was read.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import {
  fargateDimension,
  notEc2LinuxOnDemand,
  notInRegion,
  OfferFileError,
  type OfferHeader,
  type OfferPrice,
  readCsvOffer,
  readJsonOffer,
} from "../../core/pricing/offerFile.ts";
import {
  DATA_DIR,
  type Ec2Row,
  type EphemeralRow,
  type FargateRow,
  MODULE_PATH,
  readTables,
  renderPriceModule,
  type Tables,
  tablesToTsv,
} from "./tables.ts";

export const DEFAULT_BASE_URL = "https://pricing.us-east-1.amazonaws.com";

export type Table = "ec2" | "fargate";

export interface UpdateOptions {
  /** Regions to refresh (default: every region in the bundled tables). */
  readonly regions?: readonly string[];
  readonly tables?: readonly Table[];
  /** The Bulk API's host (tests point it at a local server). */
  readonly baseUrl?: string;
  /** Where to write the TSVs and the module (default: core/pricing/data and core/pricing/). */
  readonly outDir?: string;
  /** Only recompile the TSVs into the module; read nothing from the network. */
  readonly offline?: boolean;
  readonly fetch?: typeof fetch;
  readonly log?: (line: string) => void;
}

export interface UpdateResult {
  readonly written: string[];
  readonly failures: string[];
  readonly tables: Tables;
}

const SIZE_ORDER = ["nano", "micro", "small", "medium", "large", "xlarge"];
function sizeRank(instanceType: string): number {
  const size = instanceType.split(".")[1] ?? "";
  const plain = SIZE_ORDER.indexOf(size);
  if (plain >= 0) return plain;
  const multiple = /^(\d+)xlarge$/.exec(size);
  return multiple ? SIZE_ORDER.length + Number(multiple[1]) : 1000;
}

const familyOf = (instanceType: string) => instanceType.split(".")[0] ?? "";

function offerUrl(base: string, offer: "AmazonEC2" | "AmazonECS", region: string, format: "csv" | "json") {
  return `${base.replace(/\/$/, "")}/offers/v1.0/aws/${offer}/current/${region}/index.${format}`;
}

function offerSource(url: string, header: OfferHeader): { source: string; sourceDate: string } {
  const path = url.slice(url.indexOf("/offers/"));
  return {
    source: `AWS Price List Bulk API ${path} (version ${header.version})`,
    sourceDate: `${header.publicationDate} (publicationDate)`,
  };
}

async function get(fetcher: typeof fetch, url: string): Promise<Response> {
  const response = await fetcher(url);
  if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response;
}

/** Fargate rows of one region from its AmazonECS offer (JSON). */
async function fargateRows(
  fetcher: typeof fetch,
  base: string,
  region: string,
): Promise<{ fargate: FargateRow[]; ephemeral: EphemeralRow[] }> {
  const url = offerUrl(base, "AmazonECS", region, "json");
  const { header, prices } = readJsonOffer(await (await get(fetcher, url)).text(), url);
  const { source, sourceDate } = offerSource(url, header);
  const found = new Map<string, OfferPrice>();
  let ephemeral: EphemeralRow | undefined;
  for (const price of prices) {
    // Only the region's own rows (not a Local Zone's or another region's), as for EC2.
    if (notInRegion(price, region)) continue;
    const kind = fargateDimension(price);
    if (!kind) continue;
    if (kind.dimension === "ephemeral-storage")
      ephemeral = {
        region,
        usdPerGbHour: price.usd,
        source,
        sourceDate,
        note: `usagetype ${price.attributes.usagetype}; first 20 GB per task are included`,
      };
    else found.set(`${kind.architecture}:${kind.dimension}`, price);
  }
  const fargate: FargateRow[] = [];
  for (const arch of ["arm64", "x86_64"] as const) {
    const vcpu = found.get(`${arch}:vcpu`);
    const gb = found.get(`${arch}:gb`);
    if (vcpu && gb)
      fargate.push({
        region,
        arch,
        capacity: "on-demand",
        usdPerVcpuHour: vcpu.usd,
        usdPerGbHour: gb.usd,
        source,
        sourceDate,
      });
  }
  if (fargate.length === 0) throw new Error(`${url}: no Fargate Linux vCPU-hour and GB-hour rates`);
  return { fargate, ephemeral: ephemeral ? [ephemeral] : [] };
}

/** EC2 rows of one region from its AmazonEC2 offer (CSV, streamed), for the given families. */
async function ec2Rows(
  fetcher: typeof fetch,
  base: string,
  region: string,
  families: ReadonlySet<string>,
): Promise<{ rows: Ec2Row[]; leftOut: string }> {
  const url = offerUrl(base, "AmazonEC2", region, "csv");
  const response = await get(fetcher, url);
  const lines = createInterface({
    input: Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const prices = new Map<string, { usd: number; sku: string }>();
  // Rows that would be prices but are of another region or a Local/Wavelength Zone: counted, said.
  const elsewhere = new Set<string>();
  const header = await readCsvOffer(
    lines,
    (price) => {
      const type = price.attributes.instanceType ?? "";
      // Metal sizes stay out, as in the bundled table (core/pricing/data/SOURCES.md).
      if (!families.has(familyOf(type)) || type.includes("metal") || notEc2LinuxOnDemand(price)) return;
      if (notInRegion(price, region)) {
        elsewhere.add(price.attributes.regionCode ?? "(none)");
        return;
      }
      const seen = prices.get(type);
      // One price per type and region; two are a file we do not understand, never "last row wins".
      if (seen && seen.usd !== price.usd)
        throw new OfferFileError(
          `${url}: two Linux On-Demand prices for ${type} in ${region} (SKU ${seen.sku} $${seen.usd}, SKU ${price.sku} $${price.usd})`,
        );
      prices.set(type, { usd: price.usd, sku: price.sku });
    },
    url,
  );
  const skipped = elsewhere.size
    ? ` (rows of ${[...elsewhere].sort().join(", ")} were left out: not ${region} itself)`
    : "";
  if (prices.size === 0)
    throw new Error(
      `${url}: no Linux On-Demand (shared tenancy) instance-hour price for ${region} in the bundled families (${[...families].join(", ")})${skipped}`,
    );
  const { source, sourceDate } = offerSource(url, header);
  const familyOrder = [...families];
  const rows = [...prices]
    .map(([instanceType, { usd }]) => ({ region, instanceType, usdPerHour: usd, source, sourceDate }))
    .sort(
      (a, b) =>
        familyOrder.indexOf(familyOf(a.instanceType)) - familyOrder.indexOf(familyOf(b.instanceType)) ||
        sizeRank(a.instanceType) - sizeRank(b.instanceType),
    );
  return { rows, leftOut: skipped };
}

/**
 * Refreshes the bundled tables and writes them (TSVs and module). Throws, writing nothing, when a
 * requested region or table could not be read.
 */
export async function updatePrices(options: UpdateOptions = {}): Promise<UpdateResult> {
  const log = options.log ?? (() => {});
  const current = await readTables();
  let tables: Tables = current;
  const failures: string[] = [];
  if (!options.offline) {
    const fetcher = options.fetch ?? fetch;
    const base = options.baseUrl ?? DEFAULT_BASE_URL;
    const wanted = new Set(options.tables ?? ["ec2", "fargate"]);
    const regions =
      options.regions ?? [...new Set([...current.ec2, ...current.fargate].map((row) => row.region))].sort();
    const families = new Set(current.ec2.map((row) => familyOf(row.instanceType)));
    let { ec2, fargate, ephemeral } = current;
    for (const region of regions) {
      if (wanted.has("fargate")) {
        try {
          const fresh = await fargateRows(fetcher, base, region);
          const kept = fargate.filter((r) => r.region === region && r.capacity === "spot");
          fargate = [
            ...fargate.filter((r) => r.region !== region || r.capacity === "spot"),
            ...fresh.fargate,
          ];
          if (fresh.ephemeral.length > 0)
            ephemeral = [...ephemeral.filter((r) => r.region !== region), ...fresh.ephemeral];
          log(
            `${region}: Fargate On-Demand ${fresh.fargate.map((r) => r.arch).join(" and ")} from ${fresh.fargate[0]?.source}${kept.length ? `; Fargate Spot kept as bundled (${kept.map((r) => r.sourceDate.slice(0, 10)).join(", ")}): the offer files have no Spot rates` : ""}`,
          );
        } catch (error) {
          failures.push(`${region} Fargate: ${(error as Error).message}`);
        }
      }
      if (wanted.has("ec2")) {
        try {
          const { rows: fresh, leftOut } = await ec2Rows(fetcher, base, region, families);
          const before = ec2.filter((r) => r.region === region).length;
          ec2 = [...ec2.filter((r) => r.region !== region), ...fresh];
          log(
            `${region}: EC2 ${fresh.length} instance types (was ${before}) from ${fresh[0]?.source}${leftOut}`,
          );
        } catch (error) {
          failures.push(`${region} EC2: ${(error as Error).message}`);
        }
      }
    }
    if (failures.length > 0)
      throw new Error(`nothing written; could not read:\n${failures.map((f) => `  ${f}`).join("\n")}`);
    const regionOrder = (rows: ReadonlyArray<{ region: string }>) =>
      [...new Set(current.ec2.map((r) => r.region)), ...rows.map((r) => r.region)].filter(
        (r, i, all) => all.indexOf(r) === i,
      );
    const order = regionOrder([...ec2, ...fargate]);
    const byRegion = <T extends { region: string }>(rows: readonly T[]) =>
      [...rows].sort((a, b) => order.indexOf(a.region) - order.indexOf(b.region));
    tables = { ec2: byRegion(ec2), fargate: byRegion(fargate), ephemeral: byRegion(ephemeral) };
  }
  const dataDir = options.outDir ?? DATA_DIR;
  const modulePath = options.outDir ? join(options.outDir, "bundledPrices.generated.ts") : MODULE_PATH;
  await mkdir(dataDir, { recursive: true });
  const written: string[] = [];
  for (const [file, text] of Object.entries(tablesToTsv(tables))) {
    await writeFile(join(dataDir, file), text);
    written.push(join(dataDir, file));
  }
  await writeFile(modulePath, renderPriceModule(tables));
  written.push(modulePath);
  return { written, failures, tables };
}
