import type { DateVerdict, OrderKpiAttributes } from '@storeflow/aws';
import {
  type Anomaly,
  addDays,
  type DailyQualityMetrics,
  type DateRowCounts,
  dateJudgementLookbackDays,
  ITEM_METRICS,
  judgeDate,
} from '@storeflow/core';

// The pure half of the date judge (AnomalyJudge does the I/O): which dates a recompute affects,
// their metrics from the stored rows, their verdicts, and what changed against the stored ones.

/**
 * Days of history a date's verdict depends on (the baseline window and the weeks its weekday
 * factors come from): a recompute can change the verdicts of that many days after it.
 */
export const BASELINE_DAYS = dateJudgementLookbackDays();

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
            : Object.fromEntries(ITEM_METRICS.map((metric) => [metric, kpis[metric]]))),
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

/**
 * What storing `judged` over the `stored` verdicts means. The alerts go out through an outbox on
 * the verdicts, so that only a judge still holding the lease alerts, and none is lost: the
 * verdicts are stored first with the metrics still to alert (`unalerted`), then the alerts are
 * published, then the verdicts are stored again without them. A judge that stops in between
 * leaves the marks, and the next judge of the date publishes those alerts.
 */
export interface VerdictChanges {
  /** The verdicts that differ from the stored ones, with their metrics to alert: stored first. */
  readonly toStore: readonly DateVerdict[];
  /** Anomalies new to their date's verdict (date and metric): the anomalies found. */
  readonly found: readonly Anomaly[];
  /** The found anomalies, and those a stored verdict still marks unalerted: published second. */
  readonly toAlert: readonly Anomaly[];
  /** The verdicts of `toStore` that mark metrics to alert, without the marks: stored last. */
  readonly afterAlerts: readonly DateVerdict[];
}

/** Compares fresh verdicts with the stored ones (a date absent from `stored` has none). */
export function verdictChanges(
  judged: readonly DateVerdict[],
  stored: ReadonlyMap<string, DateVerdict>,
): VerdictChanges {
  const toStore: DateVerdict[] = [];
  const found: Anomaly[] = [];
  const toAlert: Anomaly[] = [];
  const afterAlerts: DateVerdict[] = [];
  for (const verdict of judged) {
    const before = stored.get(verdict.date) ?? { date: verdict.date, anomalies: [] };
    const known = new Set(before.anomalies.map((anomaly) => anomaly.metric));
    const stillUnalerted = new Set(before.unalerted ?? []);
    const fresh = verdict.anomalies.filter((anomaly) => !known.has(anomaly.metric));
    const alert = verdict.anomalies.filter(
      (anomaly) => !known.has(anomaly.metric) || stillUnalerted.has(anomaly.metric),
    );
    const unalerted = alert.map((anomaly) => anomaly.metric);
    const next = {
      date: verdict.date,
      anomalies: verdict.anomalies,
      ...(unalerted.length > 0 ? { unalerted } : {}),
    };
    if (!sameVerdict(before, next)) toStore.push(next);
    if (unalerted.length > 0) afterAlerts.push({ date: verdict.date, anomalies: verdict.anomalies });
    found.push(...fresh);
    toAlert.push(...alert);
  }
  return { toStore, found, toAlert, afterAlerts };
}

function sameVerdict(a: DateVerdict, b: DateVerdict): boolean {
  const text = (verdict: DateVerdict) => JSON.stringify([verdict.anomalies, verdict.unalerted ?? []]);
  return text(a) === text(b);
}
