import { deduplicateByVersion } from '../../src/index.js';
import { silverItem, silverOrder } from './silverRows.js';

describe('deduplicateByVersion', () => {
  it('keeps the copy with the greatest version of each key, whatever the input order', () => {
    // Prepare: order 1 in three files, order 2 once
    const copies = [
      silverOrder({ order_id: 1, status: 'shipped', _version: '2025-03-31T10:00:00Z#b' }),
      silverOrder({ order_id: 2, _version: '2025-03-30T09:00:00Z#a' }),
      silverOrder({ order_id: 1, status: 'returned', _version: '2025-04-02T08:00:00Z#c' }),
      silverOrder({ order_id: 1, status: 'processing', _version: '2025-03-30T09:00:00Z#a' }),
    ];
    // Act
    const forward = deduplicateByVersion(copies, (order) => order.order_id);
    const backward = deduplicateByVersion([...copies].reverse(), (order) => order.order_id);
    // Assess
    for (const result of [forward, backward]) {
      expect(result.latest.size).toBe(2);
      expect(result.latest.get(1)?.status).toBe('returned');
      expect(result.latest.get(2)?._version).toBe('2025-03-30T09:00:00Z#a');
      expect(result.dropped).toBe(2);
    }
  });

  it('lets a corrected price replace the old one', () => {
    // Prepare: the same item id re-uploaded with a corrected price
    const items = [
      silverItem({ id: 9, sale_price_cents: 9999, _version: '001' }),
      silverItem({ id: 9, sale_price_cents: 1999, _version: '002' }),
    ];
    // Act
    const { latest, dropped } = deduplicateByVersion(items, (item) => item.id);
    // Assess
    expect([...latest.values()].map((item) => item.sale_price_cents)).toEqual([1999]);
    expect(dropped).toBe(1);
  });

  it('compares versions as plain strings, not as numbers', () => {
    // Prepare: '9' sorts after '10' as text
    const items = [silverItem({ id: 1, _version: '10' }), silverItem({ id: 1, _version: '9' })];
    // Act
    const { latest } = deduplicateByVersion(items, (item) => item.id);
    // Assess
    expect(latest.get(1)?._version).toBe('9');
  });

  it('keeps the first of two copies with the same version and counts the other as dropped', () => {
    // Prepare: the same file delivered twice gives identical versions
    const first = silverItem({ id: 3, _version: 'v' });
    const second = silverItem({ id: 3, _version: 'v' });
    // Act
    const { latest, dropped } = deduplicateByVersion([first, second], (item) => item.id);
    // Assess
    expect(latest.get(3)).toBe(first);
    expect(dropped).toBe(1);
  });

  it('returns nothing for nothing', () => {
    // Prepare
    const none: ReturnType<typeof silverOrder>[] = [];
    // Act
    const { latest, dropped } = deduplicateByVersion(none, (order) => order.order_id);
    // Assess
    expect([latest.size, dropped]).toEqual([0, 0]);
  });

  it('keeps the newest of 200,000 copies of 100,000 keys in one pass', () => {
    // Prepare
    const items = Array.from({ length: 200_000 }, (_, i) =>
      silverItem({ id: i % 100_000, _version: i < 100_000 ? 'a' : 'b' }),
    );
    // Act
    const { latest, dropped } = deduplicateByVersion(items, (item) => item.id);
    // Assess
    expect(latest.size).toBe(100_000);
    expect(dropped).toBe(100_000);
    expect([...latest.values()].every((item) => item._version === 'b')).toBe(true);
  });
});
