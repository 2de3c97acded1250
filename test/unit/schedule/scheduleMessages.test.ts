/** Which Slack messages a reconcile sends: one per changed service, or one digest for many. */
import { describe, expect, it } from "vitest";
import { DIGEST_OVER, scheduleMessages } from "../../../core/schedule/messages.ts";
import type { ServiceSchedulePlan } from "../../../core/schedule/types.ts";

const plan = (name: string, overrides: Partial<ServiceSchedulePlan> = {}): ServiceSchedulePlan => ({
  service: {
    clusterName: "prod",
    serviceName: name,
    serviceArn: `arn:aws:ecs:eu-west-1:123456789012:service/prod/${name}`,
    resourceId: `service/prod/${name}`,
  },
  status: "scheduled",
  writes: [{ kind: "remember-capacity", capacity: { min: 2, max: 6 }, source: "test" }],
  ...overrides,
});
const report = (services: ServiceSchedulePlan[], dryRun = false) => ({ now: new Date(0), dryRun, services });

describe("scheduleMessages", () => {
  it(`tells each changed service on its own up to ${DIGEST_OVER} services`, () => {
    const services = Array.from({ length: DIGEST_OVER }, (_, i) => plan(`svc-${i}`));
    const texts = scheduleMessages(report(services)).map((m) => m.message.text);
    expect(texts).toHaveLength(DIGEST_OVER);
    expect(texts[0]).toBe("Schedule applied: prod/svc-0 (1 changes)");
  });

  it("sends one digest when more services changed, and still tells failures and invalid schedules each", () => {
    const services = [
      ...Array.from({ length: DIGEST_OVER }, (_, i) => plan(`svc-${i}`)),
      plan("gone", { status: "unscheduled", writes: [{ kind: "forget-capacity" }] }),
      plan("quiet", { writes: [] }),
      plan("broken", { failure: "PutScheduledAction: throttled" }),
      plan("typo", { status: "invalid", writes: [], error: "unknown day 'Mnd'" }),
    ];
    const messages = scheduleMessages(report(services));
    expect(messages.map((m) => m.message.text)).toEqual([
      `Schedules changed on ${DIGEST_OVER + 1} services: ${DIGEST_OVER} applied, 1 removed (${DIGEST_OVER + 1} changes)`,
      "Schedule not applied: prod/broken",
      "Invalid schedule on prod/typo: left untouched",
    ]);
    const digest = JSON.stringify(messages[0]?.message.blocks);
    expect(digest).toContain("prod/gone (1)");
    expect(digest).not.toContain("prod/quiet");
    expect(messages[0]?.once).toBeUndefined();
    expect(messages[1]?.once?.kind).toBe("schedule-failed");
  });

  it("a failure or an invalid schedule is another message (another id) for another reason, the same for the same", () => {
    const failed = (failure: string) => scheduleMessages(report([plan("broken", { failure })]))[0];
    const first = failed("PutScheduledAction: throttled");
    const other = failed("RegisterScalableTarget: AccessDeniedException");
    // The same headline: Notify would take the second for the first without the identity.
    expect(other?.message.text).toBe(first?.message.text);
    expect(other?.identity).not.toBe(first?.identity);
    expect(failed("PutScheduledAction: throttled")?.identity).toBe(first?.identity);
    expect(first?.identity).toBe(first?.once?.id.split("#").pop());
    const invalid = (error: string) =>
      scheduleMessages(report([plan("typo", { status: "invalid", writes: [], error })]))[0];
    expect(invalid("unknown day 'Mnd'")?.identity).not.toBe(invalid("unknown time '25:00'")?.identity);
    expect(invalid("unknown day 'Mnd'")?.identity).toBe(invalid("unknown day 'Mnd'")?.identity);
  });

  it("names the first 30 services of a digest and counts the rest", () => {
    const services = Array.from({ length: 2000 }, (_, i) => plan(`svc-${i}`));
    const [digest, ...rest] = scheduleMessages(report(services));
    expect(rest).toEqual([]);
    const text = JSON.stringify(digest?.message.blocks);
    expect(text).toContain("prod/svc-29 (1)");
    expect(text).not.toContain("prod/svc-30 ");
    expect(text).toContain("…and 1970 more");
  });

  it("says nothing on a dry run", () => {
    expect(scheduleMessages(report([plan("a")], true))).toEqual([]);
  });
});
