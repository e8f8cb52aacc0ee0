import type { CategoryKpiAttributes, KpiProvenance, OrderKpiAttributes } from '@storeflow/aws';
import { formatTable } from './formatTable.js';

/** A stored KPI row as its table holds it: SPEC §4 attribute names plus the provenance attributes. */
export function asStoredAttributes<Row extends { provenance: KpiProvenance }>(
  row: Row,
): Omit<Row, 'provenance'> & { updated_at: string; computed_by: string; sources: number } {
  const { provenance, ...attributes } = row;
  return {
    ...attributes,
    updated_at: provenance.updatedAt,
    computed_by: provenance.computedBy,
    sources: provenance.sources,
  };
}

/** The daily (OrderKPIs) table: money with 2 decimals, rates with 4, as stored. */
export function dailyKpiTable(rows: readonly OrderKpiAttributes[]): string {
  return formatTable(
    [
      { header: 'order_date' },
      ...[
        'total_orders',
        'total_revenue',
        'total_items_sold',
        'returned_orders',
        'return_rate',
        'unique_customers',
        'avg_order_value',
      ].map((header) => ({ header, align: 'right' as const })),
    ],
    rows.map((row) => [
      row.order_date,
      String(row.total_orders),
      money(row.total_revenue),
      String(row.total_items_sold),
      String(row.returned_orders),
      rate(row.return_rate),
      String(row.unique_customers),
      money(row.avg_order_value),
    ]),
  );
}

/** The CategoryKPIs table, one line per category and date. */
export function categoryKpiTable(rows: readonly CategoryKpiAttributes[]): string {
  return formatTable(
    [
      { header: 'order_date' },
      { header: 'category' },
      ...[
        'daily_revenue',
        'items_sold',
        'order_count',
        'returned_items',
        'avg_order_value',
        'avg_return_rate',
      ].map((header) => ({ header, align: 'right' as const })),
    ],
    rows.map((row) => [
      row.order_date,
      row.category,
      money(row.daily_revenue),
      String(row.items_sold),
      String(row.order_count),
      String(row.returned_items),
      money(row.avg_order_value),
      rate(row.avg_return_rate),
    ]),
  );
}

// The stored numbers have at most these decimals already; fixing them only pads for alignment.
function money(value: number): string {
  return value.toFixed(2);
}

function rate(value: number): string {
  return value.toFixed(4);
}
