import { type Anomaly, DAILY_METRICS, type DailyMetric } from '@storeflow/core';
import { escapeHtml, formatNumber, formatPercent, isRelativeHref } from './html.js';
import { REPORT_STYLE } from './reportStyle.js';
import { DEFAULT_MAX_VERTICES, renderTrendChart, type TrendMark, type TrendPoint } from './trendChart.js';
import type {
  ColumnCodeCount,
  DatasetCompleteness,
  FileVersionEntry,
  ObjectLink,
  QualityReportData,
} from './types.js';

/** How much of a large pipeline the page lists; the rest is summed, so the page stays small. */
export interface RenderLimits {
  /** Newest file versions listed in the open files table. */
  readonly recentFiles: number;
  /** Further versions listed in a collapsed section below it; older ones are only counted. */
  readonly olderFiles: number;
  /** Anomalies listed, newest first; the rest are counted. */
  readonly anomalies: number;
  /** Line vertices per chart (see `renderTrendChart`). */
  readonly chartVertices: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  recentFiles: 100,
  olderFiles: 900,
  anomalies: 200,
  chartVertices: DEFAULT_MAX_VERTICES,
};

const METRIC_TITLES: Readonly<Record<DailyMetric, string>> = {
  total_orders: 'Orders',
  total_revenue: 'Revenue',
  total_items_sold: 'Items sold',
  avg_order_value: 'Average order value',
  return_rate: 'Return rate',
  unique_customers: 'Unique customers',
  rejected_row_rate: 'Rejected row rate',
};

const HOUR_MS = 3_600_000;

/**
 * The whole quality report as one HTML page: inline CSS and SVG, no script, and no URL outside
 * the page (object links are `s3://` text unless a relative copy exists). Every value from the
 * data is escaped. Large inputs are summarised (see {@link RenderLimits}).
 *
 * @example
 * await writeFile('report/index.html', renderQualityReport(await gatherQualityReport(sources, options)));
 */
export function renderQualityReport(data: QualityReportData, limits: Partial<RenderLimits> = {}): string {
  const limit = { ...DEFAULT_RENDER_LIMITS, ...limits };
  const files = [...data.files].sort(
    (a, b) => compare(b.eventTime, a.eventTime) || compare(a.key, b.key) || compare(a.version, b.version),
  );
  const body = [
    header(data, files),
    trendSection(data, limit.chartVertices),
    anomalySection(data.anomalies, limit.anomalies),
    datasetSection(files),
    fileSection(files, limit),
    completenessSection(data.completeness),
    columnCodeSection(data.columnCodes),
  ].join('\n');
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    // No request may leave the page, whatever a value in it says.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<title>StoreFlow data quality, ${escapeHtml(data.generatedAt)}</title>` +
    `<style>${REPORT_STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}

/**
 * One sentence on why a value was judged abnormal: the value, the range it was expected in, and
 * where that range came from.
 */
export function explainAnomaly(anomaly: Anomaly): string {
  const format = metricFormat(anomaly.metric);
  const where = anomaly.scope === 'date' ? `on ${anomaly.date ?? '?'}` : `in ${anomaly.key ?? '?'}`;
  const side = anomaly.value > anomaly.expected.high ? 'above' : 'below';
  return (
    `${anomaly.metric} ${where} was ${format(anomaly.value)}, ${side} the expected ` +
    `${format(anomaly.expected.low)} to ${format(anomaly.expected.high)}: the baseline is the median ` +
    `${format(anomaly.baseline.centre)} of ${anomaly.baseline.n} earlier values with a robust spread of ` +
    `${format(anomaly.baseline.spread)} (rule ${anomaly.rule})`
  );
}

function header(data: QualityReportData, files: readonly FileVersionEntry[]): string {
  const generatedMs = Date.parse(data.generatedAt);
  const newestFile = files[0];
  const newestDate = data.daily.reduce<string | undefined>(
    (newest, day) => (newest === undefined || day.date > newest ? day.date : newest),
    undefined,
  );
  const age = (iso: string) => {
    const hours = (generatedMs - Date.parse(iso)) / HOUR_MS;
    if (!Number.isFinite(hours)) return '';
    return hours < 48
      ? ` (${formatNumber(hours, 1)} h earlier)`
      : ` (${formatNumber(hours / 24)} days earlier)`;
  };
  const facts: [string, string][] = [
    ['Generated', escapeHtml(data.generatedAt)],
    [
      'Newest file',
      newestFile === undefined
        ? 'none yet'
        : `${escapeHtml(newestFile.eventTime)}${age(newestFile.eventTime)}: ${escapeHtml(newestFile.key)}`,
    ],
    [
      'Newest order date',
      newestDate === undefined ? 'none yet' : `${escapeHtml(newestDate)}${age(`${newestDate}T00:00:00Z`)}`,
    ],
    ['File versions', formatNumber(files.length)],
    ['Anomalies', formatNumber(data.anomalies.length)],
  ];
  return (
    `<header><h1>StoreFlow data quality</h1><p class="source">${escapeHtml(data.source)}</p>` +
    `<dl class="facts" id="age">${facts.map(([term, value]) => `<div><dt>${term}</dt><dd>${value}</dd></div>`).join('')}</dl></header>`
  );
}

function anomalySection(anomalies: readonly Anomaly[], shown: number): string {
  const sorted = [...anomalies].sort(
    (a, b) =>
      compare(b.date ?? '', a.date ?? '') || compare(a.key ?? '', b.key ?? '') || compare(a.metric, b.metric),
  );
  if (sorted.length === 0) {
    return section(
      'anomalies',
      'Anomalies',
      '<p class="empty">No anomalies: every judged value was in its expected range.</p>',
    );
  }
  const rows = sorted.slice(0, shown).map((anomaly) => {
    const format = metricFormat(anomaly.metric);
    return row([
      escapeHtml(anomaly.scope),
      escapeHtml(anomaly.scope === 'date' ? (anomaly.date ?? '') : (anomaly.key ?? '')),
      escapeHtml(anomaly.dataset ?? ''),
      escapeHtml(anomaly.metric),
      numberCell(format(anomaly.value)),
      numberCell(`${format(anomaly.expected.low)} – ${format(anomaly.expected.high)}`),
      escapeHtml(explainAnomaly(anomaly)),
    ]);
  });
  return section(
    'anomalies',
    'Anomalies',
    table(['Scope', 'Date or file', 'Dataset', 'Metric', 'Value', 'Expected', 'Why'], rows) +
      moreNote(sorted.length - shown, 'anomalies', "'storeflow anomalies' lists them all"),
  );
}

function trendSection(data: QualityReportData, chartVertices: number): string {
  const charts = DAILY_METRICS.flatMap((metric) => {
    const points: TrendPoint[] = [];
    for (const day of data.daily) {
      const value = day[metric];
      if (value !== undefined) points.push({ date: day.date, value });
    }
    if (points.length === 0) return [];
    const marks: TrendMark[] = data.anomalies
      .filter(
        (anomaly) => anomaly.scope === 'date' && anomaly.metric === metric && anomaly.date !== undefined,
      )
      .map((anomaly) => ({
        date: anomaly.date as string,
        value: anomaly.value,
        low: anomaly.expected.low,
        high: anomaly.expected.high,
        explanation: explainAnomaly(anomaly),
      }));
    const title = METRIC_TITLES[metric];
    const chart = renderTrendChart(points, marks, {
      title,
      format: metricFormat(metric),
      maxVertices: chartVertices,
    });
    const marked = marks.length === 0 ? '' : ` <span class="badge">${marks.length} anomalous</span>`;
    return [`<figure data-metric="${metric}"><figcaption>${title}${marked}</figcaption>${chart}</figure>`];
  });
  const content =
    charts.length === 0
      ? '<p class="empty">No daily KPIs yet.</p>'
      : `<p class="note">Each abnormal day is a red dot; its bar is the range it was expected in.</p><div class="charts">${charts.join('')}</div>`;
  return section('trends', 'Daily KPIs', content);
}

function datasetSection(files: readonly FileVersionEntry[]): string {
  const byDataset = new Map<
    string,
    { versions: number; keys: Set<string>; statuses: Map<string, number>; rows: number[] }
  >();
  for (const file of files) {
    let totals = byDataset.get(file.dataset);
    if (totals === undefined) {
      totals = { versions: 0, keys: new Set(), statuses: new Map(), rows: [0, 0, 0] };
      byDataset.set(file.dataset, totals);
    }
    totals.versions += 1;
    totals.keys.add(file.key);
    totals.statuses.set(file.status, (totals.statuses.get(file.status) ?? 0) + 1);
    const rows = totals.rows as [number, number, number];
    rows[0] += file.rows?.total ?? 0;
    rows[1] += file.rows?.accepted ?? 0;
    rows[2] += file.rows?.rejected ?? 0;
  }
  if (byDataset.size === 0) return section('datasets', 'Datasets', '<p class="empty">No files yet.</p>');
  const rows = [...byDataset]
    .sort(([a], [b]) => compare(a, b))
    .map(([dataset, totals]) =>
      row([
        escapeHtml(dataset),
        numberCell(formatNumber(totals.keys.size)),
        numberCell(formatNumber(totals.versions)),
        [...totals.statuses]
          .sort(([a], [b]) => compare(a, b))
          .map(
            ([status, count]) =>
              `<span class="status ${statusClass(status)}">${escapeHtml(status)} ${formatNumber(count)}</span>`,
          )
          .join(' '),
        ...totals.rows.map((count) => numberCell(formatNumber(count))),
      ]),
    );
  return section(
    'datasets',
    'Datasets',
    table(['Dataset', 'Keys', 'Versions', 'Statuses', 'Rows', 'Accepted', 'Rejected'], rows),
  );
}

function fileSection(files: readonly FileVersionEntry[], limit: RenderLimits): string {
  if (files.length === 0) return section('files', 'Files', '<p class="empty">No files yet.</p>');
  const headers = [
    'Key',
    'Dataset',
    'Version',
    'Uploaded',
    'Status',
    'Rows',
    'Accepted',
    'Rejected',
    'Top codes',
    'Report',
    'Rejected rows',
  ];
  const recent = files.slice(0, limit.recentFiles);
  const older = files.slice(limit.recentFiles, limit.recentFiles + limit.olderFiles);
  const unlisted = files.length - recent.length - older.length;
  const olderPart =
    older.length === 0
      ? ''
      : `<details id="older-files"><summary>${formatNumber(older.length)} older versions</summary>${table(headers, older.map(fileRow))}</details>`;
  return section(
    'files',
    `Files (newest ${formatNumber(recent.length)} of ${formatNumber(files.length)} versions)`,
    table(headers, recent.map(fileRow), 'files-table') +
      olderPart +
      moreNote(unlisted, 'older versions', "'storeflow status' lists every version"),
  );
}

function fileRow(file: FileVersionEntry): string {
  const status = file.verdict === undefined ? file.status : `${file.status} (${file.verdict})`;
  return row([
    `<code>${escapeHtml(file.key)}</code>${file.lastError === undefined ? '' : `<br><small>${escapeHtml(file.lastError)}</small>`}`,
    escapeHtml(file.dataset),
    `<code class="version">${escapeHtml(file.version)}</code>`,
    escapeHtml(file.eventTime),
    `<span class="status ${statusClass(file.status)}">${escapeHtml(status)}</span>`,
    numberCell(file.rows === undefined ? '–' : formatNumber(file.rows.total)),
    numberCell(file.rows === undefined ? '–' : formatNumber(file.rows.accepted)),
    numberCell(file.rows === undefined ? '–' : formatNumber(file.rows.rejected)),
    file.topCodes.map(({ code, count }) => `${escapeHtml(code)}&nbsp;×${formatNumber(count)}`).join('<br>'),
    link(file.report),
    link(file.rejectedRows),
  ]);
}

function completenessSection(completeness: readonly DatasetCompleteness[]): string {
  if (completeness.length === 0) {
    return section('completeness', 'Column completeness', '<p class="empty">No validation reports read.</p>');
  }
  const tables = [...completeness]
    .sort((a, b) => compare(a.dataset, b.dataset))
    .map((dataset) => {
      const rows = dataset.columns.map(({ column, present, rows: total }) => {
        const ratio = total === 0 ? 1 : present / total;
        return row([
          `<code>${escapeHtml(column)}</code>`,
          numberCell(formatNumber(present)),
          numberCell(formatNumber(total)),
          `<span class="bar" style="--ratio:${ratio.toFixed(4)}"></span> ${formatPercent(ratio)}`,
        ]);
      });
      return (
        `<h3>${escapeHtml(dataset.dataset)} <small>over ${formatNumber(dataset.reports)} reports</small></h3>` +
        table(['Column', 'Present', 'Rows', 'Complete'], rows)
      );
    });
  return section('completeness', 'Column completeness', tables.join(''));
}

function columnCodeSection(counts: readonly ColumnCodeCount[]): string {
  if (counts.length === 0) {
    return section(
      'codes',
      'Problem codes by column',
      '<p class="empty">No row problems in the reports read.</p>',
    );
  }
  const sorted = [...counts].sort(
    (a, b) =>
      compare(a.dataset, b.dataset) ||
      b.rows - a.rows ||
      compare(a.column ?? '', b.column ?? '') ||
      compare(a.code, b.code),
  );
  const rows = sorted.map((count) =>
    row([
      escapeHtml(count.dataset),
      count.column === undefined ? '<em>whole row</em>' : `<code>${escapeHtml(count.column)}</code>`,
      escapeHtml(count.code),
      numberCell(`${count.estimated ? '≈' : ''}${formatNumber(count.rows)}`),
    ]),
  );
  return section(
    'codes',
    'Problem codes by column',
    `<p class="note">Rows per code and column in the reports read; ≈ marks a count shared out by the report's examples, its code having been found in several columns.</p>` +
      table(['Dataset', 'Column', 'Code', 'Rows'], rows),
  );
}

function link(target: ObjectLink | undefined): string {
  if (target === undefined) return '';
  const text = `<code>${escapeHtml(target.text)}</code>`;
  return target.href !== undefined && isRelativeHref(target.href)
    ? `<a href="${escapeHtml(target.href)}">${text}</a>`
    : text;
}

/** A metric's value as people read it: money with cents, rates as percentages, counts whole. */
function metricFormat(metric: string): (value: number) => string {
  if (metric === 'total_revenue' || metric === 'avg_order_value') return (value) => formatNumber(value, 2);
  if (metric.endsWith('_rate') || metric.startsWith('null_rate')) return formatPercent;
  return (value) => (Number.isInteger(value) ? formatNumber(value) : formatNumber(value, 2));
}

function statusClass(status: string): string {
  if (status === 'SUCCESS') return 'ok';
  if (status === 'FAILED') return 'bad';
  return 'busy';
}

function section(id: string, title: string, content: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${content}</section>`;
}

function table(headers: readonly string[], rows: readonly string[], id?: string): string {
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('');
  return `<table${id === undefined ? '' : ` id="${id}"`}><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A table row of cells that are already HTML. */
function row(cells: readonly string[]): string {
  return `<tr>${cells.map((cell) => (cell.startsWith('<td') ? cell : `<td>${cell}</td>`)).join('')}</tr>`;
}

function numberCell(text: string): string {
  return `<td class="num">${text}</td>`;
}

function moreNote(count: number, what: string, where: string): string {
  return count <= 0
    ? ''
    : `<p class="note">${formatNumber(count)} ${what} not listed here: ${escapeHtml(where)}.</p>`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
