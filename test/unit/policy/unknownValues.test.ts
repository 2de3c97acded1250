/**
 * The promise of every input format: a value the input does not know (a variable, a reference, a
 * function, a value known after apply) is reported as UNKNOWN, never decided as a pass or a fail.
 *
 * This holds for every rule, present and future, by a property: for each rule, each document it
 * passes or fails (./ruleCases.ts), and each value the rule reads (found by watching the rule read,
 * not by what it declares), the value is replaced by an unknown. The rule may then
 * - pass only if it passes for every concrete value tried at that place (a silent pass otherwise);
 * - fail at a path only if it fails there for every concrete value tried (a false finding otherwise);
 * - or say unknown, always allowed.
 * The concrete values tried are the values the cases hold under the same field name, and a few of
 * every type. A new rule that reads an unknown as absent, empty or "not production" fails here.
 */
import { describe, expect, it } from "vitest";
import { evaluateRule, type PolicyRule, RULES, Unknown } from "../../../core/policy/index.ts";
import type { RelatedResources, RunContext } from "../../../core/policy/types.ts";
import { COMPLIANT, compliant, type Json, OTHER_FAILING, RUN, TASK_DEFINITION_FAILING } from "./ruleCases.ts";

type Path = Array<string | number>;
/** What a rule sees: the checked document, its related resources and how it runs. */
interface Input {
  document: Json;
  related: RelatedResources;
  run: RunContext;
}

const kindOf = (rule: PolicyRule) => rule.resource ?? "taskDefinition";

/** The inputs each rule is tried on: every compliant and failing case of its kind. */
function inputsFor(rule: PolicyRule): Input[] {
  const kind = kindOf(rule);
  if (kind === "taskDefinition") {
    const cases = Object.values(TASK_DEFINITION_FAILING).map(({ change }) => {
      const document = compliant();
      change(document);
      return document;
    });
    return [compliant(), ...cases].flatMap((document) => [
      { document, related: {}, run: RUN },
      // No service context: the rules that need one must not guess it.
      { document: structuredClone(document), related: {}, run: {} },
    ]);
  }
  const failing = Object.values(OTHER_FAILING).filter((c) => c.kind === kind);
  const related = failing.map((c) => c.related).find((r) => r !== undefined) ?? {};
  return [
    { document: COMPLIANT[kind](), related, run: RUN },
    ...failing.map(({ change, related: own }) => {
      const document = COMPLIANT[kind]();
      change(document);
      return { document, related: own ?? related, run: RUN };
    }),
  ];
}

/** Every path the rule reads (`document…`, `related…`, `run…`), by watching it read. */
function readsOf(rule: PolicyRule, input: Input): Path[] {
  const paths = new Map<string, Path>();
  const watch = (value: unknown, path: Path): unknown => {
    if (typeof value !== "object" || value === null || value instanceof Unknown) return value;
    return new Proxy(value, {
      get(target, key, receiver) {
        const inner = Reflect.get(target, key, receiver) as unknown;
        if (typeof key === "symbol") return inner;
        const isIndex = Array.isArray(target) && /^\d+$/.test(key);
        if (Array.isArray(target) && !isIndex) return inner;
        const child = [...path, isIndex ? Number(key) : key];
        paths.set(JSON.stringify(child), child);
        return watch(inner, child);
      },
    });
  };
  rule.check(watch(input.document, ["document"]) as Json, {
    params: rule.params ?? {},
    related: watch(input.related, ["related"]) as RelatedResources,
    run: watch(input.run, ["run"]) as RunContext,
  });
  return [...paths.values()];
}

/** `input` with the value at `path` replaced (deleted for `undefined`). */
function replaced(input: Input, path: Path, value: unknown): Input {
  const copy = structuredClone({ document: input.document, related: input.related, run: input.run });
  let parent: Record<string | number, unknown> = copy as never;
  for (const part of path.slice(0, -1)) {
    const next = parent[part];
    if (typeof next !== "object" || next === null) parent[part] = typeof part === "number" ? [] : {};
    parent = parent[part] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy as Input;
}

/** Findings (by path) and whether anything is unknown, for one rule and one input. */
function decide(rule: PolicyRule, input: Input) {
  const outcome = evaluateRule(rule, input.document, {
    params: rule.params ?? {},
    related: input.related,
    run: input.run,
  });
  return {
    failing: new Set(outcome.violations.map((v) => JSON.stringify(v.path))),
    unknown: outcome.unknown.length > 0,
  };
}

/** Values the cases hold, by field name: the concrete values worth trying at a field of that name. */
const VALUES_BY_FIELD = new Map<string, unknown[]>();
function harvest(value: unknown, key: string) {
  if (value === undefined) return;
  const list = VALUES_BY_FIELD.get(key) ?? [];
  if (!list.some((v) => JSON.stringify(v) === JSON.stringify(value))) list.push(value);
  VALUES_BY_FIELD.set(key, list);
  if (Array.isArray(value)) for (const item of value) harvest(item, `${key}[]`);
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) harvest(v, k);
}
for (const rule of RULES)
  for (const input of inputsFor(rule)) {
    harvest(input.document, "document");
    for (const [k, v] of Object.entries(input.related)) harvest(v, k);
    for (const [k, v] of Object.entries(input.run)) harvest(v, k);
  }
/** A few values of every type, for fields no case varies. */
const GENERIC: unknown[] = [undefined, null, true, false, 0, 1024, "", "prod", [], [{}], {}];

function probes(path: Path, original: unknown): unknown[] {
  const last = path[path.length - 1];
  const key = typeof last === "number" ? `${String(path[path.length - 2])}[]` : String(last);
  return [original, ...(VALUES_BY_FIELD.get(key) ?? []), ...GENERIC];
}

const at = (input: Input, path: Path) =>
  path.reduce<unknown>((v, p) => (typeof v === "object" && v !== null ? (v as never)[p] : undefined), input);

describe("unknown values: never a silent pass, never a false finding, for every rule", () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (_id, rule) => {
    let tried = 0;
    const problems: string[] = [];
    for (const input of inputsFor(rule))
      for (const path of readsOf(rule, input)) {
        const withUnknown = decide(rule, replaced(input, path, new Unknown("var.probe")));
        const concrete = probes(path, at(input, path))
          .map((value) => ({ value, result: decide(rule, replaced(input, path, value)) }))
          // A value the rule cannot decide either (e.g. "TRUE" for a boolean) constrains nothing.
          .filter(({ result }) => !result.unknown);
        tried += concrete.length;
        const where = `${path.join(".")} in ${JSON.stringify(input.document).slice(0, 80)}…`;
        if (withUnknown.failing.size === 0 && !withUnknown.unknown) {
          const fails = concrete.find(({ result }) => result.failing.size > 0);
          if (fails) problems.push(`passes with ${where} unknown, fails with ${JSON.stringify(fails.value)}`);
        }
        for (const finding of withUnknown.failing) {
          const passes = concrete.find(({ result }) => !result.failing.has(finding));
          if (passes)
            problems.push(
              `fails at ${finding} with ${where} unknown, not with ${JSON.stringify(passes.value)}`,
            );
        }
      }
    expect(problems).toEqual([]);
    // The property was exercised: the rule read values and concrete ones were tried.
    expect(tried).toBeGreaterThan(0);
  });
});
