/** A validation issue as zod and Standard Schema report it. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * Turns validation issues into one line naming each failing field by its JSON path, e.g.
 * `detail.repository-name: Invalid input: expected string, received undefined`. Issues at the
 * root are labelled `root` (`(event)` for events, `(root)` for the config).
 */
export function describeIssues(issues: readonly SchemaIssue[], root = "(event)"): string {
  return issues
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p));
      return `${path.length > 0 ? path.join(".") : root}: ${issue.message}`;
    })
    .join("; ");
}
