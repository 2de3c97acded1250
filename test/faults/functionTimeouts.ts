import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SLACK_POST_WORST_CASE_MS } from "../../core/notify/index.ts";

const INFRA = resolve(import.meta.dirname, "..", "..", "infra");

/** How a function is deployed, as far as Lambda's invocation semantics go. */
export interface DeployedFunction {
  readonly timeoutMs: number;
  /** Lambda's retries of a failed asynchronous invocation. */
  readonly retries: number;
}

/** `a * b + c` over numbers and known constants: what infra/'s budgets are written as. */
function evaluate(expression: string, constants: ReadonlyMap<string, number>, where: string): number {
  return expression.split("+").reduce(
    (sum, term) =>
      sum +
      term.split("*").reduce((product, factor) => {
        const token = factor.trim();
        const value = /^\d+(\.\d+)?$/.test(token) ? Number(token) : constants.get(token);
        if (value === undefined) throw new Error(`${where}: cannot evaluate '${token}' in '${expression}'`);
        return product * value;
      }, 1),
    0,
  );
}

/**
 * Each function's deployed timeout and async retries, read from infra/*.ts, so the harness cuts
 * invocations off and retries them where Lambda would. infra/ states each timeout as a budget,
 * `timeoutFor("Name", { part: seconds, … })` (infra/budgets.ts: the sum of the parts), over
 * constants of its file and `SLACK_POST_SECONDS` (core/notify's SLACK_POST_WORST_CASE_MS); a
 * function's `retries` is `flowFunctionArgs`'s unless its block sets its own.
 *
 * @example
 * functionTimeouts().get("monitor"); // { timeoutMs: 170000, retries: 2 }
 */
export function functionTimeouts(): Map<string, DeployedFunction> {
  const shared = readFileSync(join(INFRA, "shared.ts"), "utf8");
  const defaultRetries = Number(
    /export function flowFunctionArgs[\s\S]*?retries:\s*(\d+)/.exec(shared)?.[1] ?? Number.NaN,
  );
  const functions = new Map<string, DeployedFunction>();
  for (const file of readdirSync(INFRA).filter((f) => f.endsWith(".ts"))) {
    const text = readFileSync(join(INFRA, file), "utf8");
    const constants = new Map<string, number>([["SLACK_POST_SECONDS", SLACK_POST_WORST_CASE_MS / 1000]]);
    for (const [, name = "", value = ""] of text.matchAll(/const (\w+) = (\d+(?:\.\d+)?);/g))
      constants.set(name, Number(value));
    const budgets = new Map<string, number>();
    for (const [, name = "", parts = ""] of text.matchAll(
      /const (\w+) = timeoutFor\("\w+",\s*\{([^}]*)\}\)/g,
    )) {
      const seconds = parts
        .split(",")
        .filter((part) => part.trim())
        .reduce(
          (sum, part) => sum + evaluate(part.slice(part.indexOf(":") + 1), constants, `infra/${file}`),
          0,
        );
      budgets.set(name, seconds);
    }
    // `const args = flowFunctionArgs("monitor", timeout)` spread later, or spread in place, or
    // `const { retries: _none, ...args } = flowFunctionArgs(…)`: the rest spread, without retries.
    const argsOf = new Map<string, { budget: string; noRetries: boolean }>();
    for (const [, binding = "", budget = ""] of text.matchAll(
      /const (\w+|\{[^}]*\}) = flowFunctionArgs\("[\w-]+",\s*(\w+)\)/g,
    )) {
      const variable = binding.startsWith("{") ? /\.\.\.(\w+)/.exec(binding)?.[1] : binding;
      if (variable) argsOf.set(variable, { budget, noRetries: /\bretries\s*:/.test(binding) });
    }
    for (const block of text.split("new sst.aws.Function(").slice(1)) {
      const flow = block.match(/handler:\s*"functions\/([\w-]+)\.handler"/)?.[1];
      if (!flow) continue;
      const inline = /flowFunctionArgs\("[\w-]+",\s*(\w+)\)/.exec(block)?.[1];
      const spread = argsOf.get(/\.\.\.(\w+),/.exec(block)?.[1] ?? "");
      const budget = inline ?? spread?.budget;
      const seconds =
        (budget !== undefined ? budgets.get(budget) : undefined) ??
        (() => {
          const literal = block.match(/timeout:\s*"(\d+) (second|minute)s?"/);
          return literal ? Number(literal[1]) * (literal[2] === "minute" ? 60 : 1) : undefined;
        })();
      if (seconds === undefined) throw new Error(`infra/${file}: no timeout found for functions/${flow}.ts`);
      const ownRetries = /\bretries:\s*(\d+)/.exec(block.split("});")[0] ?? "")?.[1];
      functions.set(flow, {
        timeoutMs: seconds * 1000,
        // Without `retries` the function is only invoked synchronously (Notify: its SQS event source).
        retries: ownRetries !== undefined ? Number(ownRetries) : spread?.noRetries ? 0 : defaultRetries,
      });
    }
  }
  return functions;
}
