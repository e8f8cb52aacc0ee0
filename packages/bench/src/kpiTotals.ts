import type { DateKpis } from '@storeflow/core';
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

/** `totals` plus the rows of one date as computeDateKpis returns them. */
export function addDateKpis(totals: KpiTotals, date: DateKpis): KpiTotals {
  const order = date.orderKpis;
  let next: KpiTotals = totals;
  if (order !== undefined) {
    next = {
      ...next,
      orderDates: next.orderDates + 1,
      totalOrders: next.totalOrders + order.total_orders,
      totalRevenueCents: next.totalRevenueCents + order.total_revenue_cents,
      totalItemsSold: next.totalItemsSold + order.total_items_sold,
      returnedOrders: next.returnedOrders + order.returned_orders,
      uniqueCustomers: next.uniqueCustomers + order.unique_customers,
      avgOrderValueCents: next.avgOrderValueCents + order.avg_order_value_cents,
      // Already rounded to 4 places; scaling back to an integer only undoes the binary fraction.
      returnRateTenThousandths: next.returnRateTenThousandths + Math.round(order.return_rate * 10_000),
    };
  }
  for (const row of date.categoryKpis) {
    next = {
      ...next,
      categoryRows: next.categoryRows + 1,
      categoryRevenueCents: next.categoryRevenueCents + row.daily_revenue_cents,
      categoryItemsSold: next.categoryItemsSold + row.items_sold,
      categoryOrderCount: next.categoryOrderCount + row.order_count,
      categoryReturnedItems: next.categoryReturnedItems + row.returned_items,
      categoryAvgOrderValueCents: next.categoryAvgOrderValueCents + row.avg_order_value_cents,
      categoryReturnRateTenThousandths:
        next.categoryReturnRateTenThousandths + Math.round(row.avg_return_rate * 10_000),
    };
  }
  return next;
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
  for (const key of Object.keys(ZERO_KPI_TOTALS) as (keyof KpiTotals)[]) {
    compare(`KPI ${key}`, left.outcome.kpis[key], right.outcome.kpis[key]);
  }
  return lines;
}
