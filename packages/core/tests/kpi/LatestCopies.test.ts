import { LatestCopies, StringTable } from '../../src/kpi/LatestCopies.js';

/** One field kept per key: what the copy says (a status code, a price). */
const FIELD = 0;

/** Offers `[key, version, value]` copies in turn; returns each key's kept value. */
function keep(copies: readonly (readonly [number, string, number])[]): {
  kept: Map<number, number>;
  dropped: number;
} {
  const latest = new LatestCopies(new StringTable(), 1);
  for (const [key, version, value] of copies) {
    const slot = latest.offer(key, version);
    if (slot !== undefined) latest.set(slot, FIELD, value);
  }
  const kept = new Map<number, number>();
  for (const [key] of copies) {
    const slot = latest.slotOf(key);
    if (slot !== undefined) kept.set(key, latest.get(slot, FIELD));
  }
  return { kept, dropped: latest.dropped };
}

describe('LatestCopies', () => {
  it('keeps the copy with the greatest version of each key, whatever the input order', () => {
    // Prepare: order 1 in three files (status 1, 2, 3), order 2 once
    const copies = [
      [1, '2025-03-31T10:00:00Z#b', 1],
      [2, '2025-03-30T09:00:00Z#a', 7],
      [1, '2025-04-02T08:00:00Z#c', 2],
      [1, '2025-03-30T09:00:00Z#a', 3],
    ] as const;
    // Act
    const forward = keep(copies);
    const backward = keep([...copies].reverse());
    // Assess
    for (const result of [forward, backward]) {
      expect([...result.kept].sort()).toEqual([
        [1, 2],
        [2, 7],
      ]);
      expect(result.dropped).toBe(2);
    }
  });

  it('lets a corrected price replace the old one', () => {
    // Prepare: the same item id re-uploaded with a corrected price
    const copies = [
      [9, '001', 9999],
      [9, '002', 1999],
    ] as const;
    // Act
    const { kept, dropped } = keep(copies);
    // Assess
    expect(kept.get(9)).toBe(1999);
    expect(dropped).toBe(1);
  });

  it('compares versions as plain strings, not as numbers', () => {
    // Prepare: '9' sorts after '10' as text
    const copies = [
      [1, '10', 10],
      [1, '9', 9],
    ] as const;
    // Act
    const { kept } = keep(copies);
    // Assess
    expect(kept.get(1)).toBe(9);
  });

  it('keeps the first of two copies with the same version and counts the other as dropped', () => {
    // Prepare: the same file delivered twice gives identical versions
    const copies = [
      [3, 'v', 1],
      [3, 'v', 2],
    ] as const;
    // Act
    const { kept, dropped } = keep(copies);
    // Assess
    expect(kept.get(3)).toBe(1);
    expect(dropped).toBe(1);
  });

  it('numbers the slots in the order each key was first offered', () => {
    // Prepare
    const latest = new LatestCopies(new StringTable(), 1);
    // Act
    const slots = [
      latest.offer(30, 'a'),
      latest.offer(10, 'a'),
      latest.offer(30, 'b'),
      latest.offer(20, 'a'),
    ];
    // Assess
    expect(slots).toEqual([0, 1, 0, 2]);
    expect([latest.slotOf(30), latest.slotOf(10), latest.slotOf(20), latest.slotOf(40)]).toEqual([
      0,
      1,
      2,
      undefined,
    ]);
    expect(latest.size).toBe(3);
  });

  it('tells 0 from -0 no more than a Map does, and keeps keys that are not integers', () => {
    // Prepare
    const latest = new LatestCopies(new StringTable(), 1);
    // Act
    const slots = [
      latest.offer(0, 'a'),
      latest.offer(-0, 'b'),
      latest.offer(2.5, 'a'),
      latest.offer(2.5, 'b'),
    ];
    // Assess
    expect(slots).toEqual([0, 0, 1, 1]);
    expect(latest.size).toBe(2);
  });

  it('returns nothing for nothing', () => {
    // Prepare
    const latest = new LatestCopies(new StringTable(), 1);
    // Act
    const found = latest.slotOf(1);
    // Assess
    expect([found, latest.size, latest.dropped]).toEqual([undefined, 0, 0]);
  });

  it('keeps the newest of 200,000 copies of 100,000 keys, over several pages and index growths', () => {
    // Prepare: the second half repeats every key with a newer version and a new value
    const copies = Array.from(
      { length: 200_000 },
      (_, i) => [i % 100_000, i < 100_000 ? 'a' : 'b', i] as const,
    );
    // Act
    const { kept, dropped } = keep(copies);
    // Assess
    expect(kept.size).toBe(100_000);
    expect(dropped).toBe(100_000);
    expect([...kept].every(([key, value]) => value === key + 100_000)).toBe(true);
  });
});
