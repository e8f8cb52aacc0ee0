import { Readable } from 'node:stream';
import {
  type Anomaly,
  computeDateKpis,
  type DailyQualityMetrics,
  DEFAULT_MAX_REJECTED_ROW_RATIO,
  datasetContract,
  type FileQualitySummary,
  judgeDate,
  judgeFile,
  type ParseEvent,
  parseCsv,
  parseTimestamp,
  type SilverOrder,
  type SilverOrderItem,
  validateFile,
} from '@storeflow/core';
import { loadContractFiles } from '@storeflow/runtime';
import type { DataGenerator } from '../../src/index.js';
import { acceptedReferences, remember, validationSink } from './validateGenerated.js';

const CONTRACTS = loadContractFiles();

/** What the pipeline would make of a generated history, computed in process with core alone. */
export interface QualityHistory {
  /** Per order date, ascending: its KPIs and rejected-row rate. */
  readonly days: readonly DailyQualityMetrics[];
  /** Per file, in upload order: its profile, with its order date (the key's `day=` partition). */
  readonly files: readonly (FileQualitySummary & { readonly date: string })[];
}

/** Files of a dataset a file is judged against: the most recent, by event time. */
const RECENT_FILES = 28;

/** Passes a parse through, counting per column the records whose value is empty. */
async function* countingNulls(
  events: AsyncIterable<ParseEvent>,
  tally: { header: readonly string[]; rows: number; nulls: number[] },
): AsyncGenerator<ParseEvent> {
  for await (const event of events) {
    if (event.type === 'header') {
      tally.header = event.header;
      tally.nulls = event.header.map(() => 0);
    } else if (event.type === 'batch') {
      tally.rows += event.batch.rows.length + event.batch.issues.length;
      for (const row of event.batch.rows) {
        tally.header.forEach((_, column) => {
          if ((row.fields[column] ?? '').trim() === '') tally.nulls[column] = (tally.nulls[column] ?? 0) + 1;
        });
      }
    }
    yield event;
  }
}

/**
 * Generates every file of `generator` (CSV) and runs it through core as the pipeline does, in
 * upload order, without AWS: validateFile against the references accepted so far, then per order
 * date the KPIs of its accepted rows (computeDateKpis) and its rejected-row rate (a rejected row
 * counts under the date of its `created_at` when that parses), per file the profile the file scope
 * judges. Rows of a rejected file count nowhere.
 */
export async function measureHistory(generator: DataGenerator, nowMs: number): Promise<QualityHistory> {
  const references = acceptedReferences();
  const orders = new Map<string, SilverOrder[]>();
  const items = new Map<string, SilverOrderItem[]>();
  const rowsByDate = new Map<string, { accepted: number; rejected: number }>();
  const countOn = (date: string, outcome: 'accepted' | 'rejected', rows: number) => {
    const counts = rowsByDate.get(date) ?? { accepted: 0, rejected: 0 };
    counts[outcome] += rows;
    rowsByDate.set(date, counts);
  };
  const files: (FileQualitySummary & { date: string })[] = [];
  const startMs = Date.parse(`${generator.options.startDate}T00:00:00Z`);
  for (const [index, file] of generator.files.entries()) {
    const text = [...generator.chunks(file)].join('');
    const eventTime = new Date(startMs + index * 1000).toISOString();
    const tally = { header: [] as readonly string[], rows: 0, nulls: [] as number[] };
    const sink = validationSink();
    const result = await validateFile(
      countingNulls(parseCsv(Readable.from([Buffer.from(text)])), tally),
      {
        contract: datasetContract(CONTRACTS, file.dataset),
        rowVersion: `${eventTime}#raw/${file.key}`,
        nowMs,
        maxRejectedRowRatio: DEFAULT_MAX_REJECTED_ROW_RATIO,
        references,
        referenceGraceExpired: true,
      },
      sink,
    );
    if (result.outcome === 'deferred') throw new Error(`${file.key} was deferred after the grace`);
    const { total, rejected } = result.report.counts;
    files.push({
      key: `${file.key}@v1`,
      dataset: file.dataset,
      eventTime,
      rows: total,
      rejectedRowRatio: total === 0 ? 0 : rejected / total,
      nullRates: Object.fromEntries(
        tally.header.map((column, at) => [
          column,
          tally.rows === 0 ? 0 : (tally.nulls[at] ?? 0) / tally.rows,
        ]),
      ),
      date: partitionDate(file.key),
    });
    if (result.verdict === 'REJECTED') continue;
    remember(file.dataset, sink, references);
    const createdAt = tally.header.indexOf('created_at');
    for (const row of sink.rejected) {
      const createdMs = createdAt < 0 ? undefined : parseTimestamp(row.raw.split(',')[createdAt] ?? '');
      if (createdMs !== undefined) countOn(new Date(createdMs).toISOString().slice(0, 10), 'rejected', 1);
    }
    if (file.dataset === 'products') continue;
    for (const batch of sink.accepted) {
      for (const [date, records] of batch.partitions) {
        countOn(date, 'accepted', records.length);
        if (file.dataset === 'orders') {
          orders.set(date, [...(orders.get(date) ?? []), ...(records as SilverOrder[])]);
        } else {
          items.set(date, [...(items.get(date) ?? []), ...(records as SilverOrderItem[])]);
        }
      }
    }
  }
  const days = [...rowsByDate.keys()].sort().flatMap((date): DailyQualityMetrics[] => {
    const { orderKpis } = computeDateKpis(date, orders.get(date) ?? [], items.get(date) ?? []);
    const counts = rowsByDate.get(date) as { accepted: number; rejected: number };
    const read = counts.accepted + counts.rejected;
    if (orderKpis === undefined && read === 0) return [];
    const kpis =
      orderKpis === undefined
        ? {}
        : {
            total_orders: orderKpis.total_orders,
            total_revenue: orderKpis.total_revenue,
            total_items_sold: orderKpis.total_items_sold,
            avg_order_value: orderKpis.avg_order_value,
            return_rate: orderKpis.return_rate,
            unique_customers: orderKpis.unique_customers,
          };
    return [{ date, ...kpis, rejected_row_rate: read === 0 ? 0 : counts.rejected / read }];
  });
  return { days, files };
}

function partitionDate(key: string): string {
  const [, year, month, day] = /year=(\d{4})\/month=(\d{2})\/day=(\d{2})/.exec(key) ?? [];
  return `${year}-${month}-${day}`;
}

/** An anomaly and the order date it was found on (the file's date for the file scope). */
export interface JudgedDate {
  readonly anomaly: Anomaly;
  readonly date: string;
}

/**
 * Every anomaly of a history, as the services judge it: each date against all the others (the
 * judge keeps the window before it), each file against its dataset's recent files in upload order.
 */
export function judgeHistory(history: QualityHistory): JudgedDate[] {
  const found: JudgedDate[] = [];
  for (const day of history.days) {
    for (const anomaly of judgeDate(day, history.days)) found.push({ anomaly, date: day.date });
  }
  history.files.forEach((file, index) => {
    const recent = history.files
      .slice(0, index)
      .filter((earlier) => earlier.dataset === file.dataset)
      .slice(-RECENT_FILES);
    for (const anomaly of judgeFile(file, recent)) found.push({ anomaly, date: file.date });
  });
  return found;
}
