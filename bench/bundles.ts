/**
 * Cold start per Lambda function, each beside its baseline: a bundle built with the same esbuild
 * settings that only imports the AWS SDK clients the function uses. Both are imported in fresh
 * Node processes, interleaved (function, baseline, function, baseline, …) so that the machine's
 * noise hits both; the figure is the ratio of each pair. Optionally, instruction counts under
 * callgrind give a noise-free ratio. The esbuild metafile says what the rest of the bundle is.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { type Spread, spread } from "./stats.ts";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * The AWS SDK packages each function calls at run time: its `CLIENT_CLASSES` (functions/*.ts;
 * every flow reads its config from SSM, its state from DynamoDB, and queues Slack messages to SQS,
 * see runtime/runtime.ts; notify reads no config), plus right-sizing's own clients. The baseline
 * of a function imports these and nothing else.
 */
export const CLIENTS_USED: Readonly<Record<string, readonly string[]>> = {
  redeploy: ["client-ecs", "client-ecr", "client-dynamodb", "lib-dynamodb", "client-sqs", "client-ssm"],
  "service-index": ["client-ecs", "client-dynamodb", "lib-dynamodb", "client-sqs", "client-ssm"],
  monitor: ["client-ecs", "client-ecr", "client-dynamodb", "lib-dynamodb", "client-sqs", "client-ssm"],
  schedule: [
    "client-ecs",
    "client-application-auto-scaling",
    "client-dynamodb",
    "lib-dynamodb",
    "client-sqs",
    "client-ssm",
  ],
  policy: ["client-ecs", "client-dynamodb", "lib-dynamodb", "client-sqs", "client-ssm"],
  rightsize: [
    "client-ecs",
    "client-ecr",
    "client-dynamodb",
    "lib-dynamodb",
    "client-sqs",
    "client-ssm",
    "client-cloudwatch",
    "client-ec2",
    "client-compute-optimizer",
    "client-pricing",
  ],
  notify: ["client-dynamodb", "lib-dynamodb", "client-sqs"],
};

/** The main export of each package, referenced so that esbuild keeps the module. */
const MAIN_EXPORT: Readonly<Record<string, string>> = {
  "client-ecs": "ECSClient",
  "client-ecr": "ECRClient",
  "client-dynamodb": "DynamoDBClient",
  "lib-dynamodb": "DynamoDBDocumentClient",
  "client-sqs": "SQSClient",
  "client-ssm": "SSMClient",
  "client-application-auto-scaling": "ApplicationAutoScalingClient",
  "client-cloudwatch": "CloudWatchClient",
  "client-ec2": "EC2Client",
  "client-compute-optimizer": "ComputeOptimizerClient",
  "client-pricing": "PricingClient",
};

/** The Lambda entries: every file of functions/. */
export function lambdaEntries(): string[] {
  return readdirSync(join(ROOT, "functions"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** How SST bundles a function: esbuild, ESM, Node 22, minified, AWS SDK included. */
const SETTINGS: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  metafile: true,
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  logLevel: "error",
};

export interface PackageShare {
  readonly name: string;
  readonly bytes: number;
}

export interface BundleFigures {
  readonly fn: string;
  readonly bytes: number;
  readonly baselineBytes: number;
  readonly clients: readonly string[];
  /** AWS SDK client packages in the bundle that the function never calls. */
  readonly unusedClients: readonly PackageShare[];
  /** Init time of the function over its baseline's, one ratio per interleaved pair. */
  readonly initRatio: Spread;
  readonly initMs: Spread;
  readonly baselineInitMs: Spread;
  /** Instructions of the import (callgrind, Node's own start-up subtracted), function over baseline. */
  readonly instructionRatio?: number;
  /**
   * Bytes of zod in the bundle (esbuild metafile, bytes in the output; 0 when the bundle has none):
   * its mini build and English messages, which core/zod.ts re-exports. Absent in reports written before 2026-11-28.
   */
  readonly zodBytes?: number;
  /** What the function's bundle has beyond the baseline, by package, largest first. */
  readonly overhead: readonly PackageShare[];
  /** Bytes of re2js + semver: the config's tag-policy validation, loaded by every function. */
  readonly tagPolicyBytes: number;
  /**
   * Where the init time beyond the baseline goes, by part, from CPU profiles of both imports.
   * Absent when the run was asked not to profile (the repeats of `--runs`).
   */
  readonly initParts?: readonly InitPart[];
  /** Function's import minus the baseline's under the profiler (ms, mean of the profiled runs); absent as initParts. */
  readonly profiledExtraMs?: number;
}

/** One part of an import's CPU time under the profiler: the function's, the baseline's (ms, mean). */
export interface InitPart {
  readonly name: string;
  readonly ms: number;
  readonly baselineMs: number;
}

/**
 * How the profiled copies differ from the timed bundles: a source map, and line breaks kept
 * (identifiers and syntax still minified) so that V8's per-line ticks say which module ran.
 */
const PROFILED: BuildOptions = {
  sourcemap: "external",
  minify: false,
  minifyIdentifiers: true,
  minifySyntax: true,
  minifyWhitespace: false,
};

export const COMPILE_PART = "V8 parsing and compiling the bundle";
/** Lines without a mapping: esbuild's runtime helpers, through which every bundled module's first run goes. */
const UNMAPPED_PART = "esbuild's module wrappers (`__commonJS`, `__esm`, `__export`)";
const NODE_PART = "Node and V8 (start-up, loader, other)";

/**
 * Self time of importing `file`, by part, from a V8 CPU profile (100 µs sampling) mapped through
 * the bundle's source map: a node_modules package or a project folder for the bundle's own code,
 * V8's compilation of the bundle, garbage collection, the rest of Node and V8. Milliseconds.
 */
function profileImport(file: string, map: SourceMap, dir: string): Map<string, number> {
  const out = mkdtempSync(join(dir, "profile-"));
  execFileSync(
    process.execPath,
    [
      "--cpu-prof",
      "--cpu-prof-interval",
      "100",
      `--cpu-prof-dir=${out}`,
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(file)});`,
    ],
    { env: { ...process.env, AWS_REGION: "eu-west-1", POWERTOOLS_LOG_LEVEL: "SILENT" } },
  );
  const name = readdirSync(out)[0];
  if (!name) throw new Error(`node --cpu-prof wrote no profile for ${file}`);
  const profile = JSON.parse(readFileSync(join(out, name), "utf8")) as {
    nodes: Array<{
      id: number;
      callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
      positionTicks?: Array<{ line: number; ticks: number }>;
    }>;
    samples: number[];
    timeDeltas: number[];
  };
  rmSync(out, { recursive: true, force: true });
  const selfMicros = new Map<number, number>();
  for (const [i, id] of profile.samples.entries())
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const parts = new Map<string, number>();
  const add = (part: string, micros: number) => parts.set(part, (parts.get(part) ?? 0) + micros / 1000);
  // The last mapping on or before a generated position (the profiled bundle has one statement a line).
  const partAt = (line: number, column: number) => {
    const source = (map.findEntry(line, column) as { originalSource?: string }).originalSource;
    if (!source) return UNMAPPED_PART;
    // The map's sources are relative to the bundle's folder: the project's own show as its folders.
    const path = source.startsWith("file://") ? fileURLToPath(source) : resolve(dirname(file), source);
    return packageOf(relative(ROOT, path));
  };
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id);
    if (!micros) continue;
    const frame = node.callFrame;
    if (frame.url.endsWith(file)) {
      // By line where V8 recorded lines: the bundle's top level runs every ES module's top-level
      // statements, which only their lines tell apart.
      const ticks = node.positionTicks ?? [];
      const all = ticks.reduce((sum, t) => sum + t.ticks, 0);
      if (all > 0) for (const t of ticks) add(partAt(t.line - 1, 1e6), (micros * t.ticks) / all);
      else add(partAt(frame.lineNumber, frame.columnNumber), micros);
    } else if (frame.functionName === "compileSourceTextModule") add(COMPILE_PART, micros);
    else if (frame.functionName === "(garbage collector)") add("garbage collection", micros);
    else add(NODE_PART, micros);
  }
  return parts;
}

/** A node_modules package (`zod`, `@aws-sdk/client-ecs`) or the project folder of a source path. */
function packageOf(path: string): string {
  const inModules = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return inModules?.[1] ?? path.split("/").slice(0, -1).join("/") ?? path;
}

/**
 * Profiles the function's bundle and its baseline's, interleaved, `runs` times each, and returns
 * the parts where the function spends more than its baseline, largest difference first.
 */
function initParts(
  fnFile: string,
  baselineFile: string,
  runs: number,
  dir: string,
): { parts: InitPart[]; extraMs: number } {
  const load = (file: string) => new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
  const maps = [load(fnFile), load(baselineFile)] as const;
  const totals = [new Map<string, number>(), new Map<string, number>()] as const;
  for (let r = 0; r < runs; r++)
    for (const [i, file] of [fnFile, baselineFile].entries()) {
      const total = totals[i] as Map<string, number>;
      for (const [part, ms] of profileImport(file, maps[i] as SourceMap, dir))
        total.set(part, (total.get(part) ?? 0) + ms / runs);
    }
  const names = new Set([...totals[0].keys(), ...totals[1].keys()]);
  const parts = [...names]
    .map((name) => ({ name, ms: totals[0].get(name) ?? 0, baselineMs: totals[1].get(name) ?? 0 }))
    .sort((a, b) => b.ms - b.baselineMs - (a.ms - a.baselineMs));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return { parts, extraMs: sum(totals[0]) - sum(totals[1]) };
}

/** Bytes in the output per package (node_modules package, or the project's folder). */
export function packageShares(metafile: Metafile): Map<string, number> {
  const shares = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [path, input] of Object.entries(output.inputs)) {
      const inModules = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const name = inModules?.[1] ?? path.split("/").slice(0, -1).join("/") ?? path;
      shares.set(name, (shares.get(name) ?? 0) + input.bytesInOutput);
    }
  return shares;
}

async function bundle(entry: BuildOptions, outfile: string): Promise<Metafile> {
  const result = await build({ ...SETTINGS, ...entry, outfile });
  if (!result.metafile) throw new Error(`esbuild wrote no metafile for ${outfile}`);
  return result.metafile;
}

/** Milliseconds to import `file` in a fresh Node process. */
function importMs(file: string): number {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const t=performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now()-t));`,
    ],
    { env: { ...process.env, AWS_REGION: "eu-west-1", POWERTOOLS_LOG_LEVEL: "SILENT" } },
  ).toString();
  return Number(out);
}

/** Instructions Node executes to import `file` (or to start, when `file` is undefined), by callgrind. */
function instructions(file: string | undefined, dir: string): number {
  const script = file ? `await import(${JSON.stringify(file)});` : "";
  const outFile = join(dir, "callgrind.out");
  const run = spawnSync(
    "valgrind",
    [
      "--tool=callgrind",
      `--callgrind-out-file=${outFile}`,
      process.execPath,
      "--single-threaded",
      "--input-type=module",
      "-e",
      script,
    ],
    { env: { ...process.env, AWS_REGION: "eu-west-1", POWERTOOLS_LOG_LEVEL: "SILENT" }, encoding: "utf8" },
  );
  const log = run.stderr ?? "";
  rmSync(outFile, { force: true });
  const refs = log.match(/Collected\s*:\s*(\d+)/);
  if (!refs?.[1]) throw new Error(`callgrind reported no instruction count for ${file ?? "node"}`);
  return Number(refs[1]);
}

export interface BundleOptions {
  /** Interleaved rounds per function (at least 5). */
  readonly pairs: number;
  /** Also count instructions with callgrind (slow: about a minute per bundle on a loaded machine). */
  readonly instructions: boolean;
  /** Also profile the imports to split the extra init time by part (`initParts`). */
  readonly profile: boolean;
}

/** Imports each file once per round, in turn, and returns each one's times and its ratio to the last file's. */
function interleave(files: readonly string[], rounds: number): { ms: number[][]; ratios: number[][] } {
  for (const file of files) importMs(file); // warm the file cache before the first round
  const ms = files.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) for (const [i, file] of files.entries()) ms[i]?.push(importMs(file));
  const base = ms[files.length - 1] ?? [];
  return { ms, ratios: ms.map((times) => times.map((t, r) => t / (base[r] ?? t))) };
}

export interface TagPolicyShare {
  readonly bytes: number;
  /** Init of (a baseline + re2js + semver) over the same baseline's. */
  readonly initRatio: Spread;
  readonly instructionRatio?: number;
}

export async function measureBundles(
  functions: readonly string[],
  options: BundleOptions,
): Promise<{ functions: BundleFigures[]; tagPolicy: TagPolicyShare }> {
  const dir = mkdtempSync(join(tmpdir(), "ecs-autopilot-bench-"));
  const figures: BundleFigures[] = [];
  const nodeStart = options.instructions ? instructions(undefined, dir) : 0;
  const instructionRatio = (file: string, baselineFile: string) =>
    options.instructions
      ? (instructions(file, dir) - nodeStart) / (instructions(baselineFile, dir) - nodeStart)
      : undefined;
  const baselineOf = async (name: string, clients: readonly string[], extra = "") => {
    const source = join(dir, `${name}.ts`);
    writeFileSync(
      source,
      `${clients.map((c) => `import { ${MAIN_EXPORT[c]} } from "@aws-sdk/${c}";`).join("\n")}\n${extra}` +
        `export const clients = [${clients.map((c) => MAIN_EXPORT[c]).join(", ")}];\n`,
    );
    const file = join(dir, `${name}.mjs`);
    const entry = { entryPoints: [source], nodePaths: [join(ROOT, "node_modules")] };
    const metafile = await bundle(entry, file);
    // The same bundle with a source map, for the profile only: the timed bundles carry none.
    const profiled = join(dir, "profiled", `${name}.mjs`);
    if (options.profile) await bundle({ ...entry, ...PROFILED }, profiled);
    return { file, metafile, profiled };
  };
  mkdirSync(join(dir, "profiled"));
  try {
    for (const fn of functions) {
      const clients = CLIENTS_USED[fn];
      if (!clients) throw new Error(`bench/bundles.ts: no AWS SDK clients listed for functions/${fn}.ts`);
      const entry = join(ROOT, "functions", `${fn}.ts`);
      const outfile = join(dir, `${fn}.mjs`);
      const metafile = await bundle({ entryPoints: [entry] }, outfile);
      const profiled = join(dir, "profiled", `${fn}.mjs`);
      if (options.profile) await bundle({ entryPoints: [entry], ...PROFILED }, profiled);
      const baseline = await baselineOf(`${fn}.baseline`, clients);
      const shares = packageShares(metafile);
      const baseShares = packageShares(baseline.metafile);
      const usedPackages = new Set(clients.map((c) => `@aws-sdk/${c}`));
      for (const used of usedPackages)
        if (!shares.has(used))
          throw new Error(`functions/${fn}.ts: the bundle has no ${used}, listed as used`);
      const overhead = [...shares]
        .map(([name, bytes]) => ({ name, bytes: bytes - (baseShares.get(name) ?? 0) }))
        .filter((p) => p.bytes > 1024)
        .sort((a, b) => b.bytes - a.bytes);
      const unusedClients = overhead.filter(
        (p) => /^@aws-sdk\/client-/.test(p.name) && !usedPackages.has(p.name),
      );
      const { ms, ratios } = interleave([outfile, baseline.file], options.pairs);
      const profile = options.profile
        ? initParts(profiled, baseline.profiled, options.pairs, dir)
        : undefined;
      const fnInstructions = instructionRatio(outfile, baseline.file);
      figures.push({
        fn,
        bytes: statSync(outfile).size,
        baselineBytes: statSync(baseline.file).size,
        clients,
        unusedClients,
        initRatio: spread(ratios[0] ?? []),
        initMs: spread(ms[0] ?? []),
        baselineInitMs: spread(ms[1] ?? []),
        ...(fnInstructions !== undefined ? { instructionRatio: fnInstructions } : {}),
        overhead,
        zodBytes: shares.get("zod") ?? 0,
        tagPolicyBytes: (shares.get("re2js") ?? 0) + (shares.get("semver") ?? 0),
        ...(profile ? { initParts: profile.parts, profiledExtraMs: profile.extraMs } : {}),
      });
    }
    // The config's tag-policy validation (re2js + semver) on its own, over the redeploy baseline.
    const clients = CLIENTS_USED.redeploy ?? [];
    const plain = await baselineOf("tag-policy.baseline", clients);
    const withTagPolicy = await baselineOf(
      "tag-policy",
      clients,
      'import { RE2JS } from "re2js";\nimport semver from "semver";\nexport const tagPolicy = [RE2JS, semver];\n',
    );
    const { ratios } = interleave([withTagPolicy.file, plain.file], options.pairs);
    const tagInstructions = instructionRatio(withTagPolicy.file, plain.file);
    return {
      functions: figures,
      tagPolicy: {
        bytes: statSync(withTagPolicy.file).size - statSync(plain.file).size,
        initRatio: spread(ratios[0] ?? []),
        ...(tagInstructions !== undefined ? { instructionRatio: tagInstructions } : {}),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
