import { Parser } from "yaml";

/**
 * How deep a JSON or YAML file may nest. Composing a document, the yaml package recurses once per
 * level: on Node 22's default stack it overflows between 600 and 800 levels of `[`/`{` and at
 * about 1,000 levels of block nesting (measured with yaml 2.9.1), and after such an overflow V8
 * may fail to compile a regular expression and end the process. Real inputs nest far less: the
 * deepest fixture here, a CDK synth template, nests 15 levels.
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
