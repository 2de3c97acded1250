/**
 * Writes docs/policy-rules.md and the README's rule table from the rule data
 * (`npm run docs:policy-rules`); test/unit/policy/rulesDoc.test.ts fails when either is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ruleCatalogueMarkdown, withReadmeRuleTable } from "../core/policy/ruleCatalogueMarkdown.ts";

const root = resolve(import.meta.dirname, "..");
writeFileSync(resolve(root, "docs", "policy-rules.md"), ruleCatalogueMarkdown());
const readme = resolve(root, "README.md");
writeFileSync(readme, withReadmeRuleTable(readFileSync(readme, "utf8")));
process.stdout.write("docs/policy-rules.md and the README's rule table are current\n");
