/**
 * `npm run prices:update` against a local HTTP server that serves real AWS offer files at the
 * Bulk API's paths: no network, the real fetch/stream/parse/write path.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvFields } from "../../../core/pricing/offerFile.ts";
import { DATA_DIR, readTables, renderPriceModule } from "../../../scripts/prices/tables.ts";
import { updatePrices } from "../../../scripts/prices/updatePrices.ts";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");
const FIXTURES = resolve(ROOT, "test", "fixtures", "pricing");
const OFFERS: Record<string, string> = {
  "/offers/v1.0/aws/AmazonECS/current/us-east-1/index.json": "AmazonECS-us-east-1-20250828.json",
  // The head of a real AmazonEC2 CSV offer of the whole world (rows of 15 regions and a Local Zone),
  // served at us-east-1's path: every row a near miss (Windows, RHEL, Reserved, Host…) or not us-east-1's.
  "/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.csv": "AmazonEC2-global-head-20250912.csv",
};

/**
 * A CSV offer in the real file's format (its five metadata lines and header) whose rows are one of
 * its real rows (c6i.large, Windows, Reserved, ap-northeast-1) turned into Linux/Shared/Used
 * On-Demand RunInstances rows for the regions given. Prices: us-east-1's is the bundled one
 * (Karpenter, 2026-07-20: $0.085); the others are test values that only have to differ.
 */
function derivedEc2Offer(
  rows: ReadonlyArray<{ sku: string; regionCode: string; locationType: string; usd: string }>,
): string {
  const lines = readFileSync(join(FIXTURES, "AmazonEC2-global-head-20250912.csv"), "utf8").split("\n");
  const header = lines[5] ?? "";
  const columns = header.split('","').map((c) => c.replace(/"/g, ""));
  const template = csvFields(lines[6] ?? "") ?? [];
  const set = (fields: string[], column: string, value: string) => {
    fields[columns.indexOf(column)] = value;
  };
  const quote = (fields: string[]) => fields.map((f) => (f === "" ? "" : `"${f}"`)).join(",");
  const derived = rows.map((row) => {
    const fields = [...template];
    for (const [column, value] of Object.entries({
      SKU: row.sku,
      TermType: "OnDemand",
      Unit: "Hrs",
      PricePerUnit: row.usd,
      "Operating System": "Linux",
      Tenancy: "Shared",
      "Pre Installed S/W": "NA",
      CapacityStatus: "Used",
      operation: "RunInstances",
      MarketOption: "OnDemand",
      "Region Code": row.regionCode,
      "Location Type": row.locationType,
    }))
      set(fields, column, value);
    return quote(fields);
  });
  return [...lines.slice(0, 6), ...derived].join("\n");
}
const DERIVED: Record<string, string> = {};

let server: Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? "");
    const derived = DERIVED[req.url ?? ""];
    if (derived !== undefined) return void res.writeHead(200).end(derived);
    const file = OFFERS[req.url ?? ""];
    if (!file) return void res.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
    res.writeHead(200).end(readFileSync(join(FIXTURES, file)));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe("npm run prices:update", () => {
  it("refreshes us-east-1 Fargate from the AmazonECS offer, keeps Spot with its own date, and writes the module", async () => {
    const out = mkdtempSync(join(tmpdir(), "prices-"));
    const log: string[] = [];
    const result = await updatePrices({
      regions: ["us-east-1"],
      tables: ["fargate"],
      baseUrl: base,
      outDir: out,
      log: (line) => log.push(line),
    });
    const fargate = readFileSync(join(out, "fargate.tsv"), "utf8").split("\n");
    const source =
      "AWS Price List Bulk API /offers/v1.0/aws/AmazonECS/current/us-east-1/index.json (version 20250828172723)";
    expect(fargate).toContain(
      `us-east-1\tarm64\ton-demand\t0.03238\t0.00356\t${source}\t2025-08-28T17:27:23Z (publicationDate)`,
    );
    expect(fargate).toContain(
      `us-east-1\tx86_64\ton-demand\t0.04048\t0.004445\t${source}\t2025-08-28T17:27:23Z (publicationDate)`,
    );
    // Spot is not in the offer files: the bundled row stays, with its own source and date.
    expect(fargate.filter((l) => l.startsWith("us-east-1\tx86_64\tspot\t"))).toEqual([
      "us-east-1\tx86_64\tspot\t0.01288561\t0.00141493\ttheuves/fgcalc@dac946d62837b73542cbac2e6e29a9427ae9b2a5:src/utils/data.js\t2026-09-29T21:41Z (file header: Fargate Spot feed snapshot; spot rates float)",
    ]);
    // Other regions are untouched.
    expect(fargate.filter((l) => l.startsWith("eu-west-1\t"))).toHaveLength(3);
    expect(readFileSync(join(out, "fargate_ephemeral_storage.tsv"), "utf8")).toContain(
      `us-east-1\t0.000111\t${source}\t2025-08-28T17:27:23Z (publicationDate)\tusagetype USE1-Fargate-EphemeralStorage-GB-Hours; first 20 GB per task are included`,
    );
    expect(log).toEqual([
      `us-east-1: Fargate On-Demand arm64 and x86_64 from ${source}; Fargate Spot kept as bundled (2026-09-29): the offer files have no Spot rates`,
    ]);
    // The module is the TSVs compiled: what the functions import is what the tables say.
    expect(readFileSync(join(out, "bundledPrices.generated.ts"), "utf8")).toBe(
      renderPriceModule(result.tables),
    );
    // EC2 rows were not asked for and are the bundled ones.
    expect(readFileSync(join(out, "ec2_ondemand.tsv"), "utf8")).toBe(
      readFileSync(join(DATA_DIR, "ec2_ondemand.tsv"), "utf8"),
    );
  });

  it("writes nothing when an offer has no usable rows or cannot be read, and says which", async () => {
    const out = mkdtempSync(join(tmpdir(), "prices-"));
    await expect(
      updatePrices({ regions: ["us-east-1", "eu-west-1"], baseUrl: base, outDir: out }),
    ).rejects.toThrow(
      [
        "nothing written; could not read:",
        `  us-east-1 EC2: ${base}/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.csv: no Linux On-Demand (shared tenancy) instance-hour price for us-east-1 in the bundled families (m5, c5, r5, m6i, c6i, r6i, m7i, c7i, r7i, m6g, c6g, r6g, m7g, c7g, r7g, t3, t4g)`,
        `  eu-west-1 Fargate: GET ${base}/offers/v1.0/aws/AmazonECS/current/eu-west-1/index.json: HTTP 404`,
        `  eu-west-1 EC2: GET ${base}/offers/v1.0/aws/AmazonEC2/current/eu-west-1/index.csv: HTTP 404`,
      ].join("\n"),
    );
    expect(readFileSync(join(DATA_DIR, "fargate.tsv"), "utf8")).not.toContain("AWS Price List Bulk API");
    expect(() => readFileSync(join(out, "fargate.tsv"))).toThrow(/ENOENT/);
  });

  it("takes EC2 prices of the region itself only: a Local Zone's or another region's row never overwrites them", async () => {
    // us-east-1's row first, then a Local Zone's (us-east-1-bos-1) and another region's: the last row used to win.
    DERIVED["/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.csv"] = derivedEc2Offer([
      { sku: "TESTREGION000002", regionCode: "us-east-1", locationType: "AWS Region", usd: "0.0850000000" },
      {
        sku: "TESTLOCALZONE003",
        regionCode: "us-east-1-bos-1",
        locationType: "AWS Local Zone",
        usd: "0.1020000000",
      },
      {
        sku: "TESTREGION000004",
        regionCode: "ap-northeast-1",
        locationType: "AWS Region",
        usd: "0.1070000000",
      },
    ]);
    try {
      const out = mkdtempSync(join(tmpdir(), "prices-"));
      const log: string[] = [];
      const result = await updatePrices({
        regions: ["us-east-1"],
        tables: ["ec2"],
        baseUrl: base,
        outDir: out,
        log: (line) => log.push(line),
      });
      const useast = result.tables.ec2.filter((r) => r.region === "us-east-1");
      expect(useast.map((r) => [r.instanceType, r.usdPerHour])).toEqual([["c6i.large", 0.085]]);
      expect(log[0]).toMatch(
        /^us-east-1: EC2 1 instance types \(was \d+\) from .* \(rows of ap-northeast-1, us-east-1-bos-1 were left out: not us-east-1 itself\)$/,
      );
      // Two different prices for one type in the region itself: an error naming both, nothing written.
      DERIVED["/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.csv"] = derivedEc2Offer([
        { sku: "TESTREGION000002", regionCode: "us-east-1", locationType: "AWS Region", usd: "0.0850000000" },
        { sku: "TESTREGION000005", regionCode: "us-east-1", locationType: "AWS Region", usd: "0.1020000000" },
      ]);
      await expect(
        updatePrices({
          regions: ["us-east-1"],
          tables: ["ec2"],
          baseUrl: base,
          outDir: mkdtempSync(join(tmpdir(), "prices-")),
        }),
      ).rejects.toThrow(
        "two Linux On-Demand prices for c6i.large in us-east-1 (SKU TESTREGION000002 $0.085, SKU TESTREGION000005 $0.102)",
      );
    } finally {
      for (const key of Object.keys(DERIVED)) delete DERIVED[key];
    }
  });

  it("runs as an npm script: exit 0 and the files it wrote, exit 1 and the reason, exit 2 on a bad flag", async () => {
    const run = (...args: string[]) =>
      promisify(execFile)("npm", ["run", "--silent", "prices:update", "--", ...args], { cwd: ROOT }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const out = mkdtempSync(join(tmpdir(), "prices-"));
    const ok = await run("--regions", "us-east-1", "--tables", "fargate", "--base-url", base, "--out", out);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`wrote ${join(out, "bundledPrices.generated.ts")}`);
    const failed = await run("--regions", "us-east-1", "--tables", "ec2", "--base-url", base, "--out", out);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^prices:update: nothing written; could not read:\n {2}us-east-1 EC2: /);
    const bad = await run("--tables", "lambda");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tables takes ec2 and fargate, not lambda");
  }, 60_000);

  it("keeps the committed module in step with the committed TSVs", async () => {
    const committed = readFileSync(resolve(ROOT, "core", "pricing", "bundledPrices.generated.ts"), "utf8");
    expect(committed).toBe(renderPriceModule(await readTables()));
  });
});
