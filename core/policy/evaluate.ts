import { type AutopilotConfig, matchesGlob } from "../config/index.ts";
import type { LoadedTaskDefinition } from "./loadTaskDefinitions.ts";
import { RULES, RULES_BY_ID } from "./rules.ts";
import {
  type Finding,
  formatPath,
  type PolicyRule,
  type RunContext,
  SEVERITY_ORDER,
  type Severity,
  type Suppression,
} from "./types.ts";

export type PolicySettings = AutopilotConfig["policy"];

export interface Evaluation {
  readonly subject: string;
  readonly file?: string;
  readonly findings: readonly Finding[];
  readonly suppressed: ReadonlyArray<{
    readonly finding: Finding;
    readonly by: string;
    readonly reason: string;
  }>;
}

/** The rules in force with their configured severity and parameters. */
export function effectiveRules(
  settings: PolicySettings,
): Array<PolicyRule & { readonly effectiveParams: Record<string, unknown> }> {
  return RULES.filter((rule) => settings.rules[rule.id]?.enabled !== false).map((rule) => ({
    ...rule,
    severity: settings.rules[rule.id]?.severity ?? rule.severity,
    effectiveParams: { ...rule.params, ...settings.rules[rule.id]?.params },
  }));
}

/** Rule id for a suppression without a reason: suppressions must say why. */
export const UNEXPLAINED_SUPPRESSION = "ECS000";

/**
 * Evaluates one task definition against the catalogue. Inline suppressions (`autopilot:policy-skip:ID`
 * tags, template Metadata) and config exemptions (family glob) need a reason; one without is a
 * finding itself and suppresses nothing. `extraExemptions` come from the service's
 * `autopilot:policy-exempt` tag in the account.
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
  const run = { ...loaded.run, ...options.run };
  const raw: Finding[] = [];
  for (const rule of effectiveRules(settings)) {
    for (const violation of rule.check(loaded.taskDefinition, { params: rule.effectiveParams, run })) {
      const location = loaded.locate?.(violation.path);
      raw.push({
        ruleId: rule.id,
        title: rule.title,
        severity: rule.severity,
        message: violation.message,
        path: formatPath(violation.path),
        subject: loaded.subject,
        remediation: rule.remediation,
        ...(loaded.file ? { file: loaded.file } : {}),
        ...(location ? { location } : {}),
      });
    }
  }
  const inline = loaded.suppressions.filter((s) => s.reason.length > 0);
  const unexplained: Suppression[] = loaded.suppressions.filter((s) => s.reason.length === 0);
  const family = loaded.family ?? loaded.subject;
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
  const suppressed: Array<{ finding: Finding; by: string; reason: string }> = [];
  for (const finding of raw) {
    const byInline = inline.find((s) => s.ruleId === finding.ruleId);
    const byConfig = settings.exemptions.find(
      (e) => e.rule === finding.ruleId && matchesGlob(family, e.family),
    );
    const byService = options.extraExemptions?.find((e) => e.ruleId === finding.ruleId);
    if (byInline) suppressed.push({ finding, by: byInline.source, reason: byInline.reason });
    else if (byConfig)
      suppressed.push({ finding, by: `config exemption ${byConfig.family}`, reason: byConfig.reason });
    else if (byService) suppressed.push({ finding, by: byService.by, reason: "service tag" });
    else findings.push(finding);
  }
  findings.sort(
    (a, b) =>
      SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.path.localeCompare(b.path),
  );
  return { subject: loaded.subject, ...(loaded.file ? { file: loaded.file } : {}), findings, suppressed };
}

/** Findings at or above a severity. */
export function atOrAbove(findings: readonly Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[threshold]);
}

export { RULES_BY_ID };
