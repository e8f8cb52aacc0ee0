import { compareKpis } from '../src/kpiOracle.js';

const daily = (order_date: string, total_orders: number) => ({
  order_date,
  total_orders,
  total_revenue: 10.5,
});
const category = (order_date: string, name: string, items_sold: number) => ({
  order_date,
  category: name,
  items_sold,
});

describe('compareKpis', () => {
  it('counts every row equal when both sides hold the same rows in any order', () => {
    // Prepare
    const expected = {
      daily: [daily('2024-01-01', 3), daily('2024-01-02', 1)],
      categories: [category('2024-01-01', 'Jeans', 2)],
    };
    const stored = {
      daily: [daily('2024-01-02', 1), daily('2024-01-01', 3)],
      categories: [category('2024-01-01', 'Jeans', 2)],
    };
    // Act
    const comparison = compareKpis(expected, stored);
    // Assess
    expect(comparison).toEqual({ equalRows: 3, totalRows: 3, differences: [] });
  });

  it('reports a differing, a missing and an unexpected row once each', () => {
    // Prepare
    const expected = {
      daily: [daily('2024-01-01', 3), daily('2024-01-02', 1)],
      categories: [category('2024-01-01', 'Jeans', 2)],
    };
    const stored = {
      daily: [daily('2024-01-01', 4)],
      categories: [category('2024-01-01', 'Jeans', 2), category('2024-01-01', 'Socks', 1)],
    };
    // Act
    const comparison = compareKpis(expected, stored);
    // Assess
    expect(comparison.equalRows).toBe(1);
    expect(comparison.totalRows).toBe(4);
    expect(comparison.differences).toEqual([
      expect.stringMatching(/^daily 2024-01-01: stored .*"total_orders":4.*expected .*"total_orders":3/),
      expect.stringMatching(/^daily 2024-01-02: missing/),
      expect.stringMatching(/^category 2024-01-01 Socks: stored but not expected/),
    ]);
  });

  it('tells an extra attribute from an equal row', () => {
    const withStray = { ...daily('2024-01-01', 3), stray: 1 };
    const comparison = compareKpis(
      { daily: [daily('2024-01-01', 3)], categories: [] },
      { daily: [withStray], categories: [] },
    );
    expect(comparison.equalRows).toBe(0);
  });
});
