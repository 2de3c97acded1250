import { isAbsolute, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { USER_AGENT } from "../aws/clients.ts";
import { REPOSITORY_URL } from "../version.ts";
import { type Evaluation, ruleResource } from "./evaluate.ts";
import { anchorLinks, helpUri } from "./ruleDocs.ts";
import { RULES } from "./rules.ts";
import {
  type Finding,
  RESOURCE_KINDS,
  RESOURCE_LABEL,
  type ResourceKind,
  type Severity,
  type UnknownResult,
} from "./types.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  high: "error",
  medium: "warning",
  low: "note",
};
/** GitHub code scanning ranks security results by this property. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.0", low: "3.0" };

const where = (f: Pick<Finding, "file" | "subject" | "location">) =>
  `${f.file ?? f.subject}${f.location ? `:${f.location.line}:${f.location.column}` : ""}`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "20 task definitions", "7 resources (3 task definitions, 2 services, 2 clusters)" or "nothing checked". */
function resourceCount(evaluations: readonly Evaluation[]): string {
  // Why is on stderr: no ECS resource found, or files that could not be checked.
  if (evaluations.length === 0) return "nothing checked";
  const count = (kind: ResourceKind) =>
    evaluations.filter((e) => (e.resourceType ?? "taskDefinition") === kind).length;
  const kinds = RESOURCE_KINDS.filter((k) => count(k) > 0);
  if (kinds.length <= 1 && (kinds[0] ?? "taskDefinition") === "taskDefinition")
    return plural(evaluations.length, "task definition");
  return `${plural(evaluations.length, "resource")} (${kinds.map((k) => plural(count(k), RESOURCE_LABEL[k])).join(", ")})`;
}

/** One line per finding, suppression and unknown, then the totals. */
export function formatText(evaluations: readonly Evaluation[]): string {
  const lines: string[] = [];
  for (const evaluation of evaluations) {
    for (const f of evaluation.findings)
      lines.push(`${where(f)}  ${f.severity.toUpperCase().padEnd(6)} ${f.ruleId}  ${f.title}: ${f.message}`);
    for (const s of evaluation.suppressed)
      lines.push(`${where(s.finding)}  skip   ${s.finding.ruleId}  suppressed by ${s.by}: ${s.reason}`);
    for (const u of evaluation.unknown ?? [])
      lines.push(`${where(u)}  UNKNOWN ${u.ruleId}  ${u.title}: ${u.message}`);
  }
  const all = evaluations.flatMap((e) => e.findings);
  const unknown = evaluations.reduce((n, e) => n + (e.unknown?.length ?? 0), 0);
  const count = (s: Severity) => all.filter((f) => f.severity === s).length;
  lines.push(
    `${resourceCount(evaluations)}: ${plural(all.length, "finding")} (${count("high")} high, ${count("medium")} medium, ${count("low")} low), ${evaluations.reduce((n, e) => n + e.suppressed.length, 0)} suppressed${unknown > 0 ? `, ${unknown} unknown` : ""}`,
  );
  return lines.join("\n");
}

export function formatJson(evaluations: readonly Evaluation[]): string {
  return JSON.stringify({ evaluations }, null, 2);
}

/** SARIF's conventional name for the root of the sources, which GitHub code scanning maps to the checkout. */
export const SOURCE_ROOT_ID = "%SRCROOT%";

/**
 * SARIF 2.1.0 for GitHub code scanning and other viewers: one run, the whole rule catalogue as
 * the driver's rules (each with `helpUri` into docs/policy-rules.md), results located at the
 * offending field's line in every input format; rules that could not be decided are results of
 * kind `open` (SARIF's "could not determine pass or fail"). File paths are relative to
 * `sourceRoot` (the repository's root, whatever directory the check ran in) with `uriBaseId`
 * `%SRCROOT%`, which `originalUriBaseIds` resolves; a file outside it is an absolute `file:` URI.
 *
 * @example
 * toSarif(evaluations, "/home/runner/work/shop/shop"); // infra/ecs.tf → { uri: "infra/ecs.tf", uriBaseId: "%SRCROOT%" }
 */
export function toSarif(evaluations: readonly Evaluation[], sourceRoot = process.cwd()): object {
  const index = new Map(RULES.map((rule, i) => [rule.id, i]));
  const rules = RULES.map((rule) => ({
    id: rule.id,
    name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    helpUri: helpUri(rule.id),
    help: {
      text: rule.remediation,
      markdown: `${rule.remediation}\n\n${anchorLinks(rule)
        .map(
          (a) =>
            `[${a.source === "securityHub" ? "Security Hub" : a.source === "awsConfig" ? "AWS Config" : "Checkov"} ${a.id}](${a.url})`,
        )
        .join(" · ")}`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ["security", "ecs", ruleResource(rule)],
      "security-severity": SECURITY_SEVERITY[rule.severity],
    },
  }));
  const artifact = (file: string) => {
    const path = relative(sourceRoot, file);
    if (path.startsWith("..") || isAbsolute(path)) return { uri: pathToFileURL(file).href };
    return { uri: path.split(sep).map(encodeURIComponent).join("/"), uriBaseId: SOURCE_ROOT_ID };
  };
  const location = (f: Pick<Finding, "file" | "subject" | "location">, evaluation: Evaluation) => [
    {
      physicalLocation: {
        artifactLocation: f.file ? artifact(f.file) : { uri: f.subject },
        ...(f.location ? { region: { startLine: f.location.line, startColumn: f.location.column } } : {}),
      },
      logicalLocations: [
        {
          fullyQualifiedName: evaluation.address ?? evaluation.subject,
          kind: RESOURCE_LABEL[evaluation.resourceType ?? "taskDefinition"],
        },
      ],
    },
  ];
  const ruleIndex = (id: string) => (index.has(id) ? { ruleIndex: index.get(id) } : {});
  const results = evaluations.flatMap((evaluation) => [
    ...evaluation.findings.map((f) => ({
      ruleId: f.ruleId,
      ...ruleIndex(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: `${f.message}. ${f.remediation}` },
      locations: location(f, evaluation),
      partialFingerprints: { "ecsAutopilot/v1": `${f.ruleId}:${f.subject}:${f.path}` },
    })),
    ...(evaluation.unknown ?? []).map((u: UnknownResult) => ({
      ruleId: u.ruleId,
      ...ruleIndex(u.ruleId),
      kind: "open",
      level: "none",
      message: { text: `Not decided: ${u.message}` },
      locations: location(u, evaluation),
      partialFingerprints: { "ecsAutopilot/v1": `${u.ruleId}:${u.subject}:${u.path}:unknown` },
    })),
  ]);
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "ecs-autopilot",
            semanticVersion: USER_AGENT.split("/")[1],
            informationUri: REPOSITORY_URL,
            rules,
          },
        },
        originalUriBaseIds: { [SOURCE_ROOT_ID]: { uri: pathToFileURL(`${sourceRoot}${sep}`).href } },
        results,
      },
    ],
  };
}

/** The catalogue for `policy rules`: the fields of before, then the resource kind, anchors with links, notes. */
export function ruleCatalogue() {
  return RULES.map((rule) => ({
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    rationale: rule.rationale,
    remediation: rule.remediation,
    path: rule.field,
    securityHub: rule.mappings.securityHub ?? null,
    awsConfig: rule.mappings.awsConfig ?? null,
    checkov: rule.mappings.checkov ?? null,
    params: rule.params ?? {},
    resource: ruleResource(rule),
    enabledByDefault: rule.enabledByDefault ?? true,
    anchors: anchorLinks(rule),
    notes: rule.notes ?? null,
    helpUri: helpUri(rule.id),
  }));
}
