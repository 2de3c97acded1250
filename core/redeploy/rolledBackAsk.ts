import type { ServiceSnapshot } from "./types.ts";

/*
 * Which services the redeploy asks ECS for the deployments of the pushed digest it rolled back
 * (one ListServiceDeployments each, in redeployPush.ts), and since when, without calling AWS. Its
 * own module so that mutation testing (group `redeploy-apply`) mutates these decisions alone.
 */

/**
 * How long before the push's time a deployment still counts as one "since" the push: one second,
 * the unit of EventBridge's event times and of ECR's push times as read (imageReads.ts,
 * `wholeSecond`). A deployment's `createdAt` has milliseconds and comes from another service's
 * clock: a deployment of the pushed image made in the push's own second (a pipeline's
 * `update-service` right after its push) may read as made at, or just before, that whole second.
 * Counting a rollback a second too early costs next to nothing: the pushed digest did not exist
 * before it was pushed (only a rollback whose images ECS does not name, made in that second, is
 * taken as one that may have been of the pushed image).
 */
export const SINCE_MARGIN_MS = 1_000;

/**
 * Since when rollbacks count: the earlier of the event's time and ECR's push time of the image
 * (`image.pushedAt`), less {@link SINCE_MARGIN_MS}; a time that does not parse is left out, and
 * with neither time there is no "since" (nobody is asked). A push that only added a tag to an image
 * ECS rolled back here (a promotion's `rc-…`) has a later event time than that rollback, not a
 * later image.
 *
 * @example
 * rolledBackSince("2026-05-01T10:00:00Z", "2026-05-01T09:00:00Z"); // 2026-05-01T08:59:59.000Z
 */
export function rolledBackSince(
  eventTime: string | undefined,
  pushedAt: string | undefined,
): Date | undefined {
  const times = [eventTime, pushedAt]
    .map((time) => (time === undefined ? Number.NaN : Date.parse(time)))
    .filter((time) => !Number.isNaN(time));
  if (times.length === 0) return undefined;
  return new Date(Math.min(...times) - SINCE_MARGIN_MS);
}

/**
 * Whether a service is asked which deployments ECS rolled back: it takes the push (a queued push
 * is released to it, `release`, or it tracks the pushed repository, `tracksPush`, asked only when
 * not released) and it has a deployment created after `since` — a rollback of the pushed image is
 * one, and a service idle since before the push costs nothing.
 */
export function asksRolledBack(
  snapshot: ServiceSnapshot,
  since: Date,
  release: boolean,
  tracksPush: () => boolean,
): boolean {
  return (
    (release || tracksPush()) &&
    (snapshot.service.deployments ?? []).some(
      (d) => d.createdAt !== undefined && new Date(d.createdAt).getTime() > since.getTime(),
    )
  );
}
