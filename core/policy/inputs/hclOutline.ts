import type { SourceLocation } from "../types.ts";

/** An attribute of an HCL body: where its name is and where its value's text starts and ends. */
export interface HclAttribute {
  readonly name: string;
  readonly at: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** A block (`resource "aws_ecs_service" "web" { … }`) with its attributes and nested blocks. */
export interface HclBlock {
  readonly type: string;
  readonly labels: readonly string[];
  readonly at: number;
  readonly attributes: readonly HclAttribute[];
  readonly blocks: readonly HclBlock[];
}

/**
 * The outline of an HCL file: blocks, attributes and their positions, nothing evaluated. The HCL
 * parser (hcl2json) gives values without positions; this gives positions so that findings point
 * to the line. It skips strings, heredocs, comments and nested brackets the way HCL reads them.
 */
export class HclOutline {
  readonly root: HclBlock;
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.lineStarts.push(i + 1);
    this.root = this.body(0, text.length, "", [], 0).block;
  }

  /** Line and column (1-based) of an offset. */
  position(offset: number): SourceLocation {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }

  /** The resource block `resource "<type>" "<name>"`. */
  resource(type: string, name: string): HclBlock | undefined {
    return this.root.blocks.find(
      (b) => b.type === "resource" && b.labels[0] === type && b.labels[1] === name,
    );
  }

  /** Skips a quoted string starting at `i` (on the quote); returns the index after it. */
  private skipString(i: number): number {
    const t = this.text;
    let j = i + 1;
    while (j < t.length) {
      const c = t[j];
      if (c === "\\") j += 2;
      else if (c === '"') return j + 1;
      else if ((c === "$" || c === "%") && t[j + 1] === "{") j = this.skipBalanced(j + 1, "{", "}");
      else j++;
    }
    return j;
  }

  /** Skips a heredoc starting at `i` (on `<<`); returns the index after its closing line. */
  private skipHeredoc(i: number): number {
    const match = /^<<-?([A-Za-z_][\w-]*)[^\n]*\n/.exec(this.text.slice(i, i + 200));
    if (!match) return i + 2;
    const marker = match[1] as string;
    const close = new RegExp(`^[ \\t]*${marker}[ \\t]*$`, "m");
    const rest = this.text.slice(i + match[0].length);
    const found = close.exec(rest);
    return found ? i + match[0].length + found.index + found[0].length : this.text.length;
  }

  /** Skips a comment starting at `i`, if there is one; returns `i` otherwise. */
  private skipComment(i: number): number {
    const t = this.text;
    if (t[i] === "#" || (t[i] === "/" && t[i + 1] === "/")) {
      const end = t.indexOf("\n", i);
      return end === -1 ? t.length : end;
    }
    if (t[i] === "/" && t[i + 1] === "*") {
      const end = t.indexOf("*/", i + 2);
      return end === -1 ? t.length : end + 2;
    }
    return i;
  }

  /** Skips from an opening bracket at `i` to after its match. */
  private skipBalanced(i: number, open: string, close: string): number {
    const t = this.text;
    let depth = 0;
    let j = i;
    while (j < t.length) {
      const skipped = this.skipComment(j);
      if (skipped !== j) {
        j = skipped;
        continue;
      }
      const c = t[j];
      if (c === '"') {
        j = this.skipString(j);
        continue;
      }
      if (c === "<" && t[j + 1] === "<") {
        j = this.skipHeredoc(j);
        continue;
      }
      if (c === open) depth++;
      else if (c === close) {
        depth--;
        if (depth === 0) return j + 1;
      } else if (c === "{" || c === "[" || c === "(") {
        j = this.skipBalanced(j, c, c === "{" ? "}" : c === "[" ? "]" : ")");
        continue;
      }
      j++;
    }
    return j;
  }

  /** The end of an attribute's value expression starting at `i`: the end of its line, outside brackets. */
  private expressionEnd(i: number, limit: number): number {
    const t = this.text;
    let j = i;
    while (j < limit) {
      const skipped = this.skipComment(j);
      if (skipped !== j) return j;
      const c = t[j];
      if (c === "\n" || c === "}") return j;
      if (c === '"') j = this.skipString(j);
      else if (c === "<" && t[j + 1] === "<") j = this.skipHeredoc(j);
      else if (c === "{" || c === "[" || c === "(")
        j = this.skipBalanced(j, c, c === "{" ? "}" : c === "[" ? "]" : ")");
      else j++;
    }
    return j;
  }

  private body(
    start: number,
    limit: number,
    type: string,
    labels: string[],
    at: number,
  ): { block: HclBlock; end: number } {
    const t = this.text;
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    let i = start;
    while (i < limit) {
      const skipped = this.skipComment(i);
      if (skipped !== i) {
        i = skipped;
        continue;
      }
      const c = t[i] as string;
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === "}") return { block: { type, labels, at, attributes, blocks }, end: i + 1 };
      const name = /^[A-Za-z_][\w-]*/.exec(t.slice(i, i + 200));
      if (!name) {
        i++;
        continue;
      }
      const nameAt = i;
      i += name[0].length;
      while (i < limit && /[ \t]/.test(t[i] as string)) i++;
      if (t[i] === "=" && t[i + 1] !== "=") {
        const valueStart = i + 1;
        const valueEnd = this.expressionEnd(valueStart, limit);
        attributes.push({ name: name[0], at: nameAt, valueStart, valueEnd });
        i = valueEnd;
        continue;
      }
      const blockLabels: string[] = [];
      while (i < limit && t[i] !== "{" && t[i] !== "\n") {
        if (t[i] === '"') {
          const end = this.skipString(i);
          blockLabels.push(t.slice(i + 1, end - 1));
          i = end;
        } else {
          const label = /^[A-Za-z_][\w-]*/.exec(t.slice(i, i + 200));
          if (label) {
            blockLabels.push(label[0]);
            i += label[0].length;
          } else i++;
        }
      }
      if (t[i] === "{") {
        const inner = this.body(i + 1, limit, name[0], blockLabels, nameAt);
        blocks.push(inner.block);
        i = inner.end;
      }
    }
    return { block: { type, labels, at, attributes, blocks }, end: i };
  }

  /**
   * The offset of a path inside a literal value (a JSON or HCL list/object, in `jsonencode(…)` or
   * a heredoc), or of its nearest existing parent.
   */
  literalOffset(start: number, end: number, path: ReadonlyArray<string | number>): number {
    const t = this.text;
    let i = start;
    while (i < end && t[i] !== "[" && t[i] !== "{") i++;
    if (i >= end) return start;
    let best = i;
    for (const segment of path) {
      if (t[i] !== "[" && t[i] !== "{") break;
      const close = this.skipBalanced(i, t[i] as string, t[i] === "[" ? "]" : "}");
      const next =
        typeof segment === "number"
          ? this.nthElement(i + 1, close - 1, segment)
          : this.keyValue(i + 1, close - 1, segment);
      if (next === undefined) break;
      best = next.at;
      i = next.value;
      while (i < close && /\s/.test(t[i] as string)) i++;
    }
    return best;
  }

  /** Elements of a list body between `i` and `end`, split at top-level commas. */
  private items(i: number, end: number): Array<{ at: number; end: number }> {
    const t = this.text;
    const found: Array<{ at: number; end: number }> = [];
    let j = i;
    let itemStart = -1;
    while (j < end) {
      const skipped = this.skipComment(j);
      if (skipped !== j) {
        j = skipped;
        continue;
      }
      const c = t[j] as string;
      if (c === ",") {
        if (itemStart !== -1) found.push({ at: itemStart, end: j });
        itemStart = -1;
        j++;
        continue;
      }
      if (!/\s/.test(c) && itemStart === -1) itemStart = j;
      if (c === '"') j = this.skipString(j);
      else if (c === "{" || c === "[" || c === "(")
        j = this.skipBalanced(j, c, c === "{" ? "}" : c === "[" ? "]" : ")");
      else j++;
    }
    if (itemStart !== -1) found.push({ at: itemStart, end });
    return found;
  }

  private nthElement(i: number, end: number, n: number): { at: number; value: number } | undefined {
    const item = this.items(i, end)[n];
    return item ? { at: item.at, value: item.at } : undefined;
  }

  /** `key = value`, `"key" = value`, `"key": value` (HCL object or JSON) inside an object body. */
  private keyValue(i: number, end: number, key: string): { at: number; value: number } | undefined {
    const t = this.text;
    let j = i;
    while (j < end) {
      const skipped = this.skipComment(j);
      if (skipped !== j) {
        j = skipped;
        continue;
      }
      const c = t[j] as string;
      if (/[\s,]/.test(c)) {
        j++;
        continue;
      }
      const keyAt = j;
      let name: string | undefined;
      if (c === '"') {
        const close = this.skipString(j);
        name = t.slice(j + 1, close - 1);
        j = close;
      } else {
        const ident = /^[A-Za-z_][\w-]*/.exec(t.slice(j, j + 200));
        if (!ident) {
          j++;
          continue;
        }
        name = ident[0];
        j += ident[0].length;
      }
      while (j < end && /[ \t]/.test(t[j] as string)) j++;
      if (t[j] !== ":" && t[j] !== "=") continue;
      j++;
      while (j < end && /\s/.test(t[j] as string)) j++;
      if (name === key) return { at: keyAt, value: j };
      // Skip the value.
      const c2 = t[j] as string;
      if (c2 === '"') j = this.skipString(j);
      else if (c2 === "{" || c2 === "[" || c2 === "(")
        j = this.skipBalanced(j, c2, c2 === "{" ? "}" : c2 === "[" ? "]" : ")");
      else while (j < end && !/[,\n}]/.test(t[j] as string)) j++;
    }
    return undefined;
  }
}
