/**
 * What every fuzz test here shares: hostile values, mutations of real inputs, and the bound on
 * each case. A parser's input is "anything a user or an attacker can put there"; its answer must
 * be a typed value or an error of the class it documents (an `AutopilotError` naming the field
 * and the file), never a TypeError, never a hang, never an AWS call.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { AutopilotError } from "../../core/errors.ts";

/**
 * The bound on one fuzz case: a hang guard, not a performance measure (performance is measured in
 * `npm run bench`). Cases take microseconds to a few milliseconds; what this catches is a
 * super-linear blow-up (catastrophic backtracking, an alias bomb, a quadratic walk), which takes
 * seconds to hours. Generous so that a loaded 2-core machine never trips it.
 */
export const CASE_BOUND_MS = 2000;

const overBound = (started: number, what: string): Error | undefined => {
  const took = performance.now() - started;
  return took > CASE_BOUND_MS
    ? new Error(`${what} took ${Math.round(took)} ms (bound ${CASE_BOUND_MS} ms)`)
    : undefined;
};

/** Runs one case and fails it when it took longer than {@link CASE_BOUND_MS}. */
export function bounded<T>(run: () => T, what = "the case"): T {
  const started = performance.now();
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: run() };
  } catch (error) {
    outcome = { error };
  }
  const late = overBound(started, what);
  if (late) throw late;
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

/** {@link bounded} for async parsers, which also cannot hang on a promise that never settles. */
export async function boundedAsync<T>(run: () => Promise<T>, what = "the case"): Promise<T> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = {
      value: await Promise.race([
        run(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${what} did not settle within ${CASE_BOUND_MS} ms`)),
            CASE_BOUND_MS,
          );
        }),
      ]),
    };
  } catch (error) {
    outcome = { error };
  }
  clearTimeout(timer);
  const late = overBound(started, what);
  if (late) throw late;
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

/** An error a parser may answer with: one of its documented classes (all `AutopilotError`s), with a message. */
export function expectDocumentedError(
  error: unknown,
  classes: ReadonlyArray<abstract new (...args: never[]) => AutopilotError>,
): void {
  if (!(error instanceof AutopilotError && classes.some((c) => error instanceof c)))
    throw new Error(
      `expected ${classes.map((c) => c.name).join(" or ")}, got ${
        error instanceof Error ? `${error.constructor.name}: ${error.message}\n${error.stack}` : String(error)
      }`,
    );
  expect(error.message.length).toBeGreaterThan(0);
}

/** Strings that break parsers: huge, control characters, lone surrogates, look-alikes, injections. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ unit: "grapheme", maxLength: 32 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\ud800",
    "\u202e",
    "__proto__",
    "constructor",
    "toString",
    "NaN",
    "-1",
    "1e309",
    "9".repeat(400),
    "a".repeat(70_000),
    "[".repeat(5_000),
    '{"a":'.repeat(2_000),
    "- ".repeat(2_000),
    "(a+)+$",
    "*a*a*a*a*a*a*a*a*b",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CI placeholder, literally.
    "${IMAGE}",
    "{{image}}",
    "&a [*a]",
    "!Ref X",
    "https://hooks.slack.com/services/T000/B000/XXXX",
  ),
);

/** Any JSON value, with hostile strings among the leaves. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, [], {}, [null], 0, -1, 1.5, true, Number.MAX_SAFE_INTEGER) },
);

type Path = ReadonlyArray<string | number>;

/** Every path into a JSON value (the root included), for mutations. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const here: Path[] = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

/** A copy of `value` with the value at `path` replaced (or deleted when `replacement` is the DELETE marker). */
export const DELETE = Symbol("delete");
export function withAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const copy: unknown = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === DELETE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = replacement;
  }
  return copy;
}

/**
 * Real inputs with one to three fields replaced by hostile values, deleted, or given an extra
 * key: mostly "almost valid" documents, which reach deeper into a parser than random JSON does.
 */
export function mutationsOf(
  samples: readonly unknown[],
  /** Which paths may be mutated (default: all); e.g. list entries only, to reach what lists hold. */
  where: (path: Path) => boolean = () => true,
): fc.Arbitrary<unknown> {
  const mutation = fc.tuple(fc.nat(), fc.oneof(hostileJson, fc.constant<unknown>(DELETE)));
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([sample, mutations]) => {
      let value: unknown = sample;
      for (const [pick, replacement] of mutations) {
        const paths = pathsOf(value).filter(where);
        if (paths.length === 0) break;
        value = withAt(value, paths[pick % paths.length] ?? [], replacement);
      }
      return value;
    });
}

/** Paths to list entries (`…[3]`): what a parser reads entry by entry. */
export const listEntry = (path: Path): boolean => typeof path[path.length - 1] === "number";

/** Runs per fuzz property: enough to find the classes of bug found so far in a few seconds. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** A fuzz test's own timeout, for more runs (`FUZZ_RUNS=5000`) on a loaded machine. */
export const FUZZ_TIMEOUT_MS = Math.max(30_000, RUNS * 60);
