/**
 * The bundled price tables as rows: read from and written to core/pricing/data/*.tsv (the copies of
 * ../shared/pricing, each row with its source and date), and compiled into the TypeScript module
 * the functions import (core/pricing/bundledPrices.generated.ts).
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FargateArchitecture, FargateCapacity, PriceTables } from "../../core/pricing/PriceTables.ts";

export const DATA_DIR = resolve(import.meta.dirname, "..", "..", "core", "pricing", "data");
export const MODULE_PATH = resolve(
  import.meta.dirname,
  "..",
  "..",
  "core",
  "pricing",
  "bundledPrices.generated.ts",
);

export interface Ec2Row {
  readonly region: string;
  readonly instanceType: string;
  readonly usdPerHour: number;
  readonly source: string;
  readonly sourceDate: string;
}

export interface FargateRow {
  readonly region: string;
  readonly arch: FargateArchitecture;
  readonly capacity: FargateCapacity;
  readonly usdPerVcpuHour: number;
  readonly usdPerGbHour: number;
  readonly source: string;
  readonly sourceDate: string;
}

export interface EphemeralRow {
  readonly region: string;
  readonly usdPerGbHour: number;
  readonly source: string;
  readonly sourceDate: string;
  readonly note: string;
}

export interface Tables {
  readonly ec2: readonly Ec2Row[];
  readonly fargate: readonly FargateRow[];
  readonly ephemeral: readonly EphemeralRow[];
}

export const EC2_COLUMNS = ["region", "instance_type", "usd_per_hour", "source", "source_date"] as const;
export const FARGATE_COLUMNS = [
  "region",
  "arch",
  "capacity",
  "usd_per_vcpu_hour",
  "usd_per_gb_hour",
  "source",
  "source_date",
] as const;
export const EPHEMERAL_COLUMNS = ["region", "usd_per_gb_hour", "source", "source_date", "note"] as const;

/** A table's rows as records, checked: the header must be exactly `columns`; a bad row names file and line. */
export function parseTsv(
  text: string,
  file: string,
  columns: readonly string[],
): Array<Record<string, string>> {
  const lines = text.split("\n").filter((line) => line.length > 0);
  const header = lines[0]?.split("\t") ?? [];
  if (header.join("\t") !== columns.join("\t"))
    throw new Error(`${file}: header must be ${columns.join(", ")}; found ${header.join(", ")}`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split("\t");
    if (cells.length !== columns.length)
      throw new Error(`${file}:${i + 2}: ${cells.length} cells, expected ${columns.length}`);
    return Object.fromEntries(columns.map((column, j) => [column, cells[j] ?? ""]));
  });
}

function price(value: string | undefined, file: string, line: number, column: string): number {
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n < 0)
    throw new Error(`${file}:${line}: ${column} is not a price: '${value}'`);
  return n;
}

function dated(value: string | undefined, file: string, line: number): string {
  if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new Error(`${file}:${line}: source_date must start with YYYY-MM-DD: '${value}'`);
  return value;
}

/** Reads the three priced tables of a data directory (default: core/pricing/data). */
export async function readTables(dir = DATA_DIR): Promise<Tables> {
  const read = (file: string) => readFile(join(dir, file), "utf8");
  const ec2 = parseTsv(await read("ec2_ondemand.tsv"), "ec2_ondemand.tsv", EC2_COLUMNS).map((r, i) => ({
    region: r.region ?? "",
    instanceType: r.instance_type ?? "",
    usdPerHour: price(r.usd_per_hour, "ec2_ondemand.tsv", i + 2, "usd_per_hour"),
    source: r.source ?? "",
    sourceDate: dated(r.source_date, "ec2_ondemand.tsv", i + 2),
  }));
  const fargate = parseTsv(await read("fargate.tsv"), "fargate.tsv", FARGATE_COLUMNS).map(
    (r, i): FargateRow => {
      if (r.arch !== "x86_64" && r.arch !== "arm64")
        throw new Error(`fargate.tsv:${i + 2}: arch '${r.arch}'`);
      if (r.capacity !== "on-demand" && r.capacity !== "spot")
        throw new Error(`fargate.tsv:${i + 2}: capacity '${r.capacity}'`);
      return {
        region: r.region ?? "",
        arch: r.arch,
        capacity: r.capacity,
        usdPerVcpuHour: price(r.usd_per_vcpu_hour, "fargate.tsv", i + 2, "usd_per_vcpu_hour"),
        usdPerGbHour: price(r.usd_per_gb_hour, "fargate.tsv", i + 2, "usd_per_gb_hour"),
        source: r.source ?? "",
        sourceDate: dated(r.source_date, "fargate.tsv", i + 2),
      };
    },
  );
  const ephemeral = parseTsv(
    await read("fargate_ephemeral_storage.tsv"),
    "fargate_ephemeral_storage.tsv",
    EPHEMERAL_COLUMNS,
  ).map((r, i) => ({
    region: r.region ?? "",
    usdPerGbHour: price(r.usd_per_gb_hour, "fargate_ephemeral_storage.tsv", i + 2, "usd_per_gb_hour"),
    source: r.source ?? "",
    sourceDate: dated(r.source_date, "fargate_ephemeral_storage.tsv", i + 2),
    note: r.note ?? "",
  }));
  return { ec2, fargate, ephemeral };
}

/** The tables as TSV text, in the columns they were read with (so an unchanged table round-trips byte for byte). */
export function tablesToTsv(tables: Tables): Record<string, string> {
  const tsv = (columns: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>) =>
    `${[columns.join("\t"), ...rows.map((row) => row.join("\t"))].join("\n")}\n`;
  return {
    "ec2_ondemand.tsv": tsv(
      EC2_COLUMNS,
      tables.ec2.map((r) => [r.region, r.instanceType, r.usdPerHour, r.source, r.sourceDate]),
    ),
    "fargate.tsv": tsv(
      FARGATE_COLUMNS,
      tables.fargate.map((r) => [
        r.region,
        r.arch,
        r.capacity,
        r.usdPerVcpuHour,
        r.usdPerGbHour,
        r.source,
        r.sourceDate,
      ]),
    ),
    "fargate_ephemeral_storage.tsv": tsv(
      EPHEMERAL_COLUMNS,
      tables.ephemeral.map((r) => [r.region, r.usdPerGbHour, r.source, r.sourceDate, r.note]),
    ),
  };
}

/** The compact form the functions import: sources listed once, rows pointing at them. */
export function toPriceTables(tables: Tables): PriceTables {
  const sources: Array<{ source: string; sourceDate: string }> = [];
  const index = new Map<string, number>();
  const sourceOf = (source: string, sourceDate: string) => {
    const key = `${source}\u0000${sourceDate}`;
    let i = index.get(key);
    if (i === undefined) {
      i = sources.length;
      sources.push({ source, sourceDate });
      index.set(key, i);
    }
    return i;
  };
  const ec2: Record<string, Array<readonly [string, number, number]>> = {};
  for (const row of tables.ec2) {
    const rows = ec2[row.region] ?? [];
    rows.push([row.instanceType, row.usdPerHour, sourceOf(row.source, row.sourceDate)]);
    ec2[row.region] = rows;
  }
  return {
    sources,
    ec2,
    fargate: tables.fargate.map(
      (r) =>
        [
          r.region,
          r.arch,
          r.capacity,
          r.usdPerVcpuHour,
          r.usdPerGbHour,
          sourceOf(r.source, r.sourceDate),
        ] as const,
    ),
    ephemeralStorage: tables.ephemeral.map(
      (r) => [r.region, r.usdPerGbHour, sourceOf(r.source, r.sourceDate)] as const,
    ),
  };
}

/** The generated module's text. */
export function renderPriceModule(tables: Tables): string {
  const compact = toPriceTables(tables);
  const lines = [
    "// Generated by scripts/prices-update.ts from core/pricing/data/*.tsv: do not edit by hand.",
    "// Refresh with `npm run prices:update`; `npm run prices:update -- --offline` only recompiles the TSVs.",
    "// Every figure points at its source and that source's date (core/pricing/data/SOURCES.md).",
    'import type { PriceTables } from "./PriceTables.ts";',
    "",
    "export const BUNDLED_PRICE_TABLES: PriceTables = {",
    "  sources: [",
    ...compact.sources.map((s) => `    ${JSON.stringify(s)},`),
    "  ],",
    "  ec2: {",
    ...Object.entries(compact.ec2).flatMap(([region, rows]) => [
      `    ${JSON.stringify(region)}: [`,
      ...rows.map((row) => `      ${JSON.stringify(row)},`),
      "    ],",
    ]),
    "  },",
    "  fargate: [",
    ...compact.fargate.map((row) => `    ${JSON.stringify(row)},`),
    "  ],",
    "  ephemeralStorage: [",
    ...compact.ephemeralStorage.map((row) => `    ${JSON.stringify(row)},`),
    "  ],",
    "};",
    "",
  ];
  return lines.join("\n");
}
