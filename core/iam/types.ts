/**
 * The shapes of ecs-autopilot's permissions as data: one list of IAM statements per Lambda
 * function, with ARN templates that infra/ renders for SST and the CLI prints for review.
 */

/** The Lambda functions ecs-autopilot deploys, each with its own role. */
export const AUTOPILOT_FUNCTIONS = [
  "redeploy",
  "service-index",
  "monitor",
  "schedule",
  "policy",
  "rightsize",
  "notify",
] as const;
export type AutopilotFunction = (typeof AUTOPILOT_FUNCTIONS)[number];

/**
 * Placeholders an ARN template may hold, as `${name}`: where the stack is deployed, and the
 * generated names of the stack's own resources (known only once SST has created them).
 */
export const PLACEHOLDERS = [
  "partition",
  "region",
  "account",
  "stateTable",
  "deadLetterQueue",
  "configParameter",
  "outboxQueue",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Readonly<Record<Placeholder, string>>;

/** One IAM condition, in SST's (and Terraform's) `{ test, variable, values }` form. */
export interface IamCondition {
  readonly test: "StringEquals" | "StringLike" | "ForAllValues:StringLike" | "ArnLike";
  readonly variable: string;
  readonly values: readonly string[];
}

/** One Allow statement of a function's role. */
export interface PermissionStatement {
  /** Statement id: letters and digits, unique within the function. */
  readonly sid: string;
  readonly actions: readonly string[];
  /** ARN templates (`arn:${partition}:ecs:${region}:${account}:service/*`) or `*`. */
  readonly resources: readonly string[];
  readonly conditions?: readonly IamCondition[];
  /**
   * True when the statement changes the account (ECS, Application Auto Scaling, IAM). A stage
   * that does not act (README, "Stages") runs in dry-run and its role goes without these.
   */
  readonly mutates?: boolean;
  /** Why the function needs it and why the resource is as wide as it is (README, `iam policy`). */
  readonly why: string;
}

/** What decides the statements beyond the function itself. */
export interface PermissionOptions {
  /** Whether the stage acts on the account (false: dry-run, no statement that `mutates`). */
  readonly acting: boolean;
  /**
   * Role ARN patterns (config `deploy.passRoles`) that may be passed to ECS besides the roles
   * tagged `autopilot:pass-role` = `true`.
   */
  readonly passRoles?: readonly string[];
}

/** An IAM policy document as AWS reads it. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: ReadonlyArray<{
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string[];
    readonly Condition?: Record<string, Record<string, string[]>>;
  }>;
}
