import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { helpUri, RULES } from "../../../core/policy/index.ts";
import {
  README_TABLE_END,
  README_TABLE_START,
  ruleCatalogueMarkdown,
  withReadmeRuleTable,
} from "../../../core/policy/ruleCatalogueMarkdown.ts";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");

describe("the rule catalogue documentation", () => {
  it("docs/policy-rules.md is what the rule data generates (run `npm run docs:policy-rules`)", () => {
    expect(readFileSync(resolve(ROOT, "docs", "policy-rules.md"), "utf8")).toBe(ruleCatalogueMarkdown());
  });

  it("the README's rule table is current", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    expect(readme).toContain(README_TABLE_START);
    expect(readme).toContain(README_TABLE_END);
    expect(withReadmeRuleTable(readme)).toBe(readme);
  });

  it("has a section for every rule at the anchor SARIF's helpUri names", () => {
    const doc = ruleCatalogueMarkdown();
    for (const rule of RULES) {
      const anchor = helpUri(rule.id).split("#")[1];
      expect(doc).toContain(`<a id="${anchor}"></a>\n\n## ${rule.id} ${rule.title}`);
    }
  });

  it("would notice a stale file: a changed rule title changes the output", () => {
    const before = ruleCatalogueMarkdown();
    const rule = RULES[0] as { title: string };
    const title = rule.title;
    rule.title = `${title} (changed)`;
    try {
      expect(ruleCatalogueMarkdown()).not.toBe(before);
    } finally {
      rule.title = title;
    }
  });
});
