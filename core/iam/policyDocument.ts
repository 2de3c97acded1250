import { permissionStatements } from "./permissions.ts";
import {
  type AutopilotFunction,
  type PermissionOptions,
  type PermissionStatement,
  PLACEHOLDERS,
  type Placeholder,
  type PolicyDocument,
  type TemplateValues,
} from "./types.ts";

const TEMPLATE = /\$\{([A-Za-z]+)\}/g;

/**
 * Fills an ARN template's placeholders. A placeholder without a value stays as it is (the CLI
 * prints templates for review before the stack exists); an unknown one is an error.
 *
 * @example
 * renderTemplate("arn:${partition}:ecs:${region}:${account}:service/*", { partition: "aws" });
 * // "arn:aws:ecs:${region}:${account}:service/*"
 */
export function renderTemplate(template: string, values: Partial<TemplateValues>): string {
  return template.replace(TEMPLATE, (whole, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name))
      throw new Error(`unknown placeholder ${whole} in ${template}`);
    return values[name as Placeholder] ?? whole;
  });
}

/** A statement with its resources and condition values rendered (a condition may name an ARN: `ecs:cluster`). */
export function renderStatement(
  statement: PermissionStatement,
  values: Partial<TemplateValues>,
): PermissionStatement {
  return {
    ...statement,
    resources: statement.resources.map((r) => renderTemplate(r, values)),
    ...(statement.conditions
      ? {
          conditions: statement.conditions.map((c) => ({
            ...c,
            values: c.values.map((v) => renderTemplate(v, values)),
          })),
        }
      : {}),
  };
}

/** Statements as an IAM policy document: conditions grouped by operator, then by key. */
export function toPolicyDocument(statements: readonly PermissionStatement[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of s.conditions ?? []) {
        condition[c.test] = { ...(condition[c.test] ?? {}), [c.variable]: [...c.values] };
      }
      return {
        Sid: s.sid,
        Effect: "Allow" as const,
        Action: [...s.actions],
        Resource: [...s.resources],
        ...(s.conditions && s.conditions.length > 0 ? { Condition: condition } : {}),
      };
    }),
  };
}

/**
 * The policy document of one function's role: what `sst deploy` attaches (as the role's inline
 * policy, next to AWS's managed AWSLambdaBasicExecutionRole for its logs) and what
 * `npx ecs-autopilot iam policy <function>` prints.
 *
 * @example
 * policyDocument("monitor", { acting: true }, { partition: "aws", region: "eu-west-1", account: "123456789012" });
 */
export function policyDocument(
  fn: AutopilotFunction,
  options: PermissionOptions,
  values: Partial<TemplateValues> = {},
): PolicyDocument {
  return toPolicyDocument(permissionStatements(fn, options).map((s) => renderStatement(s, values)));
}
