/**
 * The ISO 8601 week of an instant (`2026-W48`), by its UTC date: weeks start on Monday, week 1
 * holds the year's first Thursday, so 1–3 January may be in week 52 or 53 of the year before and
 * 29–31 December in week 1 of the year after. It keys the one-step-per-week right-sizing claim
 * (applyRightsize.ts).
 *
 * @example
 * isoWeek(new Date("2021-01-03T12:00:00Z")); // "2020-W53"
 */
export function isoWeek(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  // The Thursday of the week: its year is the week's year.
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
