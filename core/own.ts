/**
 * `record[key]` when `key` is one of the record's own properties, else undefined.
 *
 * A plain object literal inherits Object.prototype: looked up with a key that comes from a file,
 * a tag, an event or the command line, `constructor`, `toString`, `valueOf` or `__proto__` find a
 * function (or Object.prototype itself) instead of nothing. Every lookup of such a key in a fixed
 * table goes through here.
 *
 * @example
 * own({ a: 1 }, "a");           // 1
 * own({ a: 1 }, "constructor"); // undefined
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
