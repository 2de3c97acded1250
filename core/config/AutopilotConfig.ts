import { PatternError, parseTagPolicy, TagPolicyError } from "../tagPolicy/index.ts";
import * as z from "../zod.ts";
import { compileNameGlob } from "./nameGlob.ts";

/**
 * A glob over names (`*` any run of characters, `/` included; `?` one character; `[a-z]`,
 * `{a,b}`), e.g. `prod-*`; compiled at load to a linear-time matcher (./nameGlob.ts), so that a
 * glob that does not compile fails the config with its JSON path, not a push.
 */
export const Glob = z.string().check(
  z.minLength(1),
  z.superRefine((glob, context) => {
    try {
      compileNameGlob(glob);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      context.addIssue({ code: "custom", message: `not a valid glob (${error.problem})` });
    }
  }),
);

/** A tag policy spec, parsed at load so that a bad one fails the config, not a push. */
const TagPolicySpec = z.string().check(
  z.minLength(1),
  z.superRefine((spec, context) => {
    try {
      parseTagPolicy(spec, { from: "config" });
    } catch (error) {
      if (!(error instanceof TagPolicyError)) throw error;
      context.addIssue({ code: "custom", message: error.problem });
    }
  }),
);

/** A rule that opts services in by name. */
export const RedeployRule = z.strictObject({
  /** Cluster name glob. */
  cluster: z._default(Glob, "*"),
  /** Service name glob. */
  service: z._default(Glob, "*"),
  /** Repository name glob (the ECR repository, without registry). */
  repository: z._default(Glob, "*"),
  /**
   * Tag policy: `force`, `any`, `patch`, `minor`, `major`, `range:<range>`, `prefix:<p>`,
   * `glob:<pattern>`, `regex:<pattern>`, `order:<alphabetical|numerical>[:<regex>]` or `off`.
   * Globs and regular expressions are config-only: ECS tag values cannot hold `*`, `?`, `^` or
   * `$`. Checked at load: a policy that does not parse, or a regular expression RE2 refuses,
   * fails the config with its JSON path.
   */
  policy: TagPolicySpec,
  /** Container to update when the task has several (default: every container using the repository). */
  container: z.optional(z.string().check(z.minLength(1))),
  /** Let pre-release versions (`1.3.0-rc.1`) win under semver policies. */
  allowPrerelease: z.optional(z.boolean()),
  /** Deploy only images a signature artifact refers to (default: `redeploy.requireSignature`). */
  requireSignature: z.optional(z.boolean()),
});
export type RedeployRule = z.infer<typeof RedeployRule>;

/** Classes of task stop (core/monitor/classifyStop.ts). */
export const STOP_CLASS_NAMES = [
  "out-of-memory",
  "application-error",
  "image-pull",
  "secrets",
  "elb-health-check",
  "container-health-check",
  "spot-interruption",
  "host-terminated",
  "scale-in",
  "replaced-by-deployment",
  "user-stop",
  "completed",
  "unknown",
] as const;

export const SlackRoute = z.strictObject({
  cluster: z._default(Glob, "*"),
  service: z._default(Glob, "*"),
  /** Name of the SST secret holding this channel's webhook URL, e.g. `SlackWebhookUrlPayments`. */
  webhook: z
    .string()
    .check(z.regex(/^[A-Z][A-Za-z0-9]*$/, "an SST secret name such as SlackWebhookUrlPayments")),
});
export type SlackRoute = z.infer<typeof SlackRoute>;

/** An SST stage name (`sst deploy --stage NAME`). */
const StageName = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, "a stage name such as production"));

/** An IAM role ARN, `*` and `?` allowed, e.g. `arn:aws:iam::123456789012:role/shop-*`. */
const RoleArnPattern = z
  .string()
  .check(
    z.regex(
      /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|\*):role\/[\w+=,.@/*?-]+$/,
      "an IAM role ARN such as arn:aws:iam::123456789012:role/shop-*",
    ),
  );

export const AutopilotConfig = z.strictObject({
  /**
   * Read by `sst deploy` (infra/), ignored by the functions: which stage acts on the account
   * and which task and execution roles the functions may pass to ECS.
   */
  deploy: z.prefault(
    z.strictObject({
      /** The one stage that acts; every other stage runs the same code in dry-run. */
      actingStage: z._default(StageName, "production"),
      /** Further stages that act too: only for a stage alone in its account and region. */
      alsoActing: z._default(z.array(StageName), []),
      /** Roles (ARN patterns) that may be passed to ECS besides those tagged autopilot:pass-role=true. */
      passRoles: z._default(z.array(RoleArnPattern), []),
    }),
    {},
  ),
  redeploy: z.prefault(
    z.strictObject({
      /** First matching rule wins; a service's `autopilot:redeploy` tag wins over every rule. */
      rules: z._default(z.array(RedeployRule), []),
      /** Default for semver policies. */
      allowPrerelease: z._default(z.boolean(), false),
      /** Default for every rule and tagged service: deploy only images a signature artifact refers to. */
      requireSignature: z._default(z.boolean(), false),
      /** Post to Slack when every tracked service was skipped (default: only log it). */
      notifySkipped: z._default(z.boolean(), false),
      /** Concurrent service updates per push. */
      concurrency: z._default(z.int().check(z.minimum(1), z.maximum(20)), 4),
    }),
    {},
  ),
  policy: z.prefault(
    z.strictObject({
      /** audit: report and tag revisions; enforce: also deregister non-compliant revisions and roll services back. */
      mode: z._default(z.enum(["audit", "enforce"]), "audit"),
      /** In enforce mode, the lowest severity that makes a revision non-compliant. */
      enforceAt: z._default(z.enum(["high", "medium", "low"]), "high"),
      /** Per rule: switch off, change severity, set parameters (e.g. ECS014 allowedRegistries). */
      rules: z._default(
        z.record(
          z.string().check(z.regex(/^ECS\d{3}$/, "a rule id such as ECS013")),
          z.strictObject({
            enabled: z.optional(z.boolean()),
            severity: z.optional(z.enum(["high", "medium", "low"])),
            params: z.optional(z.record(z.string(), z.unknown())),
          }),
        ),
        {},
      ),
      /** Exemptions by task-definition family glob; a reason is required. */
      exemptions: z._default(
        z.array(
          z.strictObject({
            family: Glob,
            rule: z.string().check(z.regex(/^ECS\d{3}$/)),
            reason: z.string().check(z.trim(), z.minLength(1, "an exemption needs a reason")),
          }),
        ),
        [],
      ),
    }),
    {},
  ),
  schedule: z.prefault(
    z.strictObject({
      /** Schedules by name, for services without an `autopilot:schedule` tag (the tag wins). */
      services: z._default(
        z.array(
          z.strictObject({
            cluster: z._default(Glob, "*"),
            service: z._default(Glob, "*"),
            /** The tag's language, or the richer object form. */
            schedule: z.union([
              z.string().check(z.minLength(1)),
              z.strictObject({
                windows: z
                  .array(z.strictObject({ days: z.string(), start: z.string(), end: z.string() }))
                  .check(z.minLength(1)),
                timezone: z.string(),
                holidays: z.optional(z.array(z.string())),
                upUntil: z.optional(z.string()),
              }),
            ]),
            offCapacity: z.optional(z.int().check(z.minimum(0))),
            upCapacity: z.optional(
              z
                .strictObject({ min: z.int().check(z.minimum(0)), max: z.int().check(z.minimum(0)) })
                .check(z.refine((c) => c.max >= c.min, "max must not be below min")),
            ),
          }),
        ),
        [],
      ),
      /** Dates (YYYY-MM-DD, in each schedule's own time zone) on which every scheduled service stays down. */
      holidays: z._default(
        z.array(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD"))),
        [],
      ),
    }),
    {},
  ),
  monitor: z.prefault(
    z.strictObject({
      /** N abnormal stops of one service within M minutes open one crash-loop incident. */
      crashLoop: z.prefault(
        z.strictObject({
          stops: z._default(z.int().check(z.minimum(2)), 3),
          withinMinutes: z._default(z.int().check(z.minimum(1), z.maximum(1440)), 10),
        }),
        {},
      ),
      /** Classes that alert on their first stop (once per service and cooldown), before any crash loop. */
      alertOnFirstStop: z._default(z.array(z.enum(STOP_CLASS_NAMES)), [
        "out-of-memory",
        "image-pull",
        "secrets",
        "spot-interruption",
      ]),
      /** How long the same alert (service + cause) stays quiet after it was sent. */
      cooldownMinutes: z._default(z.int().check(z.minimum(1), z.maximum(1440)), 30),
      /** Messages per minute per Slack webhook; more are dropped and counted in the log. */
      rateLimitPerMinute: z._default(z.int().check(z.minimum(1), z.maximum(600)), 20),
      /** First matching route picks the channel; unmatched services use SlackWebhookUrl. */
      routes: z._default(z.array(SlackRoute), []),
    }),
    {},
  ),
});
export type AutopilotConfig = z.infer<typeof AutopilotConfig>;

/** The configuration used when none is given: nothing is tracked unless a service carries a tag. */
export const DEFAULT_CONFIG: AutopilotConfig = AutopilotConfig.parse({});
