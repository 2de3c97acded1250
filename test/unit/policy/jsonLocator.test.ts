/**
 * JSON is read with JSON.parse and located lazily (review 14, defect 7: the YAML parser took a
 * minute and 2.4 GB on a 50 MB plan). The lazy locator must put every path where the YAML syntax
 * tree does: checked on every path of every JSON fixture, missing fields and CloudFormation's
 * case-insensitive names included.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStructuredText, parseYamlText } from "../../../core/policy/inputs/structuredText.ts";

const FIXTURES = resolve(import.meta.dirname, "..", "..", "fixtures");
const jsonFiles = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return jsonFiles(path);
    return entry.name.endsWith(".json") ? [path] : [];
  });
const FILES = [...jsonFiles(join(FIXTURES, "taskdefs")), ...jsonFiles(join(FIXTURES, "policy"))];

/** Every path of a value, with a missing field below each object and a list index on each object. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value))
    return [prefix, ...value.flatMap((item, i) => paths(item, [...prefix, i])), [...prefix, value.length]];
  if (typeof value === "object" && value !== null)
    return [
      prefix,
      ...Object.entries(value).flatMap(([key, inner]) => paths(inner, [...prefix, key])),
      [...prefix, "missingField"],
      [...prefix, 0, "alsoMissing"],
    ];
  return [prefix];
}

/** Text the fixtures do not have: escapes, brackets and quotes inside strings, no whitespace, CRLF. */
const TRICKY = [
  '{"a\\"b":{"x":"}]\\\\","y":[1,-2.5e3,true,null,{}],"z":[]},"c":"\\u007b[","d":{"e":[[0,[{"f":"\\""}]]]}}',
  '{\r\n  "containerDefinitions": [\r\n    {"name": "a\\\\", "image": "x"},\r\n    {\r\n      "name": "b"\r\n    }\r\n  ]\r\n}\r\n',
  '  [ {"Type": "AWS::ECS::Cluster" , "Properties" :{ "ClusterSettings" : [ ] } } ]  ',
];

describe("the JSON locator", () => {
  it("reads at least the policy and corpus fixtures", () => {
    expect(FILES.length).toBeGreaterThan(25);
  });

  it.each([
    ...FILES.map((f) => [f.slice(FIXTURES.length + 1), readFileSync(f, "utf8")]),
    ...TRICKY.map((text, i) => [`tricky text ${i + 1}`, text]),
  ])("%s: every path where the YAML tree puts it", (file, text) => {
    const fast = parseStructuredText(text, file);
    const tree = parseYamlText(text, file);
    expect(fast.value).toEqual(tree.value);
    const all = paths(fast.value);
    const differ = all.filter(
      (path) => JSON.stringify(fast.locate(path)) !== JSON.stringify(tree.locate(path)),
    );
    expect(differ).toEqual([]);
    // CloudFormation templates are located case-insensitively (Properties.Cpu for `cpu`).
    const lower = all.map((path) => path.map((p) => (typeof p === "string" ? p.toLowerCase() : p)));
    const options = { caseInsensitive: true, aliases: { settings: ["ClusterSettings"] } };
    expect(
      lower.filter(
        (path) => JSON.stringify(fast.locate(path, options)) !== JSON.stringify(tree.locate(path, options)),
      ),
    ).toEqual([]);
  });
});
