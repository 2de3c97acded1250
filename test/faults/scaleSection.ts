/**
 * The scale section of docs/reliability.md when only some scheduled jobs were run again
 * (`npm run test:scale -- --only rightsize`): their subsections are replaced, every other job's
 * figures stay as they were measured, and the page says which run each came from.
 */

/** A job's subsection: `### <job name> …` up to the next `### `. */
interface Subsection {
  readonly job: string;
  readonly text: string;
}

/** Said once in the section's introduction when some jobs come from a later run of their own. */
export const RERUN_NOTE =
  "Jobs measured again later in a run of their own (`--only`) say so in their first line; the others are from the run described here.";

function jobOf(heading: string): string {
  return (heading.slice(4).split(/\s/)[0] ?? "").replace(/:$/, "");
}

function split(body: string): { intro: string; subsections: Subsection[] } {
  const parts = body.split(/^(?=### )/m);
  const intro = parts[0]?.startsWith("### ") ? "" : (parts.shift() ?? "");
  return {
    intro,
    subsections: parts.map((text) => ({ job: jobOf(text.split("\n", 1)[0] ?? ""), text })),
  };
}

/**
 * `current` (the section's body) with the subsections of the jobs in `fresh` replaced by
 * `fresh`'s, in place; jobs the section did not have are appended.
 *
 * @example
 * mergeScaleSection(readSection("scale") ?? "", "### rightsize-weekly (…)\n\n- …\n");
 */
export function mergeScaleSection(current: string, fresh: string): string {
  const old = split(current);
  const added = split(fresh).subsections;
  const rerun = new Set(added.map((s) => s.job));
  const placed = new Set<string>();
  const out: string[] = [];
  for (const subsection of old.subsections) {
    if (!rerun.has(subsection.job)) {
      out.push(subsection.text);
      continue;
    }
    if (placed.has(subsection.job)) continue;
    placed.add(subsection.job);
    out.push(...added.filter((s) => s.job === subsection.job).map((s) => s.text));
  }
  out.push(...added.filter((s) => !placed.has(s.job)).map((s) => s.text));
  const intro = old.intro.includes(RERUN_NOTE) ? old.intro : `${old.intro.trimEnd()}\n\n${RERUN_NOTE}\n\n`;
  return `${intro}${out.map((text) => `${text.trimEnd()}\n\n`).join("")}`.trimEnd();
}
