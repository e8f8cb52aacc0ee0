import type { DateRowCounts, DateVerdict, OrderKpiAttributes } from '@storeflow/aws';
import {
  type Anomaly,
  addDays,
  DATE_JUDGEMENT_DEFAULTS,
  type DailyQualityMetrics,
  judgeDate,
} from '@storeflow/core';

// The pure half of the date judge (AnomalyJudge does the I/O): which dates a recompute affects,
// their metrics from the stored rows, their verdicts, and what changed against the stored ones.

/** Days of history a date is judged against; a date's verdict depends on that many days before it. */
export const BASELINE_DAYS = DATE_JUDGEMENT_DEFAULTS.windowDays;

/** An inclusive range of `YYYY-MM-DD` dates. */
export interface DateSpan {
  readonly from: string;
  readonly to: string;
}

/**
 * The dates whose verdicts recomputes of `recomputed` may change: from the earliest to
 * {@link BASELINE_DAYS} days after the latest (whose baselines hold it).
 */
export function affectedSpan(recomputed: readonly string[]): DateSpan {
  const sorted = [...recomputed].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) throw new RangeError('no recomputed date to judge');
  return { from: first, to: addDays(last, BASELINE_DAYS) };
}

/** What judging the {@link affectedSpan} reads: that span and the baseline of its first date. */
export function judgementSpan(recomputed: readonly string[]): DateSpan {
  const affected = affectedSpan(recomputed);
  return { from: addDays(affected.from, -BASELINE_DAYS), to: affected.to };
}

/** Every date of `span`, in order. */
export function datesOf(span: DateSpan): string[] {
  const dates: string[] = [];
  for (let date = span.from; date <= span.to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/**
 * The dates whose verdict a recompute of `recomputed` may change: each recomputed date (its own
 * figures changed, or disappeared), and every date with KPIs in the {@link BASELINE_DAYS} days
 * after one (its baseline changed). Sorted.
 */
export function affectedDates(recomputed: readonly string[], datesWithKpis: ReadonlySet<string>): string[] {
  const affected = new Set(recomputed);
  for (const date of recomputed) {
    for (let offset = 1; offset <= BASELINE_DAYS; offset++) {
      const later = addDays(date, offset);
      if (datesWithKpis.has(later)) affected.add(later);
    }
  }
  return [...affected].sort();
}

/**
 * A date's judged metrics from its OrderKPIs row and its row counts. A date with orders but no
 * items yet has no item metrics (revenue, items sold, average order value): a day whose items
 * have not arrived is not a revenue drop. The rejected-row rate is absent when no row is dated that day.
 */
export function dailyQualityMetrics(
  date: string,
  kpis: OrderKpiAttributes | undefined,
  rows: DateRowCounts | undefined,
): DailyQualityMetrics {
  const total = rows === undefined ? 0 : rows.accepted + rows.rejected;
  return {
    date,
    ...(kpis === undefined
      ? {}
      : {
          total_orders: kpis.total_orders,
          return_rate: kpis.return_rate,
          unique_customers: kpis.unique_customers,
          ...(kpis.total_items_sold === 0
            ? {}
            : {
                total_revenue: kpis.total_revenue,
                total_items_sold: kpis.total_items_sold,
                avg_order_value: kpis.avg_order_value,
              }),
        }),
    ...(rows === undefined || total === 0 ? {} : { rejected_row_rate: rows.rejected / total }),
  };
}

/**
 * The verdict of each of `dates` against the history in `metrics` (by date): core's judgeDate
 * for a date with orders, and no anomaly for a date without (there is no day to judge).
 */
export function judgeDates(
  dates: readonly string[],
  metrics: ReadonlyMap<string, DailyQualityMetrics>,
): DateVerdict[] {
  const history = [...metrics.values()];
  return dates.map((date) => {
    const day = metrics.get(date);
    const hasOrders = day?.total_orders !== undefined && day.total_orders > 0;
    return { date, anomalies: day !== undefined && hasOrders ? judgeDate(day, history) : [] };
  });
}

/** What storing `judged` over the `stored` verdicts means. */
export interface VerdictChanges {
  /** The judged verdicts that differ from the stored ones: only these are written. */
  readonly changed: readonly DateVerdict[];
  /** Anomalies whose date and metric the stored verdict of their date did not have: alerted once. */
  readonly found: readonly Anomaly[];
}

/** Compares fresh verdicts with the stored ones (a date absent from `stored` has none). */
export function verdictChanges(
  judged: readonly DateVerdict[],
  stored: ReadonlyMap<string, readonly Anomaly[]>,
): VerdictChanges {
  const changed: DateVerdict[] = [];
  const found: Anomaly[] = [];
  for (const verdict of judged) {
    const before = stored.get(verdict.date) ?? [];
    if (JSON.stringify(before) !== JSON.stringify(verdict.anomalies)) changed.push(verdict);
    const known = new Set(before.map((anomaly) => anomaly.metric));
    found.push(...verdict.anomalies.filter((anomaly) => !known.has(anomaly.metric)));
  }
  return { changed, found };
}
