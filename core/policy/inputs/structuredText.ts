import {
  type CollectionTag,
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type ScalarTag,
  visit,
} from "yaml";
import { own } from "../../own.ts";
import { PolicyInputError } from "../PolicyInputError.ts";
import type { FieldPath, SourceLocation } from "../types.ts";
import { JsonLocator } from "./JsonLocator.ts";
import { jsonNestingDepth, MAX_NESTING, yamlNestingDepth } from "./nestingDepth.ts";

const INTRINSICS = [
  "Ref",
  "Sub",
  "GetAtt",
  "Join",
  "Select",
  "Split",
  "If",
  "Equals",
  "And",
  "Or",
  "Not",
  "FindInMap",
  "Base64",
  "Cidr",
  "ImportValue",
  "GetAZs",
  "Condition",
  "Transform",
  "Length",
  "ToJsonString",
];

/** CloudFormation's short-form tags (`!Ref`, `!Sub`…) read as their long form. */
const CLOUDFORMATION_TAGS: Array<ScalarTag | CollectionTag> = INTRINSICS.flatMap((name) => {
  const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({
    [key]: name === "GetAtt" && typeof value === "string" ? value.split(".") : value,
  });
  return [
    { tag: `!${name}`, resolve: (value: string) => wrap(value) } as ScalarTag,
    {
      tag: `!${name}`,
      collection: "seq",
      resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()),
    } as unknown as CollectionTag,
    {
      tag: `!${name}`,
      collection: "map",
      resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()),
    } as unknown as CollectionTag,
  ];
});

/** A parsed JSON or YAML file and a way from a path in it back to its line and column. */
export interface StructuredText {
  readonly value: unknown;
  /**
   * Where `path` (or its nearest existing parent) is. Keys may match case-insensitively and
   * through `aliases` (an API name → the source's names); a list index on a map is skipped.
   */
  locate(
    path: FieldPath,
    options?: { caseInsensitive?: boolean; aliases?: Readonly<Record<string, readonly string[]>> },
  ): SourceLocation | undefined;
}

/**
 * Parses JSON or YAML (CloudFormation short forms included); a syntax error names file, line and
 * column. JSON is read with `JSON.parse` and located lazily ({@link JsonLocator}): the YAML parser
 * builds a node per value, 2.4 GB and a minute for a 50 MB Terraform plan. Text that `JSON.parse`
 * refuses goes to the YAML parser, which reads what YAML reads and words the error.
 */
export function parseStructuredText(content: string, file: string): StructuredText {
  if (/^\s*[[{]/.test(content)) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(content);
      parsed = true;
    } catch {
      // Not JSON: YAML (a superset) reads it or says where it is wrong.
    }
    if (parsed) {
      // JSON.parse does not recurse, but what reads the value does (Terraform and CloudFormation
      // inputs, the rules): the same limit as for YAML, counted without building a tree.
      refuseDeepNesting(jsonNestingDepth(content), file);
      const locator = new JsonLocator(content);
      return { value, locate: (path, options) => locator.locate(path, options) };
    }
  }
  return parseYamlText(content, file);
}

const refuseDeepNesting = (depth: number, file: string) => {
  if (depth > MAX_NESTING)
    throw new PolicyInputError(
      file,
      `nested more than ${MAX_NESTING} levels deep; refused before parsing (real task definitions and templates nest far less)`,
    );
};

/** Parses YAML (JSON included) into a syntax tree, for values and their lines. */
export function parseYamlText(content: string, file: string): StructuredText {
  refuseDeepNesting(yamlNestingDepth(content), file);
  const lines = new LineCounter();
  const document = parseDocument(content, {
    customTags: CLOUDFORMATION_TAGS,
    lineCounter: lines,
    prettyErrors: true,
    strict: false,
    // Errors are reported as PolicyInputError; the package's warnings (a map key that is itself a
    // collection) would otherwise go to stderr through process.emitWarning.
    logLevel: "error",
  });
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const format = /^\s*[[{]/.test(content) ? "JSON" : "YAML";
    throw new PolicyInputError(
      file,
      `not valid ${format}: ${error.message.split("\n")[0]}`,
      at ? { line: at.line, column: at.col } : undefined,
    );
  }
  refuseCyclicAliases(document, lines, file);
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    // The yaml package refuses, with a ReferenceError, an alias without its anchor and aliases
    // that expand too far (an alias bomb: a few lines that would unfold into gigabytes).
    if (!(error instanceof ReferenceError)) throw error;
    throw new PolicyInputError(
      file,
      /excessive alias count/i.test(error.message)
        ? `not valid YAML: its aliases expand more than ${MAX_ALIAS_COUNT} times (refused as a resource-exhaustion attack)`
        : `not valid YAML: ${error.message.split("\n")[0]}`,
    );
  }
  return {
    value,
    locate: (path, options = {}) => locateNode(document.contents, path, lines, options),
  };
}

/**
 * Refuses an alias inside the node its anchor names (`&c [ {links: *c} ]`): the value would contain
 * itself, and everything that walks it (normalizing, the rules) would recurse until the stack
 * overflows. Only such an alias makes a cycle: an alias may only name an anchor set before it, so
 * any other names a node that ends before the alias begins. Walks the syntax tree once, aliases
 * unresolved.
 */
function refuseCyclicAliases(document: Document.Parsed, lines: LineCounter, file: string): void {
  visit(document, {
    Alias(_key, alias, path) {
      const target = alias.resolve(document);
      if (target === undefined || !path.includes(target)) return;
      const at = alias.range ? lines.linePos(alias.range[0]) : undefined;
      throw new PolicyInputError(
        file,
        `not valid YAML: the alias *${alias.source} is inside the node it names (&${alias.source}), which would make the value endless`,
        at ? { line: at.line, column: at.col } : undefined,
      );
    },
  });
}

/** Aliases a file may resolve (the yaml package's `maxAliasCount`: each alias counts what it expands to). */
const MAX_ALIAS_COUNT = 100;

function locateNode(
  root: unknown,
  path: FieldPath,
  lines: LineCounter,
  options: { caseInsensitive?: boolean; aliases?: Readonly<Record<string, readonly string[]>> },
): SourceLocation | undefined {
  let node = root as Node | null | undefined;
  let found: [number, number] | undefined =
    node && "range" in node && node.range ? [node.range[0], node.range[1]] : undefined;
  for (const segment of path) {
    if (isMap(node) && typeof segment === "number") continue;
    if (isMap(node)) {
      const names = [String(segment), ...((options.aliases && own(options.aliases, String(segment))) ?? [])];
      const pair = node.items.find((item) => {
        const key = isScalar(item.key) ? String(item.key.value) : "";
        return names.some(
          (name) =>
            key === name || (options.caseInsensitive === true && key.toLowerCase() === name.toLowerCase()),
        );
      });
      if (!pair) break;
      const keyNode = pair.key as Node | undefined;
      if (keyNode?.range) found = [keyNode.range[0], keyNode.range[1]];
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      if (item.range) found = [item.range[0], item.range[1]];
      node = item;
    } else {
      break;
    }
  }
  if (!found) return undefined;
  const position = lines.linePos(found[0]);
  return { line: position.line, column: position.col };
}
