/**
 * Which services the redeploy asks ECS for rollbacks of the pushed digest, and since when
 * (core/redeploy/rolledBackAsk.ts). The moto tests of test/integration/redeploy (rolledBackRelease,
 * rolledBackRetagged, rolledBackToPinned, rolledBackShadowsDeployedEarlier, callsPerPush) hold the
 * same decisions through ECS; here each condition is held alone.
 */
import type { Deployment } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { asksRolledBack, rolledBackSince } from "../../../core/redeploy/rolledBackAsk.ts";
import type { ServiceSnapshot } from "../../../core/redeploy/types.ts";

describe("rolledBackSince: rollbacks count from a second before the earlier of the event's time and the image's push time", () => {
  it("the image pushed earlier than the event (a tag added to an older image): its push time", () => {
    expect(rolledBackSince("2026-11-27T10:00:00Z", "2026-11-26T08:30:00Z")).toStrictEqual(
      new Date("2026-11-26T08:29:59Z"),
    );
  });

  it("the event earlier than ECR's push time: the event's time", () => {
    expect(rolledBackSince("2026-11-27T10:00:00Z", "2026-11-27T10:00:01.250Z")).toStrictEqual(
      new Date("2026-11-27T09:59:59Z"),
    );
  });

  it("one time only: that time", () => {
    expect(rolledBackSince("2026-11-27T10:00:00Z", undefined)).toStrictEqual(
      new Date("2026-11-27T09:59:59Z"),
    );
    expect(rolledBackSince(undefined, "2026-11-26T08:30:00Z")).toStrictEqual(
      new Date("2026-11-26T08:29:59Z"),
    );
  });

  it("a time that does not parse is left out, the other one counts", () => {
    expect(rolledBackSince("not a time", "2026-11-26T08:30:00Z")).toStrictEqual(
      new Date("2026-11-26T08:29:59Z"),
    );
    expect(rolledBackSince("2026-11-27T10:00:00Z", "yesterday")).toStrictEqual(
      new Date("2026-11-27T09:59:59Z"),
    );
  });

  it("a deployment made in the push's own whole second, at it or after it, is asked about (issue 11, note 3)", () => {
    // Before: since was the push's time itself, and a deployment created exactly then was not "after" it.
    const pushed = "2026-11-27T10:00:00Z";
    const since = rolledBackSince(pushed, pushed);
    if (!since) throw new Error("no since");
    expect(asksRolledBack(snapshot([at(pushed)]), since, false, tracks)).toBe(true);
    expect(asksRolledBack(snapshot([at("2026-11-27T09:59:59.001Z")]), since, false, tracks)).toBe(true);
    expect(asksRolledBack(snapshot([at("2026-11-27T09:59:59Z")]), since, false, tracks)).toBe(false);
  });

  it("no time at all, or none that parses: no since (nobody is asked)", () => {
    expect(rolledBackSince(undefined, undefined)).toBeUndefined();
    expect(rolledBackSince("not a time", "")).toBeUndefined();
  });
});

const SINCE = new Date("2026-11-27T10:00:00Z");
const at = (iso: string): Deployment => ({ id: `ecs-svc/${Date.parse(iso)}`, createdAt: new Date(iso) });
const snapshot = (deployments: Deployment[] | undefined): ServiceSnapshot => ({
  service: {
    serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
    clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/prod",
    ...(deployments ? { deployments } : {}),
  },
  tags: {},
  taskDefinition: {},
  taskDefinitionTags: {},
});
const tracks = () => true;
const untracked = () => false;

describe("asksRolledBack: a service that takes the push and deployed since is asked", () => {
  const deployedSince = snapshot([at("2026-11-27T10:00:00.001Z")]);

  it("a tracked service with a deployment created after since", () => {
    expect(asksRolledBack(deployedSince, SINCE, false, tracks)).toBe(true);
  });

  it("a service a queued push is released to, even when it does not track the push", () => {
    expect(asksRolledBack(deployedSince, SINCE, true, untracked)).toBe(true);
  });

  it("not a service that neither tracks the push nor has it released to it", () => {
    expect(asksRolledBack(deployedSince, SINCE, false, untracked)).toBe(false);
  });

  it("not a deployment created exactly at since, nor before", () => {
    expect(asksRolledBack(snapshot([at("2026-11-27T10:00:00Z")]), SINCE, true, tracks)).toBe(false);
    expect(asksRolledBack(snapshot([at("2026-11-27T09:59:59.999Z")]), SINCE, true, tracks)).toBe(false);
  });

  it("any one of its deployments created after since is enough (the rollback's, next to an old one)", () => {
    expect(
      asksRolledBack(
        snapshot([at("2026-11-20T12:00:00Z"), at("2026-11-27T10:05:00Z")]),
        SINCE,
        false,
        tracks,
      ),
    ).toBe(true);
  });

  it("not a service with no deployments, or whose deployment has no creation time", () => {
    expect(asksRolledBack(snapshot(undefined), SINCE, true, tracks)).toBe(false);
    expect(asksRolledBack(snapshot([]), SINCE, true, tracks)).toBe(false);
    expect(asksRolledBack(snapshot([{ id: "ecs-svc/1" }]), SINCE, true, tracks)).toBe(false);
  });
});
