import { LruCache } from '../src/index.js';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    // Prepare
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);

    // Act
    cache.get('a');
    cache.set('c', 3);

    // Assess
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('replaces a value without growing', () => {
    // Prepare
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);

    // Act
    cache.set('a', 2);

    // Assess
    expect(cache.get('a')).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('keeps nothing with a bound of 0', () => {
    // Prepare
    const cache = new LruCache<string, number>(0);

    // Act
    cache.set('a', 1);

    // Assess
    expect(cache.get('a')).toBeUndefined();
  });

  it('deletes and clears', () => {
    // Prepare
    const cache = new LruCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);

    // Act
    cache.delete('a');
    const afterDelete = cache.size;
    cache.clear();

    // Assess
    expect(afterDelete).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('rejects a negative or fractional bound', () => {
    expect(() => new LruCache(-1)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
});
