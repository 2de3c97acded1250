import { execFileSync } from "node:child_process";

/** The commit the numbers belong to, and whether the tree had changes on top of it. */
export function gitRevision(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      encoding: "utf8",
    }).trim();
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return "unknown revision";
  }
}
