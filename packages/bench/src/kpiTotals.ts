import type { StoredCategoryKpiRow, StoredOrderKpiRow } from '@storeflow/aws';
import type { CategoryKpiRow, OrderKpiRow } from '@storeflow/core';
import type { KpiTotals, ValidationOutcome } from './types.js';

export const ZERO_KPI_TOTALS: KpiTotals = {
  orderDates: 0,
  totalOrders: 0,
  totalRevenueCents: 0,
  totalItemsSold: 0,
  returnedOrders: 0,
  uniqueCustomers: 0,
  avgOrderValueCents: 0,
  returnRateTenThousandths: 0,
  categoryRows: 0,
  categoryRevenueCents: 0,
  categoryItemsSold: 0,
  categoryOrderCount: 0,
  categoryReturnedItems: 0,
  categoryAvgOrderValueCents: 0,
  categoryReturnRateTenThousandths: 0,
};

/** The KPI fields the totals add up: what computeDateKpis returns, or stored rows with their cents restored. */
interface TotalledKpis {
  readonly orderKpis: OrderFigures | undefined;
  readonly categoryKpis: readonly CategoryFigures[];
}

type OrderFigures = Omit<OrderKpiRow, 'order_date' | 'total_revenue' | 'avg_order_value' | 'computed_at'>;
type CategoryFigures = Omit<
  CategoryKpiRow,
  'category' | 'order_date' | 'daily_revenue' | 'avg_order_value' | 'computed_at'
>;

/** What one row adds to each total it counts in. */
type Contributions<Row> = Partial<Record<keyof KpiTotals, (row: Row) => number>>;

const ORDER_ROW: Contributions<OrderFigures> = {
  orderDates: () => 1,
  totalOrders: (order) => order.total_orders,
  totalRevenueCents: (order) => order.total_revenue_cents,
  totalItemsSold: (order) => order.total_items_sold,
  returnedOrders: (order) => order.returned_orders,
  uniqueCustomers: (order) => order.unique_customers,
  avgOrderValueCents: (order) => order.avg_order_value_cents,
  returnRateTenThousandths: (order) => tenThousandths(order.return_rate),
};

const CATEGORY_ROW: Contributions<CategoryFigures> = {
  categoryRows: () => 1,
  categoryRevenueCents: (row) => row.daily_revenue_cents,
  categoryItemsSold: (row) => row.items_sold,
  categoryOrderCount: (row) => row.order_count,
  categoryReturnedItems: (row) => row.returned_items,
  categoryAvgOrderValueCents: (row) => row.avg_order_value_cents,
  categoryReturnRateTenThousandths: (row) => tenThousandths(row.avg_return_rate),
};

/** `totals` plus the rows of one date (a `DateKpis`, as computeDateKpis returns it). */
export function addDateKpis(totals: KpiTotals, date: TotalledKpis): KpiTotals {
  const withOrders = date.orderKpis === undefined ? totals : addRow(totals, date.orderKpis, ORDER_ROW);
  return date.categoryKpis.reduce((next, row) => addRow(next, row, CATEGORY_ROW), withOrders);
}

function addRow<Row>(totals: KpiTotals, row: Row, contributions: Contributions<Row>): KpiTotals {
  const next: Record<keyof KpiTotals, number> = { ...totals };
  for (const [total, contribution] of Object.entries(contributions) as [
    keyof KpiTotals,
    (row: Row) => number,
  ][]) {
    next[total] += contribution(row);
  }
  return next;
}

/** A rate as stored, already rounded to 4 places, in whole 1/10,000: scaling only undoes the binary fraction. */
function tenThousandths(rate: number): number {
  return Math.round(rate * 10_000);
}

/** Dollars as stored (at most two decimals) back to whole cents. */
function cents(dollars: number): number {
  return Math.round(dollars * 100);
}

/** The totals of KPI rows as the KPI tables store them, comparable with the core's. */
export function storedKpiTotals(
  orderRows: readonly StoredOrderKpiRow[],
  categoryRows: readonly StoredCategoryKpiRow[],
): KpiTotals {
  let totals = ZERO_KPI_TOTALS;
  for (const order of orderRows) {
    totals = addDateKpis(totals, {
      orderKpis: {
        ...order,
        total_revenue_cents: cents(order.total_revenue),
        avg_order_value_cents: cents(order.avg_order_value),
      },
      categoryKpis: [],
    });
  }
  const categoryKpis = categoryRows.map((row) => ({
    ...row,
    daily_revenue_cents: cents(row.daily_revenue),
    avg_order_value_cents: cents(row.avg_order_value),
  }));
  return addDateKpis(totals, { orderKpis: undefined, categoryKpis });
}

/** Every KPI total on which `left` and `right` differ, one line each; empty when they agree. */
export function kpiDifferences(
  left: { name: string; kpis: KpiTotals },
  right: { name: string; kpis: KpiTotals },
): string[] {
  return (Object.keys(ZERO_KPI_TOTALS) as (keyof KpiTotals)[]).flatMap((key) =>
    left.kpis[key] === right.kpis[key]
      ? []
      : [`KPI ${key}: ${left.name} ${left.kpis[key]}, ${right.name} ${right.kpis[key]}`],
  );
}

/**
 * Every figure on which two outcomes differ, one line each (`what: core … duckdb …`); empty when
 * they agree exactly.
 */
export function differences(
  left: { name: string; outcome: ValidationOutcome },
  right: { name: string; outcome: ValidationOutcome },
): string[] {
  const lines: string[] = [];
  const compare = (what: string, a: number, b: number) => {
    if (a !== b) lines.push(`${what}: ${left.name} ${a}, ${right.name} ${b}`);
  };
  for (const dataset of ['products', 'orders', 'order_items'] as const) {
    const a = left.outcome.rows[dataset];
    const b = right.outcome.rows[dataset];
    compare(`${dataset} rows`, a.total, b.total);
    compare(`${dataset} accepted`, a.accepted, b.accepted);
    compare(`${dataset} rejected`, a.rejected, b.rejected);
  }
  compare('rejected files', left.outcome.rejectedFiles, right.outcome.rejectedFiles);
  lines.push(
    ...kpiDifferences(
      { name: left.name, kpis: left.outcome.kpis },
      { name: right.name, kpis: right.outcome.kpis },
    ),
  );
  return lines;
}
