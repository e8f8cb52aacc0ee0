import { median, robustCentreAndSpread, roundForReport } from './robustStatistics.js';
import {
  type Anomaly,
  DAILY_METRICS,
  type DailyMetric,
  type DailyQualityMetrics,
  ITEM_METRICS,
} from './types.js';

/** How a date is judged against the days before it. */
export interface DateJudgementOptions {
  /** Days before the judged date that form its baseline (default 28). */
  readonly windowDays?: number;
  /** Fewest history values a metric needs before it is judged at all (default 14). */
  readonly minHistory?: number;
  /** Robust z beyond which a value is abnormal (default 4). */
  readonly threshold?: number;
  /**
   * The least spread of a volume or money metric, as a share of its centre (default 0.125): with
   * `threshold` 4, such a metric is never abnormal within ±50 % of its expected value.
   */
  readonly relativeSpreadFloor?: number;
}

export const DATE_JUDGEMENT_DEFAULTS = {
  windowDays: 28,
  minHistory: 14,
  threshold: 4,
  relativeSpreadFloor: 0.125,
} as const;

/**
 * Weeks of history the weekday factors are estimated from (when there are that many): twice the
 * default window, so each weekday has about 8 values and two abnormal ones (a fault that recurs a
 * week later) cannot move its median.
 */
const FACTOR_WINDOW_WEEKS = 8;

/**
 * How many days before a date its verdict can depend on: the baseline window or the weekday
 * factors' weeks, whichever is longer (56 days with the defaults). A service that re-judges dates
 * after a change re-judges this many days after the changed one, and reads this many before.
 */
export function dateJudgementLookbackDays(options: DateJudgementOptions = {}): number {
  const windowDays = options.windowDays ?? DATE_JUDGEMENT_DEFAULTS.windowDays;
  return Math.max(windowDays, FACTOR_WINDOW_WEEKS * 7);
}

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
 * small wobble into an anomaly: a share of the centre for volumes and money (at least 1), an
 * absolute amount for rates.
 */
export function dateSpreadFloor(metric: DailyMetric, centre: number, relativeSpreadFloor: number): number {
  switch (metric) {
    case 'return_rate':
      return 0.02;
    case 'rejected_row_rate':
      return 0.005;
    default:
      return Math.max(Math.abs(centre) * relativeSpreadFloor, 1);
  }
}

/**
 * Judges one date's metrics against the `windowDays` days before it (only dates present in
 * `history` count; the judged date itself and later ones never do): per metric, the history is
 * deseasonalised by weekday factors (volume metrics, estimated from the 8 weeks before the date
 * when `history` holds them), its median and scaled MAD, raised to a floor, form the baseline,
 * and a value whose robust z exceeds `threshold` is an anomaly. A pure function of the values, so
 * the same data gives the same verdict whatever order it arrived in.
 *
 * @example
 * judgeDate(today, lastEightWeeks); // [] on an ordinary day
 */
export function judgeDate(
  day: DailyQualityMetrics,
  history: readonly DailyQualityMetrics[],
  options: DateJudgementOptions = {},
): Anomaly[] {
  const { windowDays, minHistory, threshold, relativeSpreadFloor } = {
    ...DATE_JUDGEMENT_DEFAULTS,
    ...options,
  };
  const windowStart = addDays(day.date, -windowDays);
  const factorWindowStart = addDays(day.date, -dateJudgementLookbackDays({ windowDays }));
  const before = history.filter((entry) => entry.date >= factorWindowStart && entry.date < day.date);
  // A day of the span with orders and no items yet is partly loaded: until its items land, the
  // item metrics' baseline would be whichever days happen to have arrived, a biased sample (a
  // backfill's shuffled items flagged ordinary days that way), so they wait for it.
  const partlyLoaded = before.some(
    (entry) =>
      entry.total_orders !== undefined && ITEM_METRICS.every((metric) => entry[metric] === undefined),
  );
  const anomalies: Anomaly[] = [];
  for (const metric of DAILY_METRICS) {
    const value = day[metric];
    if (value === undefined) continue;
    if (partlyLoaded && (ITEM_METRICS as readonly DailyMetric[]).includes(metric)) continue;
    const pointsSince = (start: string) =>
      before.flatMap((entry) => {
        const past = entry[metric];
        return past === undefined || entry.date < start
          ? []
          : [{ weekday: weekdayOf(entry.date), value: past }];
      });
    const floorOf = (centre: number) => dateSpreadFloor(metric, centre, relativeSpreadFloor);
    const factors = SEASONAL_METRICS.has(metric)
      ? ordinaryWeekdayFactors(pointsSince(factorWindowStart), threshold, floorOf)
      : undefined;
    // A seasonal metric is judged on the weekdays whose level is known, from the days of those
    // weekdays only: a weekday without a factor has too few ordinary values to say what it sells.
    const factorOf = (weekday: number) => (factors === undefined ? 1 : factors.get(weekday));
    const factor = factorOf(weekdayOf(day.date));
    if (factor === undefined) continue;
    const deseasonalised = pointsSince(windowStart).flatMap((point) => {
      const pointFactor = factorOf(point.weekday);
      return pointFactor === undefined ? [] : [point.value / pointFactor];
    });
    if (deseasonalised.length < minHistory) continue;
    const robust = robustCentreAndSpread(deseasonalised);
    const spread = Math.max(robust.spread, floorOf(robust.centre));
    const low = (robust.centre - threshold * spread) * factor;
    const high = (robust.centre + threshold * spread) * factor;
    if (value >= low && value <= high) continue;
    anomalies.push({
      scope: 'date',
      date: day.date,
      metric,
      value,
      expected: { low: roundForReport(Math.max(low, 0)), high: roundForReport(high) },
      baseline: {
        n: deseasonalised.length,
        centre: roundForReport(robust.centre),
        spread: roundForReport(spread),
      },
      rule: `${factors === undefined ? 'mad' : 'seasonal-mad'}:z>${threshold}`,
    });
  }
  return anomalies;
}

/**
 * Weekday factors from the ordinary values only: a first pass deseasonalises with factors from
 * every value, and the values then beyond `threshold` robust spreads are left out of the second
 * pass's factors. A weekday has only 2 to 8 values in the factor window, so one or two abnormal
 * days (a Monday outage, recurring) would otherwise drag its weekday's median, and the ordinary
 * Mondays after them would look abnormal for weeks.
 */
function ordinaryWeekdayFactors(
  points: readonly WeekdayValue[],
  threshold: number,
  floorOf: (centre: number) => number,
): Map<number, number> {
  const first = weekdayFactors(points);
  const deseasonalised = points.map((point) => point.value / (first.get(point.weekday) ?? 1));
  const { centre, spread } = robustCentreAndSpread(deseasonalised);
  const limit = threshold * Math.max(spread, floorOf(centre));
  return weekdayFactors(points.filter((_, at) => Math.abs((deseasonalised[at] as number) - centre) <= limit));
}

interface WeekdayValue {
  /** 0 (Sunday) to 6, UTC. */
  readonly weekday: number;
  readonly value: number;
}

/**
 * Values a weekday needs in the factor window before its factor is trusted: the median of three
 * stands when one of them is abnormal, the median of two (their mean) does not. With fewer, a
 * Monday outage among two Mondays would halve the Monday level and flag the ordinary Mondays
 * after it, as happens while a backfill's days are still arriving.
 */
const MIN_WEEKDAY_VALUES = 3;

/**
 * Per weekday, the median of that weekday's values over the median of all values; a weekday with
 * fewer than {@link MIN_WEEKDAY_VALUES} values gets no factor; a history whose median is not
 * above 0 has no level to scale, and every weekday gets factor 1.
 */
function weekdayFactors(points: readonly WeekdayValue[]): Map<number, number> {
  const overall = median(points.map((point) => point.value));
  const factors = new Map<number, number>();
  if (!(overall > 0)) {
    for (let weekday = 0; weekday < 7; weekday++) factors.set(weekday, 1);
    return factors;
  }
  for (let weekday = 0; weekday < 7; weekday++) {
    const values = points.filter((point) => point.weekday === weekday).map((point) => point.value);
    if (values.length < MIN_WEEKDAY_VALUES) continue;
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
