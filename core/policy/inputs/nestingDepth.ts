import { Parser } from "yaml";

/**
 * How deep a JSON, YAML or HCL file may nest. Composing a document, the yaml package recurses once
 * per level: on Node 22's default stack it overflows between 600 and 800 levels of `[`/`{` and at
 * about 1,000 levels of block nesting (measured with yaml 2.9.1), and after such an overflow V8
 * may fail to compile a regular expression and end the process. HashiCorp's HCL parser (hcl2json,
 * Go compiled to WebAssembly) overflows between 1,000 and 10,000 levels of brackets or template
 * interpolations and at 100,000 unary operators (measured with @cdktf/hcl2json 0.21), and its Go
 * runtime then dies for the rest of the process: every later `.tf` file never parses. Real inputs
 * nest far less: the deepest fixture here, a CDK synth template, nests 15 levels.
 */
export const MAX_NESTING = 100;

const COLLECTIONS = new Set(["block-map", "block-seq", "flow-collection"]);

/**
 * The collection nesting depth of a JSON or YAML text, read from the yaml package's own
 * concrete syntax tree (its lexer and parser work without recursion, so any depth is safe to
 * read) and walked without recursion. Stops once it passes `limit`.
 *
 * @example
 * yamlNestingDepth('{"a": {"b": [1]}}'); // 3
 */
export function yamlNestingDepth(text: string, limit = MAX_NESTING): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [];
  for (const token of new Parser().parse(text)) stack.push([token, 0]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (Array.isArray(node)) {
      for (const child of node) if (child !== null && typeof child === "object") stack.push([child, depth]);
      continue;
    }
    const record = node as Record<string, unknown>;
    const here = COLLECTIONS.has(record.type as string) ? depth + 1 : depth;
    if (here > deepest) {
      deepest = here;
      if (deepest > limit) return deepest;
    }
    for (const child of Object.values(record))
      if (child !== null && typeof child === "object") stack.push([child, here]);
  }
  return deepest;
}

type HclFrame =
  | { readonly kind: "code" }
  | { readonly kind: "string" }
  | { readonly kind: "heredoc"; readonly marker: string }
  | { readonly kind: "interpolation"; readonly depth: number };

/**
 * The nesting depth of an HCL text as HashiCorp's parser will recurse into it, read without
 * recursion: brackets `{ [ (` in expressions, template interpolations `${ }` / `%{ }` in strings
 * and heredocs (each one level), and runs of unary operators (`!!x`, `--x`: one level each).
 * Strings, heredocs and comments are skipped the way HCL reads them. Stops once it passes `limit`.
 *
 * @example
 * hclNestingDepth('a = [{ b = "${x}" }]'); // 3
 */
export function hclNestingDepth(text: string, limit = MAX_NESTING): number {
  const frames: HclFrame[] = [{ kind: "code" }];
  let depth = 0;
  let deepest = 0;
  let unary = 0;
  const deeper = (by: number): boolean => {
    deepest = Math.max(deepest, depth + by);
    return deepest > limit;
  };
  for (let i = 0; i < text.length; i++) {
    const frame = frames[frames.length - 1] as HclFrame;
    const c = text[i] as string;
    const next = text[i + 1];
    const opensTemplate = (c === "$" || c === "%") && next === "{";
    if (frame.kind === "string" || frame.kind === "heredoc") {
      if (frame.kind === "heredoc" && (i === 0 || text[i - 1] === "\n")) {
        const end = text.indexOf("\n", i);
        const line = text.slice(i, end === -1 ? text.length : end).trim();
        if (line === frame.marker) {
          frames.pop();
          i = end === -1 ? text.length : end;
          continue;
        }
      }
      if (frame.kind === "string" && c === "\\") i++;
      else if (frame.kind === "string" && (c === '"' || c === "\n")) frames.pop();
      else if ((c === "$" || c === "%") && next === c && text[i + 2] === "{") i += 2;
      else if (opensTemplate) {
        frames.push({ kind: "interpolation", depth });
        depth++;
        i++;
        if (deeper(0)) return deepest;
      }
      continue;
    }
    if (c === "#" || (c === "/" && next === "/")) {
      const end = text.indexOf("\n", i);
      if (end === -1) break;
      i = end;
      unary = 0;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end === -1) break;
      i = end + 1;
      continue;
    }
    if (c === "!" || c === "-") {
      unary++;
      if (deeper(unary)) return deepest;
      continue;
    }
    if (c !== " " && c !== "\t") unary = 0;
    if (c === '"') frames.push({ kind: "string" });
    else if (c === "<" && next === "<") {
      const heredoc = /^<<-?([A-Za-z_][\w-]*)[^\n]*\n/.exec(text.slice(i, i + 200));
      if (heredoc?.[1]) {
        frames.push({ kind: "heredoc", marker: heredoc[1] });
        i += heredoc[0].length - 1;
      }
    } else if (c === "{" || c === "[" || c === "(") {
      depth++;
      if (deeper(0)) return deepest;
    } else if (c === "}" && frame.kind === "interpolation" && depth === frame.depth + 1) {
      frames.pop();
      depth--;
    } else if ((c === "}" || c === "]" || c === ")") && depth > 0) {
      depth--;
    }
  }
  return deepest;
}

/**
 * The nesting depth of a text that `JSON.parse` accepted, counted over its brackets outside
 * strings, without building anything (a 50 MB plan costs one scan). Stops once it passes `limit`.
 *
 * @example
 * jsonNestingDepth('{"a": {"b": [1, "]]"]}}'); // 3
 */
export function jsonNestingDepth(text: string, limit = MAX_NESTING): number {
  const structure = /["[\]{}]/g;
  let depth = 0;
  let deepest = 0;
  for (let m = structure.exec(text); m; m = structure.exec(text)) {
    const c = m[0];
    if (c === '"') {
      // To the closing quote: one not preceded by an odd number of backslashes.
      let end = m.index;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end === -1) return deepest;
        let backslashes = 0;
        while (text[end - 1 - backslashes] === "\\") backslashes++;
        if (backslashes % 2 === 0) break;
      }
      structure.lastIndex = end + 1;
    } else if (c === "[" || c === "{") {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else depth--;
  }
  return deepest;
}
