import { escapeHtml } from './html.js';

/** One day's value of a metric. */
export interface TrendPoint {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly value: number;
}

/** A value judged abnormal, drawn as a mark with the range it was expected in. */
export interface TrendMark {
  readonly date: string;
  readonly value: number;
  readonly low: number;
  readonly high: number;
  /** Shown as the mark's tooltip. */
  readonly explanation: string;
}

export interface TrendChartOptions {
  readonly title: string;
  /** Formats an axis label or a value. */
  readonly format: (value: number) => string;
  /**
   * Line vertices kept at most: a longer series is cut into this many / 2 runs of days, each
   * drawn as its lowest and highest value, so a spike survives and 3 years stay a few KB.
   */
  readonly maxVertices?: number;
}

const WIDTH = 640;
const HEIGHT = 200;
const PLOT = { left: 64, right: WIDTH - 12, top: 12, bottom: HEIGHT - 28 } as const;
const DAY_MS = 86_400_000;
/** Default line vertices: about one per pixel pair of a 640-wide plot. */
export const DEFAULT_MAX_VERTICES = 320;

/**
 * An inline SVG line chart of a daily metric with its abnormal days marked (a dot, and a bar over
 * the range they were expected in). The x axis is time, so a missing day leaves a straight run.
 * Pure: the same points give the same bytes.
 */
export function renderTrendChart(
  points: readonly TrendPoint[],
  marks: readonly TrendMark[],
  options: TrendChartOptions,
): string {
  const title = escapeHtml(options.title);
  if (points.length === 0) {
    return `<p class="empty">No values of ${title} yet.</p>`;
  }
  const sorted = [...points].sort((a, b) => compare(a.date, b.date));
  // A mark's date is one of the series' as a rule; the axis covers it either way.
  const days = [...sorted, ...marks].map((point) => dayNumber(point.date));
  const firstDay = Math.min(...days);
  const lastDay = Math.max(...days);
  const values = [
    ...sorted.map((point) => point.value),
    ...marks.flatMap((mark) => [mark.value, mark.low, mark.high]),
  ];
  // Counts, money and rates are never negative: starting at 0 keeps a small change small.
  const yLow = Math.min(0, ...values);
  const yHigh = Math.max(...values);
  const ySpan = yHigh - yLow || 1;
  const daySpan = lastDay - firstDay || 1;
  const x = (date: string) => PLOT.left + ((dayNumber(date) - firstDay) / daySpan) * (PLOT.right - PLOT.left);
  const y = (value: number) => PLOT.bottom - ((value - yLow) / ySpan) * (PLOT.bottom - PLOT.top);

  const vertices = downsample(sorted, options.maxVertices ?? DEFAULT_MAX_VERTICES);
  const line = vertices
    .map(
      (point, index) =>
        `${index === 0 ? 'M' : 'L'}${coordinate(x(point.date))} ${coordinate(y(point.value))}`,
    )
    .join('');
  const ticks = [yLow, yLow + ySpan / 2, yHigh]
    .map(
      (value) =>
        `<line class="grid" x1="${PLOT.left}" x2="${PLOT.right}" y1="${coordinate(y(value))}" y2="${coordinate(y(value))}"/>` +
        `<text class="axis" x="${PLOT.left - 6}" y="${coordinate(y(value) + 4)}" text-anchor="end">${escapeHtml(axisLabel(value, options.format))}</text>`,
    )
    .join('');
  const first = escapeHtml(dateOf(firstDay));
  const last = escapeHtml(dateOf(lastDay));
  const dates =
    `<text class="axis" x="${PLOT.left}" y="${HEIGHT - 8}">${first}</text>` +
    `<text class="axis" x="${PLOT.right}" y="${HEIGHT - 8}" text-anchor="end">${last}</text>`;
  const markup = marks
    .map((mark) => {
      const markX = coordinate(x(mark.date));
      const top = coordinate(y(mark.high));
      const height = coordinate(Math.max(1, y(mark.low) - y(mark.high)));
      const tooltip = `<title>${escapeHtml(mark.explanation)}</title>`;
      return (
        `<g class="anomaly">${tooltip}<rect class="expected" x="${coordinate(x(mark.date) - 3)}" y="${top}" width="6" height="${height}"/>` +
        `<circle cx="${markX}" cy="${coordinate(y(mark.value))}" r="4"/></g>`
      );
    })
    .join('');
  return (
    `<svg class="trend" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}">` +
    `<title>${title}</title>${ticks}${dates}<path class="line" d="${line}"/>${markup}</svg>`
  );
}

/**
 * At most `maxVertices` points of a date-sorted series: unchanged when it is short enough, else
 * the lowest and highest value of each of `maxVertices / 2` equal runs, in date order.
 */
export function downsample(sorted: readonly TrendPoint[], maxVertices: number): readonly TrendPoint[] {
  if (sorted.length <= maxVertices) return sorted;
  const runs = Math.max(1, Math.floor(maxVertices / 2));
  const kept: TrendPoint[] = [];
  for (let run = 0; run < runs; run++) {
    const start = Math.floor((run * sorted.length) / runs);
    const end = Math.floor(((run + 1) * sorted.length) / runs);
    let lowest = start;
    let highest = start;
    for (let index = start + 1; index < end; index++) {
      if ((sorted[index] as TrendPoint).value < (sorted[lowest] as TrendPoint).value) lowest = index;
      if ((sorted[index] as TrendPoint).value > (sorted[highest] as TrendPoint).value) highest = index;
    }
    kept.push(sorted[Math.min(lowest, highest)] as TrendPoint);
    if (lowest !== highest) kept.push(sorted[Math.max(lowest, highest)] as TrendPoint);
  }
  return kept;
}

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** Large values in thousands or millions (`18.5k`), so a label fits left of the plot. */
function axisLabel(value: number, format: (value: number) => string): string {
  const size = Math.abs(value);
  if (size >= 1_000_000) return `${Number((value / 1_000_000).toFixed(1))}M`;
  if (size >= 1_000) return `${Number((value / 1_000).toFixed(1))}k`;
  return format(value);
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function coordinate(value: number): string {
  return value.toFixed(1);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
