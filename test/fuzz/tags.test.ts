/**
 * The tag languages a team writes on a service: the tag policy (`autopilot:redeploy`), the
 * schedule language (`autopilot:schedule`, also the config's text form), the capacities
 * (`autopilot:up-capacity`, `autopilot:off-capacity`) and the policy exemptions
 * (`autopilot:policy-exempt`). Any value is understood or refused with the part that is wrong;
 * a refused value fails its own service only.
 */
import type { Service } from "@aws-sdk/client-ecs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../core/config/index.ts";
import { serviceExemptions } from "../../core/policy/serviceContext.ts";
import { planSchedules } from "../../core/schedule/planSchedules.ts";
import { parseCapacity, parseScheduleTag, ScheduleError } from "../../core/schedule/ScheduleSpec.ts";
import { decideTag, parseTagPolicy, TagPolicyError } from "../../core/tagPolicy/index.ts";
import { SERVICE_TAGS } from "../../core/tags.ts";
import { bounded, expectDocumentedError, FUZZ_TIMEOUT_MS, hostileString, RUNS } from "./fuzzSupport.ts";

/** Text made of the language's own pieces and hostile ones, so most cases get past the first token. */
const tokens = (pieces: readonly string[]) =>
  fc
    .array(
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pieces) }, { weight: 1, arbitrary: hostileString }),
      {
        maxLength: 8,
      },
    )
    .chain((parts) => fc.constantFrom(" ", "", "  ", "\t").map((separator) => parts.join(separator)));

const POLICY_PIECES = [
  "force",
  "any",
  "patch",
  "minor",
  "major",
  "off",
  "range:",
  ">=1.2",
  "<2",
  "1.x",
  "||",
  "prefix:",
  "release-",
  "glob:",
  "release-*",
  "[0-9]",
  "regex:",
  "^v(\\d+)$",
  "(?P<version>\\d+)",
  "(a+)+$",
  "order:",
  "alphabetical",
  "numerical",
  ":",
  "*",
  "?",
  "(",
  ")",
  "\\",
];
const SCHEDULE_PIECES = [
  "Mon-Fri",
  "Sat",
  "Sun",
  "Mon-Wed+Fri",
  "Fri-Mon",
  "Daily",
  "every-day",
  "Fry",
  "07:00-19:00",
  "22:00-06:00",
  "00:00-24:00",
  "24:00-01:00",
  "7:00-9:00",
  "99:99-00:00",
  "Europe/Berlin",
  "America/New_York",
  "UTC",
  "Mars/Olympus",
  "except",
  "2026-12-24",
  "2026-13-45",
  "2028-02-29",
  "until",
  "2026-12-01T18:00",
  "2026-12-01T25:00",
  "+",
  "-",
];
const TAGS = fc.oneof(
  hostileString,
  fc.constantFrom("1.2.3", "v1.10.0", "1.3.0-rc.1", "release-42", "build-7", "latest", "main"),
);

describe("fuzz: tag languages", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("a tag policy parses or is refused with TagPolicyError; a parsed one decides any pushed tag", () => {
    fc.assert(
      fc.property(
        tokens(POLICY_PIECES),
        fc.constantFrom("tag", "config") as fc.Arbitrary<"tag" | "config">,
        fc.option(TAGS, { nil: undefined }),
        fc.option(TAGS, { nil: undefined }),
        (spec, from, current, pushed) => {
          let policy: ReturnType<typeof parseTagPolicy>;
          try {
            policy = bounded(() => parseTagPolicy(spec, { from }), "parseTagPolicy");
          } catch (error) {
            expectDocumentedError(error, [TagPolicyError]);
            return;
          }
          const decision = bounded(
            () =>
              decideTag(policy, {
                ...(current !== undefined && { current }),
                ...(pushed !== undefined && { pushed }),
              }),
            "decideTag",
          );
          expect(typeof decision.reason).toBe("string");
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("a schedule tag parses or is refused with ScheduleError naming the part that is wrong", () => {
    fc.assert(
      fc.property(tokens(SCHEDULE_PIECES), (tag) => {
        try {
          const spec = bounded(() => parseScheduleTag(tag), "parseScheduleTag");
          expect(spec.windows.length).toBeGreaterThan(0);
        } catch (error) {
          expectDocumentedError(error, [ScheduleError]);
          expect((error as ScheduleError).source).toBe(tag);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("a capacity parses to min <= max or is refused with ScheduleError", () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileString, tokens(["1", "2", "-", "10", "99999", "100000", "0", " "])),
        (text) => {
          try {
            const capacity = bounded(() => parseCapacity("tag", text));
            expect(capacity.min).toBeLessThanOrEqual(capacity.max);
          } catch (error) {
            expectDocumentedError(error, [ScheduleError]);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("a service with any schedule and capacity tags gets a plan or its own 'invalid' status, never an exception", () => {
    const service = (i: number, tags: Record<string, string>): Service => ({
      serviceName: `svc-${i}`,
      serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/svc-${i}`,
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
      desiredCount: 2,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            {
              [SERVICE_TAGS.schedule]: tokens(SCHEDULE_PIECES),
              [SERVICE_TAGS.upCapacity]: fc.oneof(hostileString, fc.constantFrom("2-4", "3", "4-2")),
              [SERVICE_TAGS.offCapacity]: fc.oneof(hostileString, fc.constantFrom("0", "1", "1-1")),
            },
            { requiredKeys: [SERVICE_TAGS.schedule] },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        (tagSets) => {
          const services = tagSets.map((tags, i) => service(i, tags as Record<string, string>));
          const plans = bounded(
            () =>
              planSchedules(
                { services, actions: new Map(), targets: new Map(), remembered: new Map() },
                DEFAULT_CONFIG,
                new Date("2026-11-25T10:00:00Z"),
              ),
            "planSchedules",
          );
          expect(plans).toHaveLength(services.length);
          for (const plan of plans) if (plan.status === "invalid") expect(plan.error).toMatch(/\S/);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("exemptions take only rule ids from any autopilot:policy-exempt value", () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileString, tokens(["ECS004", "ECS011", "ECS999", "ecs004", ",", "ECS0041"])),
        (value) => {
          const exemptions = bounded(() =>
            serviceExemptions({ tags: [{ key: SERVICE_TAGS.policyExempt, value }] }),
          );
          for (const exemption of exemptions) expect(exemption.ruleId).toMatch(/^ECS\d{3}$/);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
