import { RE2JS, RE2JSException } from "re2js";
import { PatternError } from "../tagPolicy/index.ts";

/**
 * What a name glob may hold, for messages: `*` any run of characters (`/` included), `?` one
 * character, `[a-z]` / `[!a-z]` one of (or none of) a set, `{a,b}` one of the alternatives,
 * `\` escapes the next character; `**` as a whole path segment may also match no segment
 * (`**\/web` matches `web`, `shop/**` matches `shop`), as in picomatch, which this replaced.
 */
export const NAME_GLOB_SYNTAX =
  "'*' any run of characters ('/' included), '?' one character, '[a-z]' or '[!a-z]', '{a,b}', '\\' escapes";

/** Extended globs of other tools (`@(a|b)`, `!(x)`, `+(x)`, `*(x)`, `?(x)`) that this language does not have. */
const EXTGLOB = /[@!+*?]\(/;

/**
 * Compiles a config glob over names (clusters, services, repositories, task-definition families,
 * registries, images) to a linear-time matcher (RE2, through re2js): matching costs time
 * proportional to the name whatever the glob, so a glob such as `*a*a*a*a*a*a*a*a*b` cannot stall
 * a function (a backtracking glob engine took 17 s for it against a 50-character name).
 * `*` matches any run of characters including `/`, because ECR repository names are paths
 * (`shop/web`) and users write `*` meaning "any".
 *
 * @throws {PatternError} when the glob cannot be compiled (an unclosed `[` or `{`, a trailing
 * `\`, an extended glob, a leading `!`), naming the problem.
 *
 * @example
 * compileNameGlob("prod-{eu,us}-*").testExact("prod-eu-1"); // true
 */
export function compileNameGlob(glob: string): RE2JS {
  if (glob === "") throw new PatternError(glob, "empty glob");
  if (glob.startsWith("!"))
    throw new PatternError(glob, "a leading '!' (negation) is not supported; put a more specific rule first");
  const extglob = EXTGLOB.exec(glob);
  if (extglob)
    throw new PatternError(
      glob,
      `extended globs such as '${extglob[0]}…)' are not supported; use ${NAME_GLOB_SYNTAX}`,
    );
  // By code point, so that a character outside the BMP is one character, as RE2 sees it.
  const chars = Array.from(glob);
  let regex = "";
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (c === "*") {
      const start = i;
      while (chars[i + 1] === "*") i++;
      const globstar = i === start + 1 && (start === 0 || chars[start - 1] === "/");
      if (globstar && chars[i + 1] === "/") {
        // `**/` is any number of leading path segments, none included: `**/web` matches `web`.
        regex += "(?:.*/)?";
        i++;
      } else {
        regex += ".*";
      }
    } else if (c === "/" && chars[i + 1] === "*" && chars[i + 2] === "*" && i + 3 === chars.length) {
      // A trailing `/**` is the path itself or anything under it: `shop/**` matches `shop`.
      regex += "(?:/.*)?";
      break;
    } else if (c === "?") {
      regex += ".";
    } else if (c === "[") {
      const end = classEnd(chars, i);
      if (end === -1) throw new PatternError(glob, `unclosed '[' at position ${i + 1}`);
      regex += globClass(chars.slice(i + 1, end));
      i = end;
    } else if (c === "{") {
      depth++;
      regex += "(?:";
    } else if (c === "," && depth > 0) {
      regex += "|";
    } else if (c === "}" && depth > 0) {
      depth--;
      regex += ")";
    } else if (c === "\\") {
      const next = chars[i + 1];
      if (next === undefined) throw new PatternError(glob, "trailing '\\' escapes nothing");
      regex += RE2JS.quote(next);
      i++;
    } else {
      regex += RE2JS.quote(c);
    }
  }
  if (depth > 0) throw new PatternError(glob, "unclosed '{'");
  try {
    return RE2JS.compile(regex, RE2JS.DOTALL);
  } catch (error) {
    // e.g. braces nested deeper than RE2 allows.
    if (error instanceof RE2JSException) throw new PatternError(glob, error.message);
    throw error;
  }
}

/** Compiled globs by source; a config holds few, the cap only bounds a long-running process. */
const compiled = new Map<string, RE2JS | PatternError>();
const MAX_CACHED = 1000;

/**
 * Matches a whole name against a config glob ({@link compileNameGlob}); the config checks every
 * glob at load, so an invalid one never gets here from a loaded config.
 *
 * @throws {PatternError} for a glob that cannot be compiled.
 *
 * @example
 * matchesGlob("shop/web", "shop/*"); // true
 * matchesGlob("prod-eu", "prod-*"); // true
 */
export function matchesGlob(name: string, glob: string): boolean {
  let found = compiled.get(glob);
  if (!found) {
    if (compiled.size >= MAX_CACHED) compiled.clear();
    try {
      found = compileNameGlob(glob);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      found = error;
    }
    compiled.set(glob, found);
  }
  if (found instanceof PatternError) throw found;
  // A thing without a name is matched by no glob (as before, with picomatch).
  return name !== "" && found.testExact(name);
}

/** Index of the `]` closing the class opened at `start`, or -1. A `]` right after `[` or `[!` is literal. */
function classEnd(chars: readonly string[], start: number): number {
  let i = start + 1;
  if (chars[i] === "!" || chars[i] === "^") i++;
  if (chars[i] === "]") i++;
  for (; i < chars.length; i++) {
    if (chars[i] === "\\") i++;
    else if (chars[i] === "]") return i;
  }
  return -1;
}

/**
 * A glob character class (`a-z`, `!0-9`) as an RE2 class: every member literal (an escaped
 * letter is the letter, never an RE2 class such as `\\d`), `-` between two members a range.
 */
function globClass(body: readonly string[]): string {
  const negate = body[0] === "!" || body[0] === "^";
  const rest = negate ? body.slice(1) : body;
  const literal = (c: string) =>
    /^[A-Za-z0-9]$/.test(c) ? c : `\\x{${(c.codePointAt(0) ?? 0).toString(16)}}`;
  let out = "";
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] ?? "";
    if (c === "\\" && i + 1 < rest.length) out += literal(rest[++i] ?? "");
    else if (c === "-" && i > 0 && i < rest.length - 1) out += "-";
    else out += literal(c);
  }
  return `[${negate ? "^" : ""}${out}]`;
}
