import { ReferenceCache } from '../src/dynamodb/ReferenceCache.js';
import type { StoredOrder, StoredProduct } from '../src/dynamodb/referenceBuckets.js';

const product = (category: string, version: string): StoredProduct => ({
  category,
  version,
  sourceKey: `raw/products/${version}.csv`,
});
const order = (userId: number, version: string): StoredOrder => ({
  userId,
  createdAtMs: Date.UTC(2026, 0, 2, 10),
  status: 'complete',
  orderDate: '2026-01-02',
  version,
  sourceKey: `raw/orders/${version}.csv`,
});

/** The same bound for both kinds. */
const bound = (entries: number) => ({ products: entries, orders: entries });

describe('ReferenceCache', () => {
  it('keeps a product and an order of the same id apart', () => {
    // Prepare
    const cache = new ReferenceCache(bound(10), Number.POSITIVE_INFINITY);

    // Act
    cache.remember('products', 7, product('Tops', 'v1'), 0);
    cache.remember('orders', 7, order(42, 'v1'), 0);

    // Assess
    expect(cache.get('products', 7, 0)).toEqual({ category: 'Tops' });
    expect(cache.get('orders', 7, 0)).toEqual({
      userId: 42,
      createdAtMs: Date.UTC(2026, 0, 2, 10),
      status: 'complete',
    });
    expect(cache.get('orders', 8, 0)).toBeUndefined();
  });

  it('bounds each kind on its own: orders filling theirs evict no product', () => {
    // Prepare
    const cache = new ReferenceCache(bound(2), Number.POSITIVE_INFINITY);
    cache.remember('products', 1, product('Tops', 'v1'), 0);

    // Act
    for (const id of [1, 2, 3]) cache.remember('orders', id, order(id, 'v1'), 0);

    // Assess
    expect(cache.get('products', 1, 0)).toEqual({ category: 'Tops' });
    expect(cache.get('orders', 1, 0)).toBeUndefined();
    expect(cache.get('orders', 3, 0)).toMatchObject({ userId: 3 });
  });

  it('takes a bound for each kind', () => {
    // Prepare
    const cache = new ReferenceCache({ products: 3, orders: 1 }, Number.POSITIVE_INFINITY);

    // Act
    for (const id of [1, 2, 3]) {
      cache.remember('products', id, product('Tops', 'v1'), 0);
      cache.remember('orders', id, order(id, 'v1'), 0);
    }

    // Assess
    expect([1, 2, 3].map((id) => cache.get('products', id, 0) !== undefined)).toEqual([true, true, true]);
    expect([1, 2, 3].map((id) => cache.get('orders', id, 0) !== undefined)).toEqual([false, false, true]);
  });

  it('keeps a newer version against an older one, and takes an equal or newer one', () => {
    // Prepare
    const cache = new ReferenceCache(bound(10), Number.POSITIVE_INFINITY);
    cache.remember('products', 1, product('Tops', 'v2'), 0);

    // Act
    const answered = cache.remember('products', 1, product('Jeans', 'v1'), 0);
    const afterOlder = cache.get('products', 1, 0);
    cache.remember('products', 1, product('Socks', 'v2'), 0);
    const afterEqual = cache.get('products', 1, 0);

    // Assess: the older row is still what the caller read, but not what the cache serves.
    expect(answered).toEqual({ category: 'Jeans' });
    expect(afterOlder).toEqual({ category: 'Tops' });
    expect(afterEqual).toEqual({ category: 'Socks' });
  });

  it('forgets an entry once its TTL has passed, and only then', () => {
    // Prepare
    const cache = new ReferenceCache(bound(10), 500);
    cache.remember('orders', 1, order(1, 'v1'), 1_000);

    // Act
    const justBefore = cache.get('orders', 1, 1_499);
    const atExpiry = cache.get('orders', 1, 1_500);
    const later = cache.get('orders', 1, 1_000);

    // Assess: an expired entry is dropped, not merely hidden.
    expect(justBefore).toMatchObject({ userId: 1 });
    expect(atExpiry).toBeUndefined();
    expect(later).toBeUndefined();
  });

  it('keeps nothing when its bound is 0, and nothing after clear', () => {
    // Prepare
    const off = new ReferenceCache(bound(0), Number.POSITIVE_INFINITY);
    const cleared = new ReferenceCache(bound(10), Number.POSITIVE_INFINITY);
    cleared.remember('products', 1, product('Tops', 'v1'), 0);

    // Act
    off.remember('products', 1, product('Tops', 'v1'), 0);
    cleared.clear();

    // Assess
    expect(off.get('products', 1, 0)).toBeUndefined();
    expect(cleared.get('products', 1, 0)).toBeUndefined();
  });

  it('evicts the least recently used: a read keeps an entry', () => {
    // Prepare
    const cache = new ReferenceCache(bound(2), Number.POSITIVE_INFINITY);
    cache.remember('orders', 1, order(1, 'v1'), 0);
    cache.remember('orders', 2, order(2, 'v1'), 0);

    // Act
    cache.get('orders', 1, 0);
    cache.remember('orders', 3, order(3, 'v1'), 0);

    // Assess
    expect(cache.get('orders', 1, 0)).toMatchObject({ userId: 1 });
    expect(cache.get('orders', 2, 0)).toBeUndefined();
    expect(cache.get('orders', 3, 0)).toMatchObject({ userId: 3 });
  });

  it('keeps its bound over many more ids than it holds, the oldest gone and the newest kept', () => {
    // Prepare
    const cache = new ReferenceCache(bound(1_000), Number.POSITIVE_INFINITY);

    // Act
    for (let id = 0; id < 50_000; id++) cache.remember('orders', id, order(id, 'v1'), 0);

    // Assess
    const kept = Array.from({ length: 50_000 }, (_, id) => id).filter(
      (id) => cache.get('orders', id, 0) !== undefined,
    );
    expect(kept).toEqual(Array.from({ length: 1_000 }, (_, index) => 49_000 + index));
  });

  it('refuses a bound that is negative or not an integer', () => {
    expect(() => new ReferenceCache(bound(-1), Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new ReferenceCache(bound(1.5), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
