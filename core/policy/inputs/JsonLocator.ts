import { own } from "../../own.ts";
import type { FieldPath, SourceLocation } from "../types.ts";

/** Where a member or element starts, and where its value does. */
interface Entry {
  readonly at: number;
  readonly value: number;
}
/** The entries of one object (by key, in order) or array, found on first visit. */
type Children = { readonly keys: ReadonlyArray<readonly [string, Entry]> } | { readonly items: Entry[] };

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/**
 * Line and column of a path in a JSON text that `JSON.parse` has read, without a syntax tree: the
 * text is scanned lazily, each object or array once, when a path first goes through it, so a 50 MB
 * plan costs one pass over the containers on the way to the findings, not a node per value.
 * Paths follow the YAML locator's rules: keys may match case-insensitively and through aliases, a
 * list index on an object is skipped, and a missing field gives its nearest existing parent.
 *
 * @example
 * new JsonLocator(text).locate(["containerDefinitions", 0, "image"]); // → { line: 5, column: 7 }
 */
export class JsonLocator {
  private readonly children = new Map<number, Children>();
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  locate(
    path: FieldPath,
    options: { caseInsensitive?: boolean; aliases?: Readonly<Record<string, readonly string[]>> } = {},
  ): SourceLocation | undefined {
    let value = this.skipSpace(0);
    if (value >= this.text.length) return undefined;
    let found = value;
    for (const segment of path) {
      const open = this.text[value];
      if (open === "{" && typeof segment === "number") continue;
      const children = open === "{" || open === "[" ? this.childrenOf(value) : undefined;
      let entry: Entry | undefined;
      if (children && "keys" in children && typeof segment === "string") {
        const names = [segment, ...((options.aliases && own(options.aliases, segment)) ?? [])];
        const lower = options.caseInsensitive ? names.map((n) => n.toLowerCase()) : [];
        entry = children.keys.find(
          ([key]) => names.includes(key) || (lower.length > 0 && lower.includes(key.toLowerCase())),
        )?.[1];
      } else if (children && "items" in children && typeof segment === "number")
        entry = children.items[segment];
      if (!entry) break;
      found = entry.at;
      value = entry.value;
    }
    return this.position(found);
  }

  /** Line and column (1-based) of an offset. */
  private position(offset: number): SourceLocation {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }

  /** The members or elements of the object or array at `start`, scanned once. */
  private childrenOf(start: number): Children {
    const known = this.children.get(start);
    if (known) return known;
    const t = this.text;
    const isObject = t[start] === "{";
    const keys: Array<readonly [string, Entry]> = [];
    const items: Entry[] = [];
    let i = this.skipSpace(start + 1);
    while (i < t.length && t[i] !== "}" && t[i] !== "]") {
      const at = i;
      if (isObject) {
        const keyEnd = this.skipString(i);
        const key = JSON.parse(t.slice(i, keyEnd)) as string;
        i = this.skipSpace(keyEnd);
        i = this.skipSpace(i + 1); // the colon
        keys.push([key, { at, value: i }]);
      } else items.push({ at, value: i });
      i = this.skipSpace(this.skipValue(i));
      if (t[i] === ",") i = this.skipSpace(i + 1);
    }
    const children = isObject ? { keys } : { items };
    this.children.set(start, children);
    return children;
  }

  private skipSpace(i: number): number {
    while (i < this.text.length && WHITESPACE.has(this.text[i] as string)) i++;
    return i;
  }

  /** From the opening quote of a string to after its closing one. */
  private skipString(i: number): number {
    const t = this.text;
    let j = i + 1;
    for (;;) {
      const quote = t.indexOf('"', j);
      if (quote === -1) return t.length;
      let backslashes = 0;
      for (let k = quote - 1; t[k] === "\\"; k--) backslashes++;
      if (backslashes % 2 === 0) return quote + 1;
      j = quote + 1;
    }
  }

  /** From the start of a value to after its end. */
  private skipValue(i: number): number {
    const t = this.text;
    const c = t[i];
    if (c === '"') return this.skipString(i);
    if (c !== "{" && c !== "[") {
      let j = i;
      while (j < t.length && !",}] \t\n\r".includes(t[j] as string)) j++;
      return j;
    }
    let depth = 0;
    const structure = /["{}[\]]/g;
    structure.lastIndex = i;
    for (let m = structure.exec(t); m; m = structure.exec(t)) {
      const d = m[0];
      if (d === '"') {
        structure.lastIndex = this.skipString(m.index);
        continue;
      }
      if (d === "{" || d === "[") depth++;
      else if (--depth === 0) return m.index + 1;
    }
    const j = t.length;
    return j;
  }
}
