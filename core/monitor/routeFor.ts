import { matchesGlob, type SlackRoute } from "../config/index.ts";
import { DEFAULT_CHANNEL } from "../flow.ts";
import type { Subject } from "./subjects.ts";

/** The default webhook secret, used when no route matches. */
export const DEFAULT_WEBHOOK = DEFAULT_CHANNEL;

/** The webhook (SST secret name) for a subject: the first route whose globs match. */
export function routeFor(subject: Subject, routes: readonly SlackRoute[]): string {
  const route = routes.find(
    (r) => matchesGlob(subject.clusterName, r.cluster) && matchesGlob(subject.name, r.service),
  );
  return route?.webhook ?? DEFAULT_WEBHOOK;
}
