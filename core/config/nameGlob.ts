import picomatch from "picomatch";

/**
 * Matches a name against a config glob. `*` matches any run of characters including `/`,
 * because ECR repository names are paths (`shop/web`) and users write `*` meaning "any".
 *
 * @example
 * matchesGlob("shop/web", "shop/*"); // true
 * matchesGlob("prod-eu", "prod-*"); // true
 */
export function matchesGlob(name: string, glob: string): boolean {
  return picomatch.isMatch(name, glob, { bash: true, dot: true });
}
