/** Epoch seconds of an instant: the unit of the state table's `expiration` attribute. */
export const epochSeconds = (date: Date = new Date()): number => Math.floor(date.getTime() / 1000);

/** The `expiration` value for an item that lives `seconds` from `now`. */
export const expiresIn = (seconds: number, now: Date = new Date()): number => epochSeconds(now) + seconds;

/**
 * Whether an item is still alive. DynamoDB deletes expired items lazily (up to days later), so
 * every read and every condition treats an item past its `expiration` as gone.
 */
export const isLive = (
  item: { readonly expiration?: unknown } | undefined,
  now: Date = new Date(),
): boolean =>
  item !== undefined && (typeof item.expiration !== "number" || item.expiration >= epochSeconds(now));

/** The condition "absent, or present but expired" (bind `:now` to {@link epochSeconds}). */
export const ABSENT_OR_EXPIRED = "attribute_not_exists(pk) OR expiration < :now";
