export type Severity = "high" | "medium" | "low";
export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { high: 3, medium: 2, low: 1 };

/** A value the policy cannot know: a CloudFormation intrinsic (`Ref`, `Fn::Sub`…) or a CI placeholder. */
export class Unknown {
  constructor(readonly description: string) {}
  toString(): string {
    return `<${this.description}>`;
  }
}

/** A path into the task definition in the ECS API's shape, e.g. `["containerDefinitions", 0, "privileged"]`. */
export type FieldPath = ReadonlyArray<string | number>;

export const formatPath = (path: FieldPath): string =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/** A task definition in the shape of RegisterTaskDefinition's input (values may be {@link Unknown}). */
export type TaskDefinitionDoc = Record<string, unknown>;

/** What is known about how the task definition runs: from a template's service, or the account. */
export interface RunContext {
  /** A service runs it behind a load balancer. */
  readonly behindLoadBalancer?: boolean;
  /** The service's Fargate platform version. */
  readonly platformVersion?: string;
  readonly launchType?: string;
}

export interface Violation {
  readonly path: FieldPath;
  readonly message: string;
}

export interface RuleCheckContext {
  readonly params: Readonly<Record<string, unknown>>;
  readonly run: RunContext;
}

/** A policy rule: stable id, what and why, how to fix, and where others check the same. */
export interface PolicyRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly remediation: string;
  /** The JSON path of the field the rule looks at (containers: `containerDefinitions[*].…`). */
  readonly field: string;
  readonly mappings: {
    readonly securityHub?: string;
    readonly awsConfig?: string;
    readonly checkov?: string;
  };
  /** Parameters and their defaults (configurable). */
  readonly params?: Readonly<Record<string, unknown>>;
  check(taskDefinition: TaskDefinitionDoc, context: RuleCheckContext): Violation[];
}

export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  readonly path: string;
  readonly file?: string;
  /** The task definition's family (or the template's logical id). */
  readonly subject: string;
  readonly location?: SourceLocation;
  readonly remediation: string;
}

export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  readonly source: string;
}
