import { RE2JS, RE2JSException } from "re2js";
import { AutopilotError } from "../errors.ts";

/** A user-supplied regular expression or glob that cannot be compiled. */
export class PatternError extends AutopilotError {
  override readonly name = "PatternError";
  readonly code = "pattern-invalid";
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`invalid pattern '${pattern}': ${problem}`);
  }
}

/** What a pattern captured in a tag. */
export interface PatternMatch {
  /** The matched text. */
  readonly whole: string;
  /** Capture groups in order (a glob captures each wildcard); undefined where a group did not take part. */
  readonly groups: ReadonlyArray<string | undefined>;
  /** Named groups: `(?P<version>…)` (Go, Python) and `(?<version>…)` (JavaScript) both name one. */
  readonly named: Readonly<Record<string, string | undefined>>;
}

/**
 * A user-supplied tag pattern on a linear-time engine (RE2, through re2js): matching costs time
 * proportional to the tag whatever the pattern, so a pattern in the central config can never stall
 * the redeploy function (no catastrophic backtracking, as `(a+)+$` would cause in JavaScript's
 * engine). RE2 is the engine Keel, Flux and Argo CD Image Updater use (Go's `regexp`), so their
 * users' patterns mean the same here; back-references and look-arounds do not exist in it.
 *
 * @example
 * TagPattern.regex("^build-(?P<version>\\d+)$").match("build-42")?.named.version; // "42"
 * TagPattern.glob("release-*").match("release-42")?.groups;                       // ["42"]
 */
export class TagPattern {
  private constructor(
    /** The pattern as the user wrote it. */
    readonly source: string,
    private readonly compiled: RE2JS,
  ) {}

  /** A regular expression in RE2 syntax; it matches anywhere in the tag unless anchored (`^…$`), like Go's `MatchString`. */
  static regex(source: string): TagPattern {
    if (source === "") throw new PatternError(source, "empty regular expression");
    return new TagPattern(source, compile(source, source));
  }

  /**
   * A glob over a whole tag: `*` any run of characters, `?` one character, `[abc]`, `[a-z]`,
   * `[!a-z]` one of (or none of) a set, `\` escapes. Every wildcard is a capture group, so the
   * part a wildcard matched can be compared (`release-*`: the number after `release-`).
   */
  static glob(pattern: string): TagPattern {
    if (pattern === "") throw new PatternError(pattern, "empty glob");
    let regex = "^";
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i] ?? "";
      if (c === "*") {
        while (pattern[i + 1] === "*") i++;
        // Lazy, like Go's filepath.Match: each star takes the shortest run that lets the rest match.
        regex += "(.*?)";
      } else if (c === "?") {
        regex += "(.)";
      } else if (c === "[") {
        const end = classEnd(pattern, i);
        if (end === -1) throw new PatternError(pattern, `unclosed '[' at position ${i + 1}`);
        regex += `(${globClass(pattern.slice(i + 1, end))})`;
        i = end;
      } else if (c === "\\") {
        const next = pattern[i + 1];
        if (next === undefined) throw new PatternError(pattern, "trailing '\\' escapes nothing");
        regex += RE2JS.quote(next);
        i++;
      } else {
        regex += RE2JS.quote(c);
      }
    }
    // A class RE2 refuses (`[z-a]`) is the user's pattern's fault too: a PatternError, not RE2's own.
    return new TagPattern(pattern, compile(pattern, `${regex}$`));
  }

  /** Number of capture groups. */
  get groupCount(): number {
    return this.compiled.groupCount();
  }

  /** Names of the named groups. */
  get groupNames(): readonly string[] {
    return Object.keys(this.compiled.namedGroups());
  }

  /** The first match in `tag`, or undefined. */
  match(tag: string): PatternMatch | undefined {
    const matcher = this.compiled.matcher(tag);
    if (!matcher.find()) return undefined;
    const groups: Array<string | undefined> = [];
    for (let i = 1; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    // Defined, not assigned: a group named `__proto__` is a key of its own, not the object's prototype.
    const named: Record<string, string | undefined> = Object.fromEntries(
      Object.entries(matcher.getNamedGroups()).map(([name, value]) => [name, value ?? undefined]),
    );
    return { whole: matcher.group(0) ?? "", groups, named };
  }
}

/** `regex` compiled by RE2; a syntax error is a PatternError naming the user's `source`. */
function compile(source: string, regex: string): RE2JS {
  try {
    return RE2JS.compile(regex);
  } catch (error) {
    if (error instanceof RE2JSException) throw new PatternError(source, error.message);
    throw error;
  }
}

/** Index of the `]` closing the class opened at `start`, or -1. A `]` right after `[` or `[!` is literal. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  return -1;
}

/**
 * A glob character class (`a-z`, `!0-9`) as an RE2 class: every member literal (an escaped
 * letter is the letter, never an RE2 class such as `\\d`), `-` between two members a range.
 */
function globClass(body: string): string {
  let negate = false;
  let rest = body;
  if (rest.startsWith("!") || rest.startsWith("^")) {
    negate = true;
    rest = rest.slice(1);
  }
  let out = "";
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charAt(i);
    // An escaped character: classEnd pairs every backslash with the character after it, so one follows.
    if (c === "\\") out += classMember(rest.charAt(++i));
    else if (c === "-" && i > 0 && i < rest.length - 1) out += "-";
    else out += classMember(c);
  }
  return `[${negate ? "^" : ""}${out}]`;
}

/** One character as a literal member of an RE2 class: letters and digits as they are, anything else escaped. */
function classMember(c: string): string {
  return /[A-Za-z0-9]/.test(c) ? c : `\\${c}`;
}
