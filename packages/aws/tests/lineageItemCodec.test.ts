import { FileStatus, type LineageRecord } from '@storeflow/core';
import {
  attributeNamesIn,
  changesToAttributes,
  lineageItemKey,
  lineageRecordOf,
  updateExpression,
} from '../src/dynamodb/lineageItemCodec.js';
import { InvalidItemError } from '../src/index.js';

const TABLE = 'p-ProcessedFiles';

// A stored item written out by hand, attribute by attribute, as ProcessedFiles holds it.
const ITEM = {
  file_key: { S: 'raw/orders/a.csv' },
  object_version: { S: 'v1' },
  status: { S: 'SUCCESS' },
  dataset: { S: 'orders' },
  event_time: { S: '2025-04-01T10:00:00.000Z' },
  attempts: { N: '2' },
  created_at: { S: '2025-04-01T10:00:01.000Z' },
  updated_at: { S: '2025-04-01T10:05:00.000Z' },
  rows_total: { N: '10' },
  rows_accepted: { N: '9' },
  rows_rejected: { N: '1' },
  rule_counts: { M: { AMOUNT_NEGATIVE: { N: '1' } } },
  report_key: { S: 'reports/a.json' },
  touched_dates: { L: [{ S: '2025-03-31' }] },
  verdict: { S: 'ACCEPTED' },
  last_error: {
    M: { code: { S: 'AWS_CALL_FAILED' }, message: { S: 'slow down' }, retryable: { BOOL: true } },
  },
  timings: { M: { parse: { N: '12' } } },
  transform_counts: {
    M: {
      dates_recomputed: { N: '1' },
      dates_already_current: { N: '0' },
      orders_aggregated: { N: '9' },
      items_aggregated: { N: '0' },
      kpi_rows_written: { N: '3' },
      kpi_rows_deleted: { N: '0' },
    },
  },
};

describe('lineage item codec', () => {
  it('reads every stored attribute into its record field and leaves absent ones absent', () => {
    // Act
    const record = lineageRecordOf(ITEM, TABLE);

    // Assess
    expect(record).toEqual({
      sourceKey: 'raw/orders/a.csv',
      objectVersion: 'v1',
      status: 'SUCCESS',
      dataset: 'orders',
      eventTime: '2025-04-01T10:00:00.000Z',
      attempts: 2,
      createdAt: '2025-04-01T10:00:01.000Z',
      updatedAt: '2025-04-01T10:05:00.000Z',
      rowsTotal: 10,
      rowsAccepted: 9,
      rowsRejected: 1,
      ruleCounts: { AMOUNT_NEGATIVE: 1 },
      reportKey: 'reports/a.json',
      touchedDates: ['2025-03-31'],
      verdict: 'ACCEPTED',
      lastError: { code: 'AWS_CALL_FAILED', message: 'slow down', retryable: true },
      timings: { parse: 12 },
      transformCounts: {
        dates_recomputed: 1,
        dates_already_current: 0,
        orders_aggregated: 9,
        items_aggregated: 0,
        kpi_rows_written: 3,
        kpi_rows_deleted: 0,
      },
    } satisfies LineageRecord);
    expect(Object.keys(record)).not.toContain('workerId');
  });

  it('writes back, as changes, exactly the attributes it reads', () => {
    // Prepare
    const { sourceKey, objectVersion, dataset, eventTime, attempts, createdAt, updatedAt, ...changes } =
      lineageRecordOf(ITEM, TABLE);

    // Act
    const item = { ...lineageItemKey({ sourceKey, objectVersion }), ...changesToAttributes(changes) };

    // Assess
    const { dataset: _d, event_time: _e, attempts: _a, created_at: _c, updated_at: _u, ...expected } = ITEM;
    expect(item).toEqual(expected);
  });

  it.each([
    ['an unknown status', { status: { S: 'DONE' } }, /status holds unknown status "DONE"/],
    ['an unknown verdict', { verdict: { S: 'MAYBE' } }, /verdict holds unknown verdict "MAYBE"/],
    ['a missing required attribute', { attempts: undefined }, /attempts is missing/],
    ['an incomplete last error', { last_error: { M: { code: { S: 'X' } } } }, /message is missing/],
    [
      'transform counts without one count',
      { transform_counts: { M: { dates_recomputed: { N: '1' } } } },
      /transform_counts.dates_already_current is missing/,
    ],
  ])('refuses an item with %s', (_label, change, message) => {
    // Prepare
    const item = Object.fromEntries(
      Object.entries({ ...ITEM, ...change }).filter(([, value]) => value !== undefined),
    ) as typeof ITEM;

    // Act
    const read = () => lineageRecordOf(item, TABLE);

    // Assess
    expect(read).toThrow(InvalidItemError);
    expect(read).toThrow(message);
  });

  it('builds an update expression whose placeholders all have names and values', () => {
    // Act
    const update = updateExpression({ status: { S: FileStatus.VALIDATED }, rows_total: { N: '3' } }, [
      'worker_id',
      'lease_expires_at',
    ]);

    // Assess
    expect(update).toEqual({
      expression: 'SET #status = :status, #rows_total = :rows_total REMOVE #worker_id, #lease_expires_at',
      names: {
        '#status': 'status',
        '#rows_total': 'rows_total',
        '#worker_id': 'worker_id',
        '#lease_expires_at': 'lease_expires_at',
      },
      values: { ':status': { S: 'VALIDATED' }, ':rows_total': { N: '3' } },
    });
  });

  it('refuses a placeholder that names no lineage attribute', () => {
    // Act
    const names = () => attributeNamesIn('#status = :s AND #statsu = :t');

    // Assess
    expect(names).toThrow(/unknown lineage attribute statsu/);
  });
});
