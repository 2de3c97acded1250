import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");

export interface BundleFigures {
  readonly fn: string;
  readonly bytes: number;
  readonly initMsMedian: number;
  readonly initMsRuns: number[];
}

/**
 * Bundles each Lambda entry the way SST does (esbuild, ESM, Node 22, minified, AWS SDK
 * included), then measures its init: importing the bundle in a fresh Node process, the work
 * Lambda does on a cold start before the first event.
 */
export async function measureBundles(functions: readonly string[], runs = 7): Promise<BundleFigures[]> {
  const out = mkdtempSync(join(tmpdir(), "ecs-autopilot-bench-"));
  const figures: BundleFigures[] = [];
  for (const fn of functions) {
    const outfile = join(out, `${fn}.mjs`);
    await build({
      entryPoints: [join(ROOT, "functions", `${fn}.ts`)],
      bundle: true,
      platform: "node",
      target: "node22",
      format: "esm",
      minify: true,
      outfile,
      banner: {
        js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
      logLevel: "error",
    });
    const timings: number[] = [];
    for (let i = 0; i < runs; i++) {
      const ms = execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const t=performance.now(); await import(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now()-t));`,
        ],
        { env: { ...process.env, AWS_REGION: "eu-west-1", POWERTOOLS_LOG_LEVEL: "SILENT" } },
      ).toString();
      timings.push(Number(ms));
    }
    const sorted = [...timings].sort((a, b) => a - b);
    figures.push({
      fn,
      bytes: statSync(outfile).size,
      initMsMedian: Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10,
      initMsRuns: timings.map((t) => Math.round(t * 10) / 10),
    });
  }
  return figures;
}
