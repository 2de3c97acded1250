import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const INFRA = resolve(import.meta.dirname, "..", "..", "infra");

/**
 * Each function's deployed timeout, read from infra/*.ts (`handler: "functions/<flow>.handler"`
 * and `timeout: "N seconds|minutes"` of the same `sst.aws.Function`), so the harness cuts
 * invocations off where Lambda would.
 *
 * @example
 * functionTimeouts().get("monitor"); // 30000
 */
export function functionTimeouts(): Map<string, number> {
  const timeouts = new Map<string, number>();
  for (const file of readdirSync(INFRA).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(INFRA, file), "utf8");
    for (const block of text.split("new sst.aws.Function(").slice(1)) {
      const flow = block.match(/handler:\s*"functions\/([\w-]+)\.handler"/)?.[1];
      const timeout = block.match(/timeout:\s*"(\d+) (second|minute)s?"/);
      if (!flow || !timeout) continue;
      timeouts.set(flow, Number(timeout[1]) * (timeout[2] === "minute" ? 60_000 : 1000));
    }
  }
  return timeouts;
}
