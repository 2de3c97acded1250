import { z } from "zod";
import { PatternError, parseTagPolicy, TagPolicyError } from "../tagPolicy/index.ts";
import { compileNameGlob } from "./nameGlob.ts";

/**
 * A glob over names (`*` any run of characters, `/` included; `?` one character; `[a-z]`,
 * `{a,b}`), e.g. `prod-*`; compiled at load to a linear-time matcher (./nameGlob.ts), so that a
 * glob that does not compile fails the config with its JSON path, not a push.
 */
export const Glob = z
  .string()
  .min(1)
  .superRefine((glob, context) => {
    try {
      compileNameGlob(glob);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      context.addIssue({ code: "custom", message: `not a valid glob (${error.problem})` });
    }
  });

/** A tag policy spec, parsed at load so that a bad one fails the config, not a push. */
const TagPolicySpec = z
  .string()
  .min(1)
  .superRefine((spec, context) => {
    try {
      parseTagPolicy(spec, { from: "config" });
    } catch (error) {
      if (!(error instanceof TagPolicyError)) throw error;
      context.addIssue({ code: "custom", message: error.problem });
    }
  });

export const RedeployRule = z
  .strictObject({
    /** Cluster name glob. */
    cluster: Glob.default("*"),
    /** Service name glob. */
    service: Glob.default("*"),
    /** Repository name glob (the ECR repository, without registry). */
    repository: Glob.default("*"),
    /**
     * Tag policy: `force`, `any`, `patch`, `minor`, `major`, `range:<range>`, `prefix:<p>`,
     * `glob:<pattern>`, `regex:<pattern>`, `order:<alphabetical|numerical>[:<regex>]` or `off`.
     * Globs and regular expressions are config-only: ECS tag values cannot hold `*`, `?`, `^` or
     * `$`. Checked at load: a policy that does not parse, or a regular expression RE2 refuses,
     * fails the config with its JSON path.
     */
    policy: TagPolicySpec,
    /** Container to update when the task has several (default: every container using the repository). */
    container: z.string().min(1).optional(),
    /** Let pre-release versions (`1.3.0-rc.1`) win under semver policies. */
    allowPrerelease: z.boolean().optional(),
    /** Deploy only images a signature artifact refers to (default: `redeploy.requireSignature`). */
    requireSignature: z.boolean().optional(),
  })
  .describe("a rule that opts services in by name");
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
  cluster: Glob.default("*"),
  service: Glob.default("*"),
  /** Name of the SST secret holding this channel's webhook URL, e.g. `SlackWebhookUrlPayments`. */
  webhook: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "an SST secret name such as SlackWebhookUrlPayments"),
});
export type SlackRoute = z.infer<typeof SlackRoute>;

/** An SST stage name (`sst deploy --stage NAME`). */
const StageName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, "a stage name such as production");

/** An IAM role ARN, `*` and `?` allowed, e.g. `arn:aws:iam::123456789012:role/shop-*`. */
const RoleArnPattern = z
  .string()
  .regex(
    /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|\*):role\/[\w+=,.@/*?-]+$/,
    "an IAM role ARN such as arn:aws:iam::123456789012:role/shop-*",
  );

export const AutopilotConfig = z.strictObject({
  /**
   * Read by `sst deploy` (infra/), ignored by the functions: which stage acts on the account
   * and which task and execution roles the functions may pass to ECS.
   */
  deploy: z
    .strictObject({
      /** The one stage that acts; every other stage runs the same code in dry-run. */
      actingStage: StageName.default("production"),
      /** Further stages that act too: only for a stage alone in its account and region. */
      alsoActing: z.array(StageName).default([]),
      /** Roles (ARN patterns) that may be passed to ECS besides those tagged autopilot:pass-role=true. */
      passRoles: z.array(RoleArnPattern).default([]),
    })
    .prefault({}),
  redeploy: z
    .strictObject({
      /** First matching rule wins; a service's `autopilot:redeploy` tag wins over every rule. */
      rules: z.array(RedeployRule).default([]),
      /** Default for semver policies. */
      allowPrerelease: z.boolean().default(false),
      /** Default for every rule and tagged service: deploy only images a signature artifact refers to. */
      requireSignature: z.boolean().default(false),
      /** Post to Slack when every tracked service was skipped (default: only log it). */
      notifySkipped: z.boolean().default(false),
      /** Concurrent service updates per push. */
      concurrency: z.number().int().min(1).max(20).default(4),
    })
    .prefault({}),
  policy: z
    .strictObject({
      /** audit: report and tag revisions; enforce: also deregister non-compliant revisions and roll services back. */
      mode: z.enum(["audit", "enforce"]).default("audit"),
      /** In enforce mode, the lowest severity that makes a revision non-compliant. */
      enforceAt: z.enum(["high", "medium", "low"]).default("high"),
      /** Per rule: switch off, change severity, set parameters (e.g. ECS014 allowedRegistries). */
      rules: z
        .record(
          z.string().regex(/^ECS\d{3}$/, "a rule id such as ECS013"),
          z.strictObject({
            enabled: z.boolean().optional(),
            severity: z.enum(["high", "medium", "low"]).optional(),
            params: z.record(z.string(), z.unknown()).optional(),
          }),
        )
        .default({}),
      /** Exemptions by task-definition family glob; a reason is required. */
      exemptions: z
        .array(
          z.strictObject({
            family: Glob,
            rule: z.string().regex(/^ECS\d{3}$/),
            reason: z.string().trim().min(1, "an exemption needs a reason"),
          }),
        )
        .default([]),
    })
    .prefault({}),
  schedule: z
    .strictObject({
      /** Schedules by name, for services without an `autopilot:schedule` tag (the tag wins). */
      services: z
        .array(
          z.strictObject({
            cluster: Glob.default("*"),
            service: Glob.default("*"),
            /** The tag's language, or the richer object form. */
            schedule: z.union([
              z.string().min(1),
              z.strictObject({
                windows: z
                  .array(z.strictObject({ days: z.string(), start: z.string(), end: z.string() }))
                  .min(1),
                timezone: z.string(),
                holidays: z.array(z.string()).optional(),
                upUntil: z.string().optional(),
              }),
            ]),
            offCapacity: z.number().int().min(0).optional(),
            upCapacity: z
              .strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) })
              .refine((c) => c.max >= c.min, "max must not be below min")
              .optional(),
          }),
        )
        .default([]),
      /** Dates (YYYY-MM-DD, in each schedule's own time zone) on which every scheduled service stays down. */
      holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD")).default([]),
    })
    .prefault({}),
  monitor: z
    .strictObject({
      /** N abnormal stops of one service within M minutes open one crash-loop incident. */
      crashLoop: z
        .strictObject({
          stops: z.number().int().min(2).default(3),
          withinMinutes: z.number().int().min(1).max(1440).default(10),
        })
        .prefault({}),
      /** Classes that alert on their first stop (once per service and cooldown), before any crash loop. */
      alertOnFirstStop: z
        .array(z.enum(STOP_CLASS_NAMES))
        .default(["out-of-memory", "image-pull", "secrets", "spot-interruption"]),
      /** How long the same alert (service + cause) stays quiet after it was sent. */
      cooldownMinutes: z.number().int().min(1).max(1440).default(30),
      /** Messages per minute per Slack webhook; more are dropped and counted in the log. */
      rateLimitPerMinute: z.number().int().min(1).max(600).default(20),
      /** First matching route picks the channel; unmatched services use SlackWebhookUrl. */
      routes: z.array(SlackRoute).default([]),
    })
    .prefault({}),
});
export type AutopilotConfig = z.infer<typeof AutopilotConfig>;

/** The configuration used when none is given: nothing is tracked unless a service carries a tag. */
export const DEFAULT_CONFIG: AutopilotConfig = AutopilotConfig.parse({});
