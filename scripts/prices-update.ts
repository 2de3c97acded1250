/**
 * `npm run prices:update [-- --regions us-east-1,eu-west-1] [--tables ec2,fargate] [--offline]`:
 * refreshes core/pricing/data/*.tsv from AWS's public Price List Bulk API and recompiles
 * core/pricing/bundledPrices.generated.ts. See scripts/prices/updatePrices.ts.
 */
import { parseArgs } from "node:util";
import { DEFAULT_BASE_URL, type Table, updatePrices } from "./prices/updatePrices.ts";

const USAGE =
  "usage: npm run prices:update -- [--regions r1,r2] [--tables ec2,fargate] [--base-url URL] [--out DIR] [--offline]";

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse().values;
  } catch (error) {
    process.stderr.write(`prices:update: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const tables = values.tables?.split(",").map((t) => t.trim());
  const unknown = tables?.filter((t) => t !== "ec2" && t !== "fargate") ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `prices:update: --tables takes ec2 and fargate, not ${unknown.join(", ")}\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const result = await updatePrices({
      ...(values.regions ? { regions: values.regions.split(",").map((r) => r.trim()) } : {}),
      ...(tables ? { tables: tables as Table[] } : {}),
      baseUrl: values["base-url"] ?? DEFAULT_BASE_URL,
      ...(values.out ? { outDir: values.out } : {}),
      offline: values.offline === true,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    for (const file of result.written) process.stdout.write(`wrote ${file}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`prices:update: ${(error as Error).message}\n`);
    return 1;
  }
}

function parse() {
  return parseArgs({
    options: {
      regions: { type: "string" },
      tables: { type: "string" },
      "base-url": { type: "string" },
      out: { type: "string" },
      offline: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
}

process.exitCode = await main();
