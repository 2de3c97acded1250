import { nameFromArn } from "../ecs/arns.ts";

/*
 * How long a done roll-out is remembered, and when a push of its digest again is new work:
 * applyRedeployPlan.ts keeps the record in the state table. Its own module so that mutation
 * testing (group `redeploy-apply`) mutates these decisions alone.
 */

/**
 * How long a (service, images) roll-out is remembered: a digest that failed and rolled back is not
 * retried within it — unless the service has run a later revision since (a revert to that digest).
 */
export const DIGEST_CLAIM_SECONDS = 24 * 60 * 60;

/**
 * Whether the service ran a later revision of the family than `deployed` (the revision a done
 * roll-out registered) when the plan was made: the roll-out was replaced since, so a push of its
 * digest again (a mutable tag reverted to an earlier image) is new work, not a duplicate.
 *
 * @example
 * replacedSince("arn:aws:ecs:eu-west-1:123456789012:task-definition/docs:2", "arn:aws:ecs:eu-west-1:123456789012:task-definition/docs:3"); // true
 */
export function replacedSince(deployed: string | undefined, from: string): boolean {
  // A done record without the revision it registered: nothing to compare, so a duplicate.
  if (deployed === undefined) return false;
  const [family, revision] = nameFromArn(deployed).split(":");
  const [fromFamily, fromRevision] = nameFromArn(from).split(":");
  return family === fromFamily && Number(fromRevision) > Number(revision);
}
