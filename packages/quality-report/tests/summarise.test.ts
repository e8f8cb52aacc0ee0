import type { LineageRecord, RowIssue, ValidationReport } from '@storeflow/core';
import { columnCodesOf, completenessOf, fileEntryOf, reportsToRead } from '../src/index.js';

function record(overrides: Partial<LineageRecord>): LineageRecord {
  return {
    sourceKey: 'raw/orders/a.csv',
    objectVersion: 'v1',
    status: 'SUCCESS',
    dataset: 'orders',
    eventTime: '2026-12-01T10:00:00.000Z',
    attempts: 1,
    createdAt: '2026-12-01T10:00:01.000Z',
    updatedAt: '2026-12-01T10:00:05.000Z',
    ...overrides,
  };
}

function report(overrides: Partial<ValidationReport>): ValidationReport {
  return {
    reportVersion: 1,
    source: {},
    verdict: 'ACCEPTED',
    rows: { total: 10, accepted: 10, rejected: 0 },
    rejectedRowRatio: 0,
    maxRejectedRowRatio: 0.05,
    fileIssues: [],
    notices: [],
    ruleCounts: {},
    examples: {},
    columnCompleteness: {},
    touchedDates: [],
    profile: { columns: {}, rowsByDate: {}, undated: { accepted: 0, rejected: 0 } },
    anomalies: [],
    timingsMs: {},
    generatedAt: '2026-12-01T10:00:04.000Z',
    ...overrides,
  };
}

function issue(code: RowIssue['code'], column: string | undefined): RowIssue {
  return { code, line: 2, column, value: 'x', rule: 'a rule' };
}

describe('fileEntryOf', () => {
  it('takes counts, the top three codes and links from lineage', () => {
    // Prepare
    const failed = record({
      status: 'FAILED',
      verdict: 'REJECTED',
      rowsTotal: 100,
      rowsAccepted: 60,
      rowsRejected: 40,
      ruleCounts: { B_CODE: 5, A_CODE: 5, C_CODE: 30, D_CODE: 1 },
      lastError: { code: 'TOO_MANY_REJECTED_ROWS', message: '40% rejected', retryable: false },
      reportKey: 'validation-reports/orders/a.json',
      rejectedRowsKey: 'rejected/orders/a.jsonl',
    });

    // Act
    const entry = fileEntryOf(failed, {
      bucket: 'data',
      localCopies: new Map([['validation-reports/orders/a.json', 'objects/a.json']]),
    });

    // Assess
    expect(entry).toEqual({
      key: 'raw/orders/a.csv',
      dataset: 'orders',
      version: 'v1',
      status: 'FAILED',
      verdict: 'REJECTED',
      eventTime: '2026-12-01T10:00:00.000Z',
      rows: { total: 100, accepted: 60, rejected: 40 },
      topCodes: [
        { code: 'C_CODE', count: 30 },
        { code: 'A_CODE', count: 5 },
        { code: 'B_CODE', count: 5 },
      ],
      lastError: 'TOO_MANY_REJECTED_ROWS',
      report: { text: 's3://data/validation-reports/orders/a.json', href: 'objects/a.json' },
      rejectedRows: { text: 's3://data/rejected/orders/a.jsonl' },
    });
  });

  it('drops the error of an earlier attempt once the version succeeded, and an empty rejected-rows object', () => {
    // Prepare
    const retried = record({
      rowsTotal: 5,
      rowsAccepted: 5,
      rowsRejected: 0,
      rejectedRowsKey: 'rejected/orders/a.jsonl',
      lastError: { code: 'DYNAMODB_UNAVAILABLE', message: 'outage', retryable: true },
    });

    // Act
    const entry = fileEntryOf(retried, { bucket: 'data' });

    // Assess
    expect(entry.lastError).toBeUndefined();
    expect(entry.rejectedRows).toBeUndefined();
    expect(entry.rows).toEqual({ total: 5, accepted: 5, rejected: 0 });
  });
});

describe('completenessOf', () => {
  it('sums present values over the rows of the files that have the column', () => {
    // Prepare: the second file lacks returned_at
    const reports = [
      {
        dataset: 'orders',
        report: report({
          rows: { total: 10, accepted: 10, rejected: 0 },
          columnCompleteness: {
            order_id: { present: 10, ratio: 1 },
            returned_at: { present: 2, ratio: 0.2 },
          },
        }),
      },
      {
        dataset: 'orders',
        report: report({
          rows: { total: 30, accepted: 30, rejected: 0 },
          columnCompleteness: { order_id: { present: 29, ratio: 0.9667 } },
        }),
      },
    ];

    // Act, Assess
    expect(completenessOf(reports)).toEqual([
      {
        dataset: 'orders',
        reports: 2,
        columns: [
          { column: 'order_id', present: 39, rows: 40 },
          { column: 'returned_at', present: 2, rows: 10 },
        ],
      },
    ]);
  });
});

describe('columnCodesOf', () => {
  it('counts a code exactly where its examples name one column or none', () => {
    // Prepare
    const reports = [
      {
        dataset: 'orders',
        report: report({
          ruleCounts: { TIMESTAMP_INVALID: 25, DUPLICATE_KEY_IN_FILE: 2 },
          examples: {
            TIMESTAMP_INVALID: [
              issue('TIMESTAMP_INVALID', 'created_at'),
              issue('TIMESTAMP_INVALID', 'created_at'),
            ],
            DUPLICATE_KEY_IN_FILE: [issue('DUPLICATE_KEY_IN_FILE', undefined)],
          },
        }),
      },
      {
        dataset: 'orders',
        report: report({
          ruleCounts: { TIMESTAMP_INVALID: 5 },
          examples: { TIMESTAMP_INVALID: [issue('TIMESTAMP_INVALID', 'created_at')] },
        }),
      },
    ];

    // Act, Assess
    expect(columnCodesOf(reports)).toEqual([
      { dataset: 'orders', column: 'created_at', code: 'TIMESTAMP_INVALID', rows: 30, estimated: false },
      { dataset: 'orders', column: undefined, code: 'DUPLICATE_KEY_IN_FILE', rows: 2, estimated: false },
    ]);
  });

  it('shares out a code found in several columns by its examples, summing to its count', () => {
    // Prepare: 10 rows, examples 2 in shipped_at and 1 in delivered_at
    const reports = [
      {
        dataset: 'orders',
        report: report({
          ruleCounts: { TIMESTAMP_INVALID: 10 },
          examples: {
            TIMESTAMP_INVALID: [
              issue('TIMESTAMP_INVALID', 'shipped_at'),
              issue('TIMESTAMP_INVALID', 'delivered_at'),
              issue('TIMESTAMP_INVALID', 'shipped_at'),
            ],
          },
        }),
      },
    ];

    // Act, Assess: 6.67 and 3.33, the larger remainder takes the spare row
    expect(columnCodesOf(reports)).toEqual([
      { dataset: 'orders', column: 'shipped_at', code: 'TIMESTAMP_INVALID', rows: 7, estimated: true },
      { dataset: 'orders', column: 'delivered_at', code: 'TIMESTAMP_INVALID', rows: 3, estimated: true },
    ]);
  });
});

describe('reportsToRead', () => {
  it('reads the current version of the newest keys of each dataset, at most n per dataset', () => {
    // Prepare
    const records = [
      record({
        sourceKey: 'raw/orders/a.csv',
        objectVersion: 'old',
        eventTime: '2026-12-01T01:00:00Z',
        reportKey: 'r/a-old',
      }),
      record({
        sourceKey: 'raw/orders/a.csv',
        objectVersion: 'new',
        eventTime: '2026-12-01T05:00:00Z',
        reportKey: 'r/a-new',
      }),
      record({ sourceKey: 'raw/orders/b.csv', eventTime: '2026-12-01T04:00:00Z', reportKey: 'r/b' }),
      record({ sourceKey: 'raw/orders/c.csv', eventTime: '2026-12-01T03:00:00Z', reportKey: 'r/c' }),
      record({ sourceKey: 'raw/orders/d.csv', eventTime: '2026-12-01T06:00:00Z' }),
      record({
        sourceKey: 'raw/products/p.csv',
        dataset: 'products',
        eventTime: '2026-11-01T00:00:00Z',
        reportKey: 'r/p',
      }),
    ];

    // Act
    const chosen = reportsToRead(records, 2);

    // Assess: d has no report yet (validating); a's old version is not current
    expect(chosen.map((chosenRecord) => chosenRecord.reportKey)).toEqual(['r/a-new', 'r/b', 'r/p']);
  });
});
