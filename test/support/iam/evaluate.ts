/**
 * Evaluates an IAM request against an identity policy the way AWS does for the subset of the
 * policy language ecs-autopilot's documents use (Allow statements; Action and Resource with `*`
 * and `?`; StringEquals, StringLike, ArnLike and ForAllValues:StringLike conditions). Anything
 * outside that subset throws, so the proof can never pass by not understanding a statement.
 *
 * Semantics relied on (IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements:
 * Condition operators"): an action matches case-insensitively, a resource ARN case-sensitively,
 * `*` matches any run of characters including `/` and `:`; a request is allowed when one Allow
 * statement matches its action and resource and all of that statement's conditions hold; a
 * single-valued operator on a key the request does not carry is false; ForAllValues on a key the
 * request does not carry (or carries empty) is true.
 */
import type { PolicyDocument } from "../../../core/iam/index.ts";

/** One authorization AWS makes for a call: an action on a resource, with the request's context. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request and resource (`aws:TagKeys`, `iam:PassedToService`, `aws:ResourceTag/…`). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

const glob = (pattern: string, flags = "") =>
  new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
      .join("")}$`,
    flags,
  );

const valuesOf = (context: IamRequest["context"], key: string): readonly string[] | undefined => {
  if (!context) return undefined;
  const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase());
  if (!found) return undefined;
  return typeof found[1] === "string" ? [found[1]] : found[1];
};

function conditionHolds(
  operator: string,
  key: string,
  expected: readonly string[],
  request: IamRequest,
): boolean {
  const actual = valuesOf(request.context, key);
  switch (operator) {
    case "StringEquals":
      return actual !== undefined && actual.length > 0 && actual.every((a) => expected.includes(a));
    case "StringLike":
    case "ArnLike":
      return (
        actual !== undefined &&
        actual.length > 0 &&
        actual.every((a) => expected.some((e) => glob(e).test(a)))
      );
    case "ForAllValues:StringLike":
      return (actual ?? []).every((a) => expected.some((e) => glob(e).test(a)));
    default:
      throw new Error(`condition operator ${operator} is not modelled by the proof`);
  }
}

/** The Sid of the first statement that allows `request`, or undefined when none does. */
export function allowingStatement(document: PolicyDocument, request: IamRequest): string | undefined {
  for (const statement of document.Statement) {
    if (statement.Effect !== "Allow") throw new Error(`statement ${statement.Sid}: only Allow is modelled`);
    if (!statement.Action.some((a) => glob(a, "i").test(request.action))) continue;
    if (!statement.Resource.some((r) => glob(r).test(request.resource))) continue;
    const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
      Object.entries(keys).map(([key, values]) => ({ operator, key, values })),
    );
    if (conditions.every((c) => conditionHolds(c.operator, c.key, c.values, request))) return statement.Sid;
  }
  return undefined;
}
