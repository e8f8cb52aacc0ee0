import { KeyTracker } from '../src/index.js';

/** Deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('KeyTracker', () => {
  it('accepts a key once and refuses its repeat', () => {
    // Prepare
    const keys = new KeyTracker();
    // Act
    const first = keys.add(42);
    const second = keys.add(42);
    // Assess
    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(keys.size).toBe(1);
    expect(keys.has(42)).toBe(true);
    expect(keys.has(43)).toBe(false);
  });

  it('tracks two million contiguous ids, then finds every one of them repeated', () => {
    // Prepare
    const keys = new KeyTracker();
    const count = 2_000_000;
    // Act
    let added = 0;
    for (let id = 1; id <= count; id++) if (keys.add(id)) added++;
    let repeats = 0;
    for (let id = 1; id <= count; id++) if (!keys.add(id)) repeats++;
    // Assess
    expect(added).toBe(count);
    expect(repeats).toBe(count);
    expect(keys.size).toBe(count);
    expect(keys.has(0)).toBe(false);
    expect(keys.has(count + 1)).toBe(false);
  });

  it('agrees with a Set on 300,000 random keys up to 2^53, including repeats and shuffled order', () => {
    // Prepare: keys drawn from a few dense ranges and the whole safe-integer range
    const next = random(7);
    const reference = new Set<number>();
    const keys = new KeyTracker();
    const draws: number[] = [];
    for (let i = 0; i < 300_000; i++) {
      const pick = next();
      if (pick < 0.4) draws.push(1 + Math.floor(next() * 50_000));
      else if (pick < 0.8) draws.push(9_000_000_000_000 + Math.floor(next() * 200_000));
      else draws.push(Math.floor(next() * Number.MAX_SAFE_INTEGER));
    }
    // Act
    const disagreements = draws.filter((key) => {
      const expectedNew = !reference.has(key);
      reference.add(key);
      return keys.add(key) !== expectedNew;
    });
    // Assess
    expect(disagreements).toEqual([]);
    expect(keys.size).toBe(reference.size);
    expect(keys.has(Number.MAX_SAFE_INTEGER)).toBe(reference.has(Number.MAX_SAFE_INTEGER));
  });

  it('keeps keys that differ only above bit 32 apart', () => {
    // Prepare: same low 32 bits, different pages
    const keys = new KeyTracker();
    const low = 123_456;
    // Act
    const results = [
      keys.add(low),
      keys.add(low + 2 ** 32),
      keys.add(low + 2 ** 40),
      keys.add(low + 2 ** 32),
    ];
    // Assess
    expect(results).toEqual([true, true, true, false]);
    expect(keys.has(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('switches a page to a bitmap past 4,096 keys without losing any', () => {
    // Prepare: descending keys inside one page exercise the sorted insert, then the conversion
    const keys = new KeyTracker();
    const inPage = Array.from({ length: 6_000 }, (_, i) => 65_536 * 3 + 65_535 - i * 7);
    // Act
    const added = inPage.filter((key) => keys.add(key)).length;
    const missing = inPage.filter((key) => !keys.has(key));
    const neighbours = inPage.filter((key) => keys.has(key - 1));
    // Assess
    expect(added).toBe(6_000);
    expect(missing).toEqual([]);
    expect(neighbours).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('refuses %p as a key', (key) => {
    // Prepare
    const keys = new KeyTracker();
    // Act
    const act = () => keys.add(key);
    // Assess
    expect(act).toThrow(RangeError);
    expect(keys.has(key)).toBe(false);
  });
});
