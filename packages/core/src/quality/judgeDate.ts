import { median, robustCentreAndSpread, roundForReport } from './robustStatistics.js';
import { type Anomaly, DAILY_METRICS, type DailyMetric, type DailyQualityMetrics } from './types.js';

/** How a date is judged against the days before it. */
export interface DateJudgementOptions {
  /** Days before the judged date that form its baseline (default 28). */
  readonly windowDays?: number;
  /** Fewest history values a metric needs before it is judged at all (default 14). */
  readonly minHistory?: number;
  /** Robust z beyond which a value is abnormal (default 4). */
  readonly threshold?: number;
}

export const DATE_JUDGEMENT_DEFAULTS = { windowDays: 28, minHistory: 14, threshold: 4 } as const;

/**
 * Volume metrics follow the week (shops sell more on some weekdays), so their history is
 * deseasonalised by a per-weekday factor; ratios do not, and are judged as they are.
 */
const SEASONAL_METRICS: ReadonlySet<DailyMetric> = new Set([
  'total_orders',
  'total_revenue',
  'total_items_sold',
  'unique_customers',
]);

/**
 * The least spread a metric is judged with, so a perfectly steady history does not turn every
 * small wobble into an anomaly: a share of the centre for volumes and money, an absolute amount
 * for rates.
 */
function spreadFloor(metric: DailyMetric, centre: number): number {
  switch (metric) {
    case 'return_rate':
      return 0.02;
    case 'rejected_row_rate':
      return 0.005;
    default:
      return Math.max(Math.abs(centre) * 0.05, 1);
  }
}

/**
 * Judges one date's metrics against the `windowDays` days before it (only dates present in
 * `history` count; the judged date itself never does): per metric, the history is deseasonalised
 * by weekday factors (volume metrics), its median and scaled MAD form the baseline, and a value
 * whose robust z exceeds `threshold` is an anomaly. A pure function of the values, so the same data
 * gives the same verdict whatever order it arrived in.
 *
 * @example
 * judgeDate(today, lastFourWeeks); // [] on an ordinary day
 */
export function judgeDate(
  day: DailyQualityMetrics,
  history: readonly DailyQualityMetrics[],
  options: DateJudgementOptions = {},
): Anomaly[] {
  const { windowDays, minHistory, threshold } = { ...DATE_JUDGEMENT_DEFAULTS, ...options };
  const windowStart = addDays(day.date, -windowDays);
  const window = history.filter((entry) => entry.date >= windowStart && entry.date < day.date);
  const anomalies: Anomaly[] = [];
  for (const metric of DAILY_METRICS) {
    const value = day[metric];
    if (value === undefined) continue;
    const points = window.flatMap((entry) => {
      const past = entry[metric];
      return past === undefined ? [] : [{ weekday: weekdayOf(entry.date), value: past }];
    });
    if (points.length < minHistory) continue;
    const factors = SEASONAL_METRICS.has(metric) ? weekdayFactors(points) : undefined;
    const factorOf = (weekday: number) => factors?.get(weekday) ?? 1;
    const deseasonalised = points.map((point) => point.value / factorOf(point.weekday));
    const robust = robustCentreAndSpread(deseasonalised);
    const spread = Math.max(robust.spread, spreadFloor(metric, robust.centre));
    const factor = factorOf(weekdayOf(day.date));
    const low = (robust.centre - threshold * spread) * factor;
    const high = (robust.centre + threshold * spread) * factor;
    if (value >= low && value <= high) continue;
    anomalies.push({
      scope: 'date',
      date: day.date,
      metric,
      value,
      expected: { low: roundForReport(Math.max(low, 0)), high: roundForReport(high) },
      baseline: { n: points.length, centre: roundForReport(robust.centre), spread: roundForReport(spread) },
      rule: `${factors === undefined ? 'mad' : 'seasonal-mad'}:z>${threshold}`,
    });
  }
  return anomalies;
}

/**
 * Per weekday, the median of that weekday's values over the median of all values; a weekday with
 * fewer than 2 values, or a history whose median is 0, gets no factor (1).
 */
function weekdayFactors(points: readonly { weekday: number; value: number }[]): Map<number, number> {
  const overall = median(points.map((point) => point.value));
  const factors = new Map<number, number>();
  if (!(overall > 0)) return factors;
  for (let weekday = 0; weekday < 7; weekday++) {
    const values = points.filter((point) => point.weekday === weekday).map((point) => point.value);
    if (values.length < 2) continue;
    const factor = median(values) / overall;
    if (factor > 0) factors.set(weekday, factor);
  }
  return factors;
}

function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** `date` moved by `days` (negative: earlier), as `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}
