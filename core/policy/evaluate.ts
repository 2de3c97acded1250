import { type AutopilotConfig, matchesGlob } from "../config/index.ts";
import { isObject, isUnknown } from "./fields.ts";
import type { LoadedResource } from "./LoadedResource.ts";
import type { LoadedTaskDefinition } from "./loadTaskDefinitions.ts";
import { RULES, RULES_BY_ID } from "./rules.ts";
import {
  type FieldPath,
  type Finding,
  formatPath,
  type PolicyRule,
  type ResourceKind,
  type RunContext,
  SEVERITY_ORDER,
  type Severity,
  type Suppression,
  type UnknownResult,
  type Violation,
} from "./types.ts";

export type PolicySettings = AutopilotConfig["policy"];

export interface Evaluation {
  readonly subject: string;
  readonly file?: string;
  /** What was checked (a task definition unless said otherwise). */
  readonly resourceType: ResourceKind;
  /** The resource's address in its source: CloudFormation logical id, `aws_ecs_service.web`. */
  readonly address?: string;
  readonly findings: readonly Finding[];
  readonly suppressed: ReadonlyArray<{
    readonly finding: Finding;
    readonly by: string;
    readonly reason: string;
  }>;
  /** Rules that could not be decided: a value they need is not known in the input. Never pass, never fail. */
  readonly unknown: readonly UnknownResult[];
}

/** The kind a rule checks. */
export const ruleResource = (rule: PolicyRule): ResourceKind => rule.resource ?? "taskDefinition";

/** The rules in force with their configured severity and parameters (of one kind, when given). */
export function effectiveRules(
  settings: PolicySettings,
  kind?: ResourceKind,
): Array<PolicyRule & { readonly effectiveParams: Record<string, unknown> }> {
  return RULES.filter(
    (rule) =>
      (kind === undefined || ruleResource(rule) === kind) &&
      (settings.rules[rule.id]?.enabled ?? rule.enabledByDefault ?? true),
  ).map((rule) => ({
    ...rule,
    severity: settings.rules[rule.id]?.severity ?? rule.severity,
    effectiveParams: { ...rule.params, ...settings.rules[rule.id]?.params },
  }));
}

/** Rule id for a suppression without a reason: suppressions must say why. */
export const UNEXPLAINED_SUPPRESSION = "ECS000";

/** The paths a rule reads: its `reads`, else the paths named in its `field`. */
export function readPaths(rule: PolicyRule): string[] {
  return rule.reads ? [...rule.reads] : rule.field.split(",").map((p) => p.trim());
}

/** Every concrete path under `pattern` (`a[*].b`) whose value, or a parent's, is not known. */
export function unknownPaths(document: unknown, pattern: string): FieldPath[] {
  const segments = pattern
    .replace(/\[\*\]/g, ".*")
    .split(".")
    .filter((s) => s.length > 0);
  const found: FieldPath[] = [];
  const walk = (value: unknown, i: number, path: FieldPath) => {
    if (isUnknown(value)) {
      found.push(path);
      return;
    }
    if (i === segments.length) return;
    const segment = segments[i] as string;
    if (segment === "*") {
      if (Array.isArray(value))
        for (const [index, item] of value.entries()) walk(item, i + 1, [...path, index]);
      return;
    }
    if (isObject(value)) walk(value[segment], i + 1, [...path, segment]);
  };
  walk(document, 0, []);
  return found;
}

/** The part of a path that names one element (`containerDefinitions[2]`), or none for a top-level field. */
function elementKey(path: FieldPath): string | undefined {
  const index = path.findIndex((p) => typeof p === "number");
  return index === -1 ? undefined : formatPath(path.slice(0, index + 1));
}

/** A resource as the evaluator needs it. */
export type EvaluatedResource = Pick<LoadedResource, "document" | "subject" | "suppressions" | "run"> &
  Partial<Pick<LoadedResource, "file" | "name" | "locate" | "related" | "resourceType" | "address">>;

/**
 * Evaluates one resource of any kind against the rules of its kind. Inline suppressions
 * (`autopilot:policy-skip:ID` tags, template Metadata) and config exemptions (name glob) need a
 * reason; one without is a finding itself and suppresses nothing. `extraExemptions` come from
 * the service's `autopilot:policy-exempt` tag in the account. A rule that needs a value the input
 * does not know (a variable, a reference) is reported in `unknown`, not as a finding or a pass.
 *
 * @example
 * for (const resource of await loadPolicyFile("main.tf")) evaluateResource(resource, config.policy);
 */
export function evaluateResource(
  loaded: EvaluatedResource,
  settings: PolicySettings,
  options: { extraExemptions?: ReadonlyArray<{ ruleId: string; by: string }>; run?: RunContext } = {},
): Evaluation {
  const run = { ...loaded.run, ...options.run };
  const kind = loaded.resourceType ?? "taskDefinition";
  const related = loaded.related ?? {};
  const where = (path: FieldPath) => {
    const location = loaded.locate?.(path);
    return {
      ...(loaded.file ? { file: loaded.file } : {}),
      ...(location ? { location } : {}),
    };
  };
  const raw: Finding[] = [];
  const rawUnknown: UnknownResult[] = [];
  for (const rule of effectiveRules(settings, kind)) {
    const results: Violation[] = rule.check(loaded.document, {
      params: rule.effectiveParams,
      run,
      related,
    });
    const violations = results.filter((v) => !v.unknown);
    for (const violation of violations)
      raw.push({
        ruleId: rule.id,
        title: rule.title,
        severity: rule.severity,
        message: violation.message,
        path: formatPath(violation.path),
        subject: loaded.subject,
        remediation: rule.remediation,
        ...where(violation.path),
      });
    const decided = new Set(violations.map((v) => elementKey(v.path) ?? ""));
    const unknowns: Array<{ path: FieldPath; message: string }> = results
      .filter((v) => v.unknown)
      .map((v) => ({ path: v.path, message: v.message }));
    for (const pattern of readPaths(rule))
      for (const path of unknownPaths(loaded.document, pattern)) {
        // A rule that already failed for this element (or, for top-level fields, at all) has decided.
        if (decided.has(elementKey(path) ?? "")) continue;
        const value = path.reduce<unknown>(
          (v, p) => (isObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[p as string] : v),
          loaded.document,
        );
        unknowns.push({ path, message: `${formatPath(path)} is not known in this input (${String(value)})` });
      }
    const seen = new Set<string>();
    for (const u of unknowns) {
      const key = formatPath(u.path);
      if (seen.has(key)) continue;
      seen.add(key);
      rawUnknown.push({
        ruleId: rule.id,
        title: rule.title,
        severity: rule.severity,
        message: u.message,
        path: key,
        subject: loaded.subject,
        ...where(u.path),
      });
    }
  }
  const inline = loaded.suppressions.filter((s) => s.reason.length > 0);
  const unexplained: Suppression[] = loaded.suppressions.filter((s) => s.reason.length === 0);
  const name = loaded.name ?? loaded.subject;
  const findings: Finding[] = unexplained.map((s) => ({
    ruleId: UNEXPLAINED_SUPPRESSION,
    title: "Suppression without a reason",
    severity: "medium" as Severity,
    message: `${s.source} suppresses ${s.ruleId || "(no rule id)"} without saying why; it is ignored`,
    path: "tags",
    subject: loaded.subject,
    remediation: "Give every suppression a reason (the tag's value, or `reason` in Metadata).",
    ...(loaded.file ? { file: loaded.file } : {}),
  }));
  const suppressedBy = (ruleId: string) => {
    const byInline = inline.find((s) => s.ruleId === ruleId);
    if (byInline) return { by: byInline.source, reason: byInline.reason };
    const byConfig = settings.exemptions.find((e) => e.rule === ruleId && matchesGlob(name, e.family));
    if (byConfig) return { by: `config exemption ${byConfig.family}`, reason: byConfig.reason };
    const byService = options.extraExemptions?.find((e) => e.ruleId === ruleId);
    if (byService) return { by: byService.by, reason: "service tag" };
    return undefined;
  };
  const suppressed: Array<{ finding: Finding; by: string; reason: string }> = [];
  for (const finding of raw) {
    const by = suppressedBy(finding.ruleId);
    if (by) suppressed.push({ finding, ...by });
    else findings.push(finding);
  }
  const unknown = rawUnknown.filter((u) => !suppressedBy(u.ruleId));
  const order = <T extends { severity: Severity; ruleId: string; path: string }>(a: T, b: T) =>
    SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.path.localeCompare(b.path);
  findings.sort(order);
  unknown.sort(order);
  return {
    subject: loaded.subject,
    ...(loaded.file ? { file: loaded.file } : {}),
    resourceType: kind,
    ...(loaded.address ? { address: loaded.address } : {}),
    findings,
    suppressed,
    unknown,
  };
}

/**
 * Evaluates one task definition against the task-definition rules (see {@link evaluateResource}).
 *
 * @example
 * const [loaded] = await loadTaskDefinitionFile("taskdef.json");
 * evaluateTaskDefinition(loaded, config.policy).findings;
 */
export function evaluateTaskDefinition(
  loaded: Pick<LoadedTaskDefinition, "taskDefinition" | "subject" | "suppressions" | "run"> &
    Partial<Pick<LoadedTaskDefinition, "file" | "family" | "locate">>,
  settings: PolicySettings,
  options: { extraExemptions?: ReadonlyArray<{ ruleId: string; by: string }>; run?: RunContext } = {},
): Evaluation {
  return evaluateResource(
    {
      document: loaded.taskDefinition,
      subject: loaded.subject,
      suppressions: loaded.suppressions,
      run: loaded.run,
      resourceType: "taskDefinition",
      ...(loaded.file ? { file: loaded.file } : {}),
      ...(loaded.family ? { name: loaded.family } : {}),
      ...(loaded.locate ? { locate: loaded.locate } : {}),
    },
    settings,
    options,
  );
}

/** Findings at or above a severity. */
export function atOrAbove(findings: readonly Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[threshold]);
}

export { RULES_BY_ID };
