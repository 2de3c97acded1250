import { z } from "zod";

/** A glob over names (`*` any run of characters, `?` one character), e.g. `prod-*`. */
const Glob = z.string().min(1);

export const RedeployRule = z
  .strictObject({
    /** Cluster name glob. */
    cluster: Glob.default("*"),
    /** Service name glob. */
    service: Glob.default("*"),
    /** Repository name glob (the ECR repository, without registry). */
    repository: Glob.default("*"),
    /**
     * Tag policy: `force`, `patch`, `minor`, `major`, `prefix:<p>`, `glob:<pattern>`,
     * `regex:<pattern>` or `off`. Globs and regular expressions are config-only: ECS tag values
     * cannot hold `*`, `?`, `^` or `$`.
     */
    policy: z.string().min(1),
    /** Container to update when the task has several (default: every container using the repository). */
    container: z.string().min(1).optional(),
    /** Let pre-release versions (`1.3.0-rc.1`) win under semver policies. */
    allowPrerelease: z.boolean().optional(),
  })
  .describe("a rule that opts services in by name");
export type RedeployRule = z.infer<typeof RedeployRule>;

export const AutopilotConfig = z.strictObject({
  redeploy: z
    .strictObject({
      /** First matching rule wins; a service's `autopilot:redeploy` tag wins over every rule. */
      rules: z.array(RedeployRule).default([]),
      /** Default for semver policies. */
      allowPrerelease: z.boolean().default(false),
      /** Post to Slack when every tracked service was skipped (default: only log it). */
      notifySkipped: z.boolean().default(false),
      /** Concurrent service updates per push. */
      concurrency: z.number().int().min(1).max(20).default(4),
    })
    .prefault({}),
});
export type AutopilotConfig = z.infer<typeof AutopilotConfig>;

/** The configuration used when none is given: nothing is tracked unless a service carries a tag. */
export const DEFAULT_CONFIG: AutopilotConfig = AutopilotConfig.parse({});
