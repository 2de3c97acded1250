export type Severity = "high" | "medium" | "low";
export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { high: 3, medium: 2, low: 1 };

/**
 * A value the policy cannot know: a CloudFormation intrinsic (`Ref`, `Fn::Sub`…), a Terraform
 * variable, reference or function, a value known only after apply. A rule that reads one is
 * unknown for what it decides there (see `evaluateRule`), never passed and never failed.
 */
export class Unknown {
  /**
   * @param reference an attribute of another resource of the same template or module
   *   (`!GetAtt Role.Arn`, `!Ref Cluster`, `aws_iam_role.task.arn`): it always has a value once
   *   deployed, and two different references name two different resources. A variable, a
   *   parameter or a function may be empty, or anything.
   */
  constructor(
    readonly description: string,
    readonly reference = false,
  ) {}
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

/**
 * The ECS resources the policy checks. Each is read in the ECS API's shape: a task definition as
 * RegisterTaskDefinition's input, a service as DescribeServices returns it (CreateService's
 * input names), a cluster as DescribeClusters, a task set as DescribeTaskSets, a capacity
 * provider as DescribeCapacityProviders.
 */
export type ResourceKind = "taskDefinition" | "service" | "cluster" | "taskSet" | "capacityProvider";
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  "taskDefinition",
  "service",
  "cluster",
  "taskSet",
  "capacityProvider",
];
/** How users call each kind in messages and reports. */
export const RESOURCE_LABEL: Readonly<Record<ResourceKind, string>> = {
  taskDefinition: "task definition",
  service: "service",
  cluster: "cluster",
  taskSet: "task set",
  capacityProvider: "capacity provider",
};

/** One resource in the ECS API's shape (values may be {@link Unknown}). */
export type ResourceDoc = Record<string, unknown>;

/** Resources a rule needs besides its own: the cluster and task definition of a service or task set. */
export interface RelatedResources {
  /** The service's cluster: a document, {@link Unknown} when referenced but not readable here. */
  readonly cluster?: ResourceDoc | Unknown;
  /** The task definition the service or task set runs. */
  readonly taskDefinition?: ResourceDoc | Unknown;
}

/** What is known about how the task definition runs: from a template's service, or the account. */
export interface RunContext {
  /** A service runs it behind a load balancer ({@link Unknown} when its load balancers are not known). */
  readonly behindLoadBalancer?: boolean | Unknown;
  /** The service's Fargate platform version. */
  readonly platformVersion?: string;
  readonly launchType?: string;
  /** The account and region the task runs in, where the input says (an ARN, the provider, the account). */
  readonly account?: string;
  readonly region?: string;
  /**
   * The task definition is a revision registered in ECS, or the input of a RegisterTaskDefinition
   * about to be made (both read through `fromEcsApi`): its values are what tasks run, and none is
   * filled in later, so an image is never read as a CI placeholder.
   */
  readonly registered?: boolean;
}

export interface Violation {
  readonly path: FieldPath;
  readonly message: string;
  /**
   * The rule cannot decide: a value it needs is not known in this input (a variable, a reference,
   * a CI placeholder). Reported as unknown, never as a finding and never as a pass.
   */
  readonly unknown?: true;
}

export interface RuleCheckContext {
  readonly params: Readonly<Record<string, unknown>>;
  readonly run: RunContext;
  /** The cluster and task definition of a service or task set, where the input has them. */
  readonly related: RelatedResources;
}

/** Where an anchor checks what a rule checks. */
export type AnchorSource = "securityHub" | "awsConfig" | "checkov";

/** A policy rule: stable id, what and why, how to fix, and where others check the same. */
export interface PolicyRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** The kind of resource the rule checks (default: task definitions). */
  readonly resource?: ResourceKind;
  readonly rationale: string;
  readonly remediation: string;
  /** The JSON path of the field the rule looks at (containers: `containerDefinitions[*].…`). */
  readonly field: string;
  /** Security Hub control, AWS Config rule and Checkov check ids; several are comma separated. */
  readonly mappings: {
    readonly securityHub?: string;
    readonly awsConfig?: string;
    readonly checkov?: string;
  };
  /** Where the rule and an anchor differ, and which meaning the rule follows. */
  readonly notes?: string;
  /** False for rules that are off unless the config turns them on (tagging standards). */
  readonly enabledByDefault?: boolean;
  /** Parameters and their defaults (configurable). */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * Decides the rule for one resource. The evaluator sees every value the check reads: one that is
   * not known in the input makes the rule unknown there, and a violation that could depend on it
   * is not reported (see `evaluateRule`). So a violation on an element (`containerDefinitions[2]…`)
   * must depend only on that element, its parents and top-level fields; a violation about several
   * elements goes on the list (`containerDefinitions`) or a top-level field.
   */
  check(document: ResourceDoc, context: RuleCheckContext): Violation[];
}

export interface SourceLocation {
  readonly line: number;
  readonly column: number;
  /** The file it is in, when not the resource's own (container definitions Terraform reads with file()). */
  readonly file?: string;
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

/** A rule that could not be decided for a resource: a value it needs is not known in the input. */
export interface UnknownResult {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  readonly path: string;
  readonly subject: string;
  readonly file?: string;
  readonly location?: SourceLocation;
  /**
   * The value is of a type its field does not take (`"privileged": "TRUE"`, a `null` container
   * definition): nothing fills it in later, unlike a variable or a placeholder, so `policy check`
   * fails on it at or above `--fail-on`.
   */
  readonly invalid?: true;
}
