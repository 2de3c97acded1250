import { type AutopilotConfig, matchesGlob } from "../config/index.ts";
import type { LoadedResource } from "./LoadedResource.ts";
import type { LoadedTaskDefinition } from "./loadTaskDefinitions.ts";
import { ReadLog, withReadLog } from "./ReadLog.ts";
import { RULES, RULES_BY_ID } from "./rules.ts";
import {
  type FieldPath,
  type Finding,
  formatPath,
  type PolicyRule,
  type ResourceDoc,
  type ResourceKind,
  type RuleCheckContext,
  type RunContext,
  SEVERITY_ORDER,
  type Severity,
  type SourceLocation,
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

/** A path up to its last list index: the element a violation or an unknown value belongs to. */
function elementOf(path: FieldPath): FieldPath {
  let last = -1;
  for (const [i, part] of path.entries()) if (typeof part === "number") last = i;
  return path.slice(0, last + 1);
}
// A prefix longer than the path fails on its first part past the path's end (paths hold no undefined).
const startsWith = (path: FieldPath, prefix: FieldPath) => prefix.every((part, i) => path[i] === part);
/**
 * Two paths in one element, or one in an element and the other in its parent (a top-level field
 * is in every element's parent): a violation at one may depend on the value at the other.
 */
function sameElement(a: FieldPath, b: FieldPath): boolean {
  const x = elementOf(a);
  const y = elementOf(b);
  return startsWith(x, y) || startsWith(y, x);
}

/** What one rule decided for one resource. */
export interface RuleOutcome {
  /** Violations that hold whatever the unknown values turn out to be. */
  readonly violations: readonly Violation[];
  /** Where the rule could not decide, and why; `invalid` when a value there has the wrong type. */
  readonly unknown: ReadonlyArray<{
    readonly path: FieldPath;
    readonly message: string;
    readonly invalid?: true;
  }>;
}

/** How a related resource's value is named in an unknown result: `the cluster's settings`. */
function relatedLabel([what, ...path]: FieldPath): string {
  const name = what === "taskDefinition" ? "task definition" : String(what);
  return path.length > 0 ? `the ${name}'s ${formatPath(path)}` : `the ${name}`;
}
/** What a task definition's run context says, named for an unknown result. */
const RUN_LABELS: Readonly<Record<string, string>> = {
  behindLoadBalancer: "whether its service runs behind a load balancer",
};

/**
 * One rule against one resource, with unknown values decided by what the rule reads, not by what
 * it declares: the documents reach the check through a {@link ReadLog}, which sees every value the
 * check reads. An unknown value it read (and did not decide on with `decideOn`/`present`) makes
 * the rule unknown there, and a violation in the same element (or any violation, for a top-level
 * value) is not reported: it may be the unknown read as absent. So unknown values are never a
 * silent pass and never a finding, whatever a rule does with them.
 *
 * @example
 * evaluateRule(RULES_BY_ID.get("ECS023"), { settings: new Unknown('dynamic "setting" block') }, context);
 * // → { violations: [], unknown: [{ path: ["settings"], message: "settings is not known …" }] }
 */
export function evaluateRule(
  rule: PolicyRule,
  document: ResourceDoc,
  context: RuleCheckContext,
): RuleOutcome {
  const log = new ReadLog();
  const tracked: RuleCheckContext = {
    params: context.params,
    // What a task definition's service says is reported on the task definition as a whole.
    run: log.track(
      context.run,
      (path) => RUN_LABELS[String(path[0])] ?? `its ${formatPath(path)}`,
      () => [],
    ),
    // A related resource's values are reported at the field naming it (`cluster`, `taskDefinition`).
    related: log.track(context.related, relatedLabel, (path) => path.slice(0, 1)),
  };
  const results = withReadLog(log, () => rule.check(log.track(document, formatPath), tracked));
  const reads = log.unknownReads();
  const explicit = results.filter((v) => v.unknown);
  // A value of the wrong type read there: the input is wrong, not waiting for a value.
  const invalidAt = (path: FieldPath) =>
    reads.some((read) => read.problem !== undefined && sameElement(read.path, path))
      ? { invalid: true as const }
      : {};
  return {
    violations: results.filter((v) => !v.unknown && !reads.some((read) => sameElement(read.path, v.path))),
    unknown: [
      ...explicit.map((v) => ({ path: v.path, message: v.message, ...invalidAt(v.path) })),
      // What the rule said it could not decide covers the unknown values it read there.
      ...reads
        .filter((read) => !explicit.some((v) => sameElement(v.path, read.path)))
        .map((read) => ({
          path: read.path,
          message: read.problem
            ? `${read.label} ${read.problem}: read as not known`
            : `${read.label} is not known in this input (${String(read.value)})`,
          ...(read.problem !== undefined ? { invalid: true as const } : {}),
        })),
    ],
  };
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
    const found = loaded.locate?.(path);
    const { file = loaded.file, ...location } = found ?? {};
    return {
      ...(file ? { file } : {}),
      ...(found ? { location: location as SourceLocation } : {}),
    };
  };
  const raw: Finding[] = [];
  const rawUnknown: UnknownResult[] = [];
  for (const rule of effectiveRules(settings, kind)) {
    const outcome = evaluateRule(rule, loaded.document, { params: rule.effectiveParams, run, related });
    for (const violation of outcome.violations)
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
    const seen = new Set<string>();
    for (const u of outcome.unknown) {
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
        ...(u.invalid ? { invalid: true as const } : {}),
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

/** Findings (or rules that could not decide) at or above a severity. */
export function atOrAbove<T extends { readonly severity: Severity }>(
  findings: readonly T[],
  threshold: Severity,
): T[] {
  return findings.filter((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[threshold]);
}

/**
 * The rules that could not decide, as one line each: `ECS014 at containerDefinitions[0].image:
 * image '…' is not known in this input`.
 */
export const undecidedLines = (unknown: readonly UnknownResult[]): string[] =>
  unknown.map((u) => `${u.ruleId} at ${u.path}: ${u.message}`);

export { RULES_BY_ID };
