import type { DailyQualityMetrics, LineageRecord, OrderKpiRow, ValidationReport } from '@storeflow/core';
import type { ColumnCodeCount, DatasetCompleteness, FileVersionEntry, ObjectLink } from './types.js';

/** Problem codes listed per file; the report object has them all. */
export const TOP_CODES_PER_FILE = 3;

/**
 * Where a bucket's objects are linked from the page: as `s3://` text, or, when the page is
 * written next to local copies, relative to it (`localCopies` maps an object key to its path).
 */
export interface ObjectLinker {
  readonly bucket: string;
  readonly localCopies?: ReadonlyMap<string, string>;
}

/** One lineage record as a line of the files table. */
export function fileEntryOf(record: LineageRecord, linker: ObjectLinker): FileVersionEntry {
  const topCodes = Object.entries(record.ruleCounts ?? {})
    .sort(([codeA, countA], [codeB, countB]) => countB - countA || (codeA < codeB ? -1 : 1))
    .slice(0, TOP_CODES_PER_FILE)
    .map(([code, count]) => ({ code, count }));
  const rows =
    record.rowsTotal === undefined
      ? undefined
      : { total: record.rowsTotal, accepted: record.rowsAccepted ?? 0, rejected: record.rowsRejected ?? 0 };
  return {
    key: record.sourceKey,
    dataset: record.dataset,
    version: record.objectVersion,
    status: record.status,
    eventTime: record.eventTime,
    topCodes,
    ...(record.verdict === undefined ? {} : { verdict: record.verdict }),
    ...(rows === undefined ? {} : { rows }),
    // A success keeps the error of an earlier attempt in its record; it no longer applies.
    ...(record.lastError === undefined || record.status === 'SUCCESS'
      ? {}
      : { lastError: record.lastError.code }),
    ...(record.reportKey === undefined ? {} : { report: objectLink(record.reportKey, linker) }),
    // The object of a version that rejected nothing is absent or empty.
    ...(record.rejectedRowsKey === undefined || (record.rowsRejected ?? 0) === 0
      ? {}
      : { rejectedRows: objectLink(record.rejectedRowsKey, linker) }),
  };
}

function objectLink(key: string, linker: ObjectLinker): ObjectLink {
  const local = linker.localCopies?.get(key);
  return { text: `s3://${linker.bucket}/${key}`, ...(local === undefined ? {} : { href: local }) };
}

/** A validation report and the dataset lineage routed its file to. */
export interface DatasetReport {
  readonly dataset: string;
  readonly report: ValidationReport;
}

/**
 * Column completeness per dataset, summed over the given reports: a column's present values over
 * the rows of the files that have it (a file without the column does not dilute it).
 */
export function completenessOf(reports: readonly DatasetReport[]): DatasetCompleteness[] {
  const byDataset = new Map<
    string,
    { reports: number; columns: Map<string, { present: number; rows: number }> }
  >();
  for (const { dataset, report } of reports) {
    let totals = byDataset.get(dataset);
    if (totals === undefined) {
      totals = { reports: 0, columns: new Map() };
      byDataset.set(dataset, totals);
    }
    totals.reports += 1;
    for (const [column, completeness] of Object.entries(report.columnCompleteness)) {
      const sums = totals.columns.get(column) ?? { present: 0, rows: 0 };
      sums.present += completeness.present;
      sums.rows += report.rows.total;
      totals.columns.set(column, sums);
    }
  }
  return [...byDataset].map(([dataset, totals]) => ({
    dataset,
    reports: totals.reports,
    // Header order of the first report that named each column.
    columns: [...totals.columns].map(([column, sums]) => ({ column, ...sums })),
  }));
}

/**
 * Rows per dataset, column and problem code, summed over the given reports. A report counts rows
 * per code and keeps examples that name their column: a code whose examples name one column (or
 * none: a problem with the whole row) is counted there exactly; a code found in several columns
 * has its count shared out in proportion to its examples, and is marked estimated.
 */
export function columnCodesOf(reports: readonly DatasetReport[]): ColumnCodeCount[] {
  const counts = new Map<
    string,
    { dataset: string; column: string | undefined; code: string; rows: number; estimated: boolean }
  >();
  const add = (
    dataset: string,
    column: string | undefined,
    code: string,
    rows: number,
    estimated: boolean,
  ) => {
    const id = JSON.stringify([dataset, column ?? null, code]);
    const entry = counts.get(id) ?? { dataset, column, code, rows: 0, estimated: false };
    entry.rows += rows;
    entry.estimated ||= estimated;
    counts.set(id, entry);
  };
  for (const { dataset, report } of reports) {
    for (const [code, rows] of Object.entries(report.ruleCounts)) {
      if (rows === undefined || rows === 0) continue;
      const examplesByColumn = new Map<string | undefined, number>();
      for (const example of report.examples[code as keyof typeof report.examples] ?? []) {
        examplesByColumn.set(example.column, (examplesByColumn.get(example.column) ?? 0) + 1);
      }
      if (examplesByColumn.size <= 1) {
        add(dataset, examplesByColumn.keys().next().value, code, rows, false);
        continue;
      }
      const examples = [...examplesByColumn.values()].reduce((sum, count) => sum + count, 0);
      // Largest remainders, so the shares add up to the report's count exactly.
      const shares = [...examplesByColumn].map(([column, count]) => {
        const exact = (rows * count) / examples;
        return { column, rows: Math.floor(exact), remainder: exact - Math.floor(exact) };
      });
      let left = rows - shares.reduce((sum, share) => sum + share.rows, 0);
      for (const share of [...shares].sort((a, b) => b.remainder - a.remainder)) {
        if (left === 0) break;
        share.rows += 1;
        left -= 1;
      }
      for (const share of shares) if (share.rows > 0) add(dataset, share.column, code, share.rows, true);
    }
  }
  return [...counts.values()];
}

/** The OrderKPIs figures a daily trend draws, by order date (the rejected-row rate comes from elsewhere). */
export function dailyMetricsOf(
  rows: readonly Pick<
    OrderKpiRow,
    | 'order_date'
    | 'total_orders'
    | 'total_revenue'
    | 'total_items_sold'
    | 'avg_order_value'
    | 'return_rate'
    | 'unique_customers'
  >[],
): DailyQualityMetrics[] {
  return rows.map((row) => ({
    date: row.order_date,
    total_orders: row.total_orders,
    total_revenue: row.total_revenue,
    total_items_sold: row.total_items_sold,
    avg_order_value: row.avg_order_value,
    return_rate: row.return_rate,
    unique_customers: row.unique_customers,
  }));
}
