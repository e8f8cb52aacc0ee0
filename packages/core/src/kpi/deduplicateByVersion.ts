/** The newest copy of each key, and how many other copies were set aside. */
export interface DeduplicationResult<K, T> {
  /** One record per key, in the order each key was first seen. */
  readonly latest: ReadonlyMap<K, T>;
  /** Copies dropped because another copy of their key had a greater (or the same) `_version`. */
  readonly dropped: number;
}

/**
 * Keeps, for each key, the copy with the greatest `_version`. Silver can hold several accepted
 * copies of one row (the same key in several source files, or a corrected re-upload); the newest
 * version is the one that counts (docs/design.md, "KPIs: recompute, never increment").
 *
 * Versions compare as plain strings (UTF-16 code units), which is how they are designed to sort.
 * Two copies with equal versions are the same row; the first one seen is kept, so the result is
 * deterministic for a given input. One pass and one map: O(n) time, O(keys) memory.
 *
 * @param records - silver rows, in any order
 * @param keyOf - the row's identity (`order_id` for orders, `id` for items)
 *
 * @example
 * const { latest, dropped } = deduplicateByVersion(orders, (order) => order.order_id);
 * latest.get(42)?._version; // the greatest version among the copies of order 42
 */
export function deduplicateByVersion<K, T extends { readonly _version: string }>(
  records: readonly T[],
  keyOf: (record: T) => K,
): DeduplicationResult<K, T> {
  const latest = new Map<K, T>();
  for (const record of records) {
    const key = keyOf(record);
    const kept = latest.get(key);
    if (kept === undefined || record._version > kept._version) latest.set(key, record);
  }
  return { latest, dropped: records.length - latest.size };
}
