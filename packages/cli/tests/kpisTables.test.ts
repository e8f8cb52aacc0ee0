import type { StoredCategoryKpiRow, StoredOrderKpiRow } from '@storeflow/aws';
import { UsageError } from '../src/cliErrors.js';
import { dateOption } from '../src/commandLine.js';
import { asStoredAttributes, categoryKpiTable, dailyKpiTable } from '../src/kpiTables.js';

const provenance = { updatedAt: '2025-04-02T00:00:00.000Z', computedBy: 't-1', sources: 2 };

const day: StoredOrderKpiRow = {
  order_date: '2025-03-01',
  total_orders: 3,
  total_revenue: 1234.5,
  total_items_sold: 7,
  returned_orders: 1,
  return_rate: 0.3333,
  unique_customers: 2,
  avg_order_value: 411.5,
  provenance,
};

const category: StoredCategoryKpiRow = {
  category: 'Outerwear & Coats',
  order_date: '2025-03-01',
  daily_revenue: 99.9,
  items_sold: 2,
  order_count: 2,
  returned_items: 0,
  avg_order_value: 49.95,
  avg_return_rate: 0,
  provenance,
};

describe('KPI tables', () => {
  it('print money with 2 decimals and rates with 4, under the SPEC attribute names', () => {
    // Act
    const daily = dailyKpiTable([day]).split('\n');
    const categories = categoryKpiTable([category]).split('\n');

    // Assess
    expect(daily[0]?.split(/ +/)).toEqual([
      'order_date',
      'total_orders',
      'total_revenue',
      'total_items_sold',
      'returned_orders',
      'return_rate',
      'unique_customers',
      'avg_order_value',
    ]);
    expect(daily[1]?.trim().split(/ +/)).toEqual([
      '2025-03-01',
      '3',
      '1234.50',
      '7',
      '1',
      '0.3333',
      '2',
      '411.50',
    ]);
    expect(categories[1]?.split(/ {2,}/)).toEqual([
      '2025-03-01',
      'Outerwear & Coats',
      '99.90',
      '2',
      '2',
      '0',
      '49.95',
      '0.0000',
    ]);
  });

  it('give JSON rows the attributes as stored, provenance included', () => {
    expect(asStoredAttributes(day)).toEqual({
      order_date: '2025-03-01',
      total_orders: 3,
      total_revenue: 1234.5,
      total_items_sold: 7,
      returned_orders: 1,
      return_rate: 0.3333,
      unique_customers: 2,
      avg_order_value: 411.5,
      updated_at: '2025-04-02T00:00:00.000Z',
      computed_by: 't-1',
      sources: 2,
    });
  });
});

describe('dateOption', () => {
  it('accepts calendar dates as YYYY-MM-DD, leap days included', () => {
    expect(dateOption('2024-02-29', '--from')).toBe('2024-02-29');
    expect(dateOption(undefined, '--from')).toBeUndefined();
  });

  it('refuses impossible dates and other formats', () => {
    for (const value of ['2025-02-29', '2025-13-01', '2025-3-1', '01/03/2025', '2025-03-01T00:00:00Z']) {
      expect(() => dateOption(value, '--to')).toThrow(UsageError);
    }
  });
});
