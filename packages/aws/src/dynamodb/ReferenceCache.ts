import type { OrderReference, ProductReference } from '@storeflow/core';
import { LRUCache } from 'lru-cache';
import type { ReferenceKind, StoredOrder, StoredProduct } from './referenceBuckets.js';

interface CacheEntry {
  readonly reference: ProductReference | OrderReference;
  /** The row version the reference comes from: a cached row is only replaced by an equal or newer one. */
  readonly version: string;
  /** Undefined when entries never expire, so no entry carries a boxed number for it. */
  readonly expiresAtMs: number | undefined;
}

// Distinct versions kept for sharing before the table is dropped: a version is one per source
// file, so a validator sees a handful at a time.
const MAX_SHARED_VERSIONS = 1_024;

/**
 * The references a validator task has read or written, bounded per kind by least recent use and,
 * when asked, by age. A validator of a million-row file fills it, so its entries are kept small
 * (docs/design.md, "Memory: what a worker holds"): keyed by the numeric id, one map per kind,
 * with no key strings; a row's version is one string shared by every row of its source file
 * instead of a copy per row, as a bucket's JSON would give; and no expiry is stored when there is
 * none.
 */
export class ReferenceCache {
  /**
   * `lru-cache`, which keeps its order in typed arrays. A Map re-inserted on every read, the way
   * this was first written, leaves deleted slots at its front that every eviction walks past,
   * which cost a validator most of its CPU once the cache was full (docs/design.md, "Memory").
   * Undefined for a bound of 0, which lru-cache does not take.
   */
  readonly #byKind: Record<ReferenceKind, LRUCache<number, CacheEntry> | undefined>;
  readonly #ttlMs: number;
  #versions = new Map<string, string>();

  /**
   * @param maxEntries how many products and how many orders are kept at most; 0 keeps none
   * @param ttlMs how long an entry is trusted; `Infinity` for ever
   */
  constructor(maxEntries: Readonly<Record<ReferenceKind, number>>, ttlMs: number) {
    const bounded = (kind: ReferenceKind) => {
      const max = maxEntries[kind];
      if (!Number.isInteger(max) || max < 0) {
        throw new RangeError(`maxEntries.${kind} must be an integer >= 0, got ${max}`);
      }
      return max === 0 ? undefined : new LRUCache<number, CacheEntry>({ max });
    };
    this.#byKind = { products: bounded('products'), orders: bounded('orders') };
    this.#ttlMs = ttlMs;
  }

  /** The cached reference of `id`, undefined when absent or expired at `nowMs` (then dropped). */
  get(kind: ReferenceKind, id: number, nowMs: number): ProductReference | OrderReference | undefined {
    const cache = this.#byKind[kind];
    const cached = cache?.get(id);
    if (cache === undefined || cached === undefined) return undefined;
    if (cached.expiresAtMs !== undefined && cached.expiresAtMs <= nowMs) {
      cache.delete(id);
      return undefined;
    }
    return cached.reference;
  }

  /**
   * Caches what is known of `stored` at `nowMs`, unless a newer version is cached already: a read
   * that was in flight while a newer row was recorded must not bring the older one back.
   *
   * @returns the reference of `stored`, what a lookup answers for it
   */
  remember(
    kind: ReferenceKind,
    id: number,
    stored: StoredProduct | StoredOrder,
    nowMs: number,
  ): ProductReference | OrderReference {
    const reference = referenceOf(stored);
    const cache = this.#byKind[kind];
    if (cache === undefined) return reference;
    const cached = cache.get(id);
    if (cached === undefined || cached.version <= stored.version) {
      cache.set(id, {
        reference,
        version: this.#shared(stored.version),
        expiresAtMs: Number.isFinite(this.#ttlMs) ? nowMs + this.#ttlMs : undefined,
      });
    }
    return reference;
  }

  clear(): void {
    this.#byKind.products?.clear();
    this.#byKind.orders?.clear();
    this.#versions = new Map();
  }

  #shared(version: string): string {
    const known = this.#versions.get(version);
    if (known !== undefined) return known;
    if (this.#versions.size >= MAX_SHARED_VERSIONS) this.#versions = new Map();
    this.#versions.set(version, version);
    return version;
  }
}

/** What a lookup returns of a stored row: the version and source stay out of the cache's values. */
function referenceOf(stored: StoredProduct | StoredOrder): ProductReference | OrderReference {
  return 'category' in stored
    ? { category: stored.category }
    : { userId: stored.userId, createdAtMs: stored.createdAtMs, status: stored.status };
}
