import { type Anomaly, type DailyQualityMetrics, PIPELINE_DATASETS } from '@storeflow/core';
import type { ColumnCodeCount, DatasetCompleteness, FileVersionEntry, QualityReportData } from './types.js';

/** The size of a {@link sampleQualityReportData} model. */
export interface SampleSize {
  /** File versions, spread over the days. */
  readonly files: number;
  /** Order dates with KPIs, ending the day before `generatedAt`. */
  readonly days: number;
  /** Days whose orders spike or drop, judged anomalous. */
  readonly anomalousDays: number;
  /** ISO time the model says it was gathered. */
  readonly generatedAt: string;
}

const DAY_MS = 86_400_000;
/** Each dataset's columns that the pipeline reads. */
const COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(PIPELINE_DATASETS).map(([dataset, { columns }]) => [dataset, Object.keys(columns)]),
);
const CODES = [
  'TIMESTAMP_INVALID',
  'REQUIRED_VALUE_MISSING',
  'UNKNOWN_PRODUCT',
  'MONEY_NOT_DECIMAL',
  'DUPLICATE_KEY_IN_FILE',
];

/**
 * A deterministic, realistic report model of any size: a pipeline with daily uploads of the three
 * datasets, some rejected files, weekly seasonality in the KPIs and a few abnormal days. It feeds
 * the renderer's benchmark and browser test, which need a pipeline's worth of data without
 * running one.
 */
export function sampleQualityReportData(size: SampleSize): QualityReportData {
  const random = seededRandom(size.files * 31 + size.days);
  const endDay = Math.floor(Date.parse(size.generatedAt) / DAY_MS);
  const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  const datasets = Object.keys(COLUMNS);

  const files: FileVersionEntry[] = [];
  for (let index = 0; index < size.files; index++) {
    const dataset = datasets[index % datasets.length] as string;
    // Uploads end the day before the model is gathered, as its order dates do.
    const day = endDay - 1 - Math.floor(((size.files - 1 - index) * size.days) / size.files);
    const date = dateOf(day);
    const key = `raw/${dataset}/${date.replaceAll('-', '/')}/${dataset}-${String(index).padStart(6, '0')}.csv`;
    const version = (index * 2654435761).toString(16).padStart(32, '0').slice(-32);
    const total = 500 + Math.floor(random() * 4500);
    const rejected =
      random() < 0.06 ? Math.floor(total * (0.06 + random() * 0.2)) : Math.floor(total * random() * 0.01);
    const failed = rejected / total > 0.05;
    const inFlight = index >= size.files - 2;
    const eventTime = new Date(day * DAY_MS + Math.floor(random() * DAY_MS * 0.9)).toISOString();
    const reportKey = `validation-reports/${dataset}/${date}/${key.slice(4)}/${version}.json`;
    files.push({
      key,
      dataset,
      version,
      status: inFlight ? 'VALIDATING' : failed ? 'FAILED' : 'SUCCESS',
      eventTime,
      topCodes:
        rejected === 0
          ? []
          : CODES.slice(0, 1 + (index % 3)).map((code, rank) => ({
              code,
              count: Math.max(1, rejected >> rank),
            })),
      ...(inFlight
        ? {}
        : {
            verdict: failed ? 'REJECTED' : 'ACCEPTED',
            rows: { total, accepted: total - rejected, rejected },
            report: { text: `s3://storeflow-data/${reportKey}` },
          }),
      ...(failed && !inFlight ? { lastError: 'TOO_MANY_REJECTED_ROWS' } : {}),
      ...(rejected > 0 && !inFlight
        ? { rejectedRows: { text: `s3://storeflow-data/rejected/${key.slice(4)}/${version}.jsonl` } }
        : {}),
    });
  }

  const daily: DailyQualityMetrics[] = [];
  const anomalies: Anomaly[] = [];
  const anomalyEvery =
    size.anomalousDays === 0 ? Number.POSITIVE_INFINITY : Math.floor(size.days / size.anomalousDays);
  for (let offset = size.days; offset >= 1; offset--) {
    const day = endDay - offset;
    const date = dateOf(day);
    const weekday = new Date(day * DAY_MS).getUTCDay();
    const expectedOrders = (100 + (size.days - offset) * 0.05) * (weekday === 0 || weekday === 6 ? 1.3 : 1);
    const anomalous = offset % anomalyEvery === Math.floor(anomalyEvery / 2);
    const orders = Math.round(
      anomalous
        ? expectedOrders * (anomalies.length % 2 === 0 ? 2.4 : 0.3)
        : expectedOrders * (0.9 + random() * 0.2),
    );
    const items = Math.round(orders * (1.4 + random() * 0.2));
    const aov = Math.round((55 + random() * 10) * 100) / 100;
    daily.push({
      date,
      total_orders: orders,
      total_revenue: Math.round(orders * aov * 100) / 100,
      total_items_sold: items,
      avg_order_value: aov,
      return_rate: Math.round((0.08 + random() * 0.04) * 10_000) / 10_000,
      unique_customers: Math.round(orders * 0.97),
    });
    if (anomalous) {
      const spread = expectedOrders * 0.05;
      anomalies.push({
        scope: 'date',
        date,
        metric: 'total_orders',
        value: orders,
        expected: {
          low: Math.round(expectedOrders - 4 * spread),
          high: Math.round(expectedOrders + 4 * spread),
        },
        baseline: { n: 56, centre: Math.round(expectedOrders), spread: Math.round(spread * 100) / 100 },
        rule: 'seasonal-mad:z>4',
      });
    }
  }
  const rejectedFile = files.find((file) => file.status === 'FAILED');
  if (rejectedFile !== undefined) {
    anomalies.push({
      scope: 'file',
      key: `${rejectedFile.key}@${rejectedFile.version}`,
      dataset: rejectedFile.dataset,
      metric: 'rejected_row_rate',
      value: (rejectedFile.rows?.rejected ?? 0) / (rejectedFile.rows?.total ?? 1),
      expected: { low: 0, high: 0.02 },
      baseline: { n: 40, centre: 0.004, spread: 0.004 },
      rule: 'mad:z>4',
    });
  }

  const reportsPerDataset = Math.min(50, Math.ceil(size.files / datasets.length));
  const completeness: DatasetCompleteness[] = datasets.map((dataset) => ({
    dataset,
    reports: reportsPerDataset,
    columns: (COLUMNS[dataset] as readonly string[]).map((column, index) => {
      const rows = reportsPerDataset * 2500;
      // Optional columns (returned_at, shipped_at, brand) are far from complete, as in real extracts.
      const missing = /returned|shipped|delivered|brand/.test(column)
        ? 0.3 + index * 0.05
        : index % 4 === 0
          ? 0
          : 0.002;
      return { column, present: Math.round(rows * (1 - missing)), rows };
    }),
  }));
  const columnCodes: ColumnCodeCount[] = datasets.flatMap((dataset, datasetIndex) =>
    CODES.slice(0, 3 + datasetIndex).map((code, index) => ({
      dataset,
      column: index === 4 ? undefined : (COLUMNS[dataset] as readonly string[])[(index * 3 + 1) % 9],
      code,
      rows: 1200 >> index,
      estimated: index === 2,
    })),
  );
  return {
    generatedAt: size.generatedAt,
    source: 's3://storeflow-data',
    files,
    completeness,
    columnCodes,
    daily,
    anomalies,
  };
}

/** mulberry32: small, fast and deterministic, which is all a sample needs. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
