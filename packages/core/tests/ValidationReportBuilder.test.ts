import { ValidationReportBuilder } from '../src/report/ValidationReportBuilder.js';
import type { RowIssue } from '../src/types.js';
import { contractOf } from './helpers/contracts.js';

function issue(code: RowIssue['code'], line: number, column = 'cost'): RowIssue {
  return { code, line, column, value: 'x', rule: `${column} rule` };
}

const buildInput = {
  source: { key: 'raw/products/p.csv' },
  verdict: 'ACCEPTED' as const,
  maxRejectedRowRatio: 0.05,
  touchedDates: [],
  timingsMs: { totalMs: 12 },
  generatedAt: '2025-04-01T00:00:00.000Z',
};

describe('ValidationReportBuilder', () => {
  it('counts rows, problems per code, and a rejected row once however many problems it has', () => {
    // Prepare
    const builder = new ValidationReportBuilder(['id', 'cost']);
    for (const fields of [
      ['1', '2'],
      ['2', ''],
      ['3', ''],
    ]) {
      builder.observeRow(fields);
    }

    // Act
    builder.accept();
    builder.reject([issue('MONEY_NOT_DECIMAL', 3), issue('ID_NOT_POSITIVE_INTEGER', 3, 'id')]);
    builder.reject([issue('MONEY_NOT_DECIMAL', 4)]);
    const report = builder.build(buildInput);

    // Assess
    expect(report.rows).toEqual({ total: 3, accepted: 1, rejected: 2 });
    expect(report.ruleCounts).toEqual({ ID_NOT_POSITIVE_INTEGER: 1, MONEY_NOT_DECIMAL: 2 });
    expect(report.rejectedRowRatio).toBe(0.666667);
    expect(report.columnCompleteness).toEqual({
      id: { present: 3, ratio: 1 },
      cost: { present: 1, ratio: 0.3333 },
    });
  });

  it('keeps only the first examples of each code, in file order', () => {
    // Prepare
    const builder = new ValidationReportBuilder(['cost'], { maxExamplesPerCode: 2 });

    // Act
    for (const line of [2, 3, 4, 5]) builder.reject([issue('MONEY_NOT_DECIMAL', line)]);
    const report = builder.build(buildInput);

    // Assess
    expect(report.ruleCounts.MONEY_NOT_DECIMAL).toBe(4);
    expect(report.examples.MONEY_NOT_DECIMAL?.map((example) => example.line)).toEqual([2, 3]);
  });

  it('keeps file problems and notices apart, and sorts and de-duplicates touched dates', () => {
    // Prepare
    const builder = new ValidationReportBuilder(['id']);
    builder.addFileIssue({ code: 'EXTRA_COLUMNS', message: 'extra', columns: ['note'] }, 'notice');
    builder.addFileIssue({ code: 'HEADER_ONLY', message: 'no rows' }, 'problem');

    // Act
    const report = builder.build({ ...buildInput, touchedDates: ['2025-03-09', '2025-03-08', '2025-03-09'] });

    // Assess
    expect(report.fileIssues.map((fileIssue) => fileIssue.code)).toEqual(['HEADER_ONLY']);
    expect(report.notices.map((notice) => notice.code)).toEqual(['EXTRA_COLUMNS']);
    expect(report.touchedDates).toEqual(['2025-03-08', '2025-03-09']);
    expect(report.rejectedRowRatio).toBe(0);
    expect(report.columnCompleteness.id).toEqual({ present: 0, ratio: 1 });
  });

  it('profiles null rates and the minimum, maximum and mean of money (in cents) and id columns', () => {
    // Prepare
    const builder = new ValidationReportBuilder(['id', 'sku', 'cost', 'brand', 'retail_price'], {
      contract: contractOf('products'),
    });
    const rows = [
      ['7', 'A-1', '10.05', 'acme', '20'],
      ['9', 'A-2', '0.5', '', '19.99'],
      ['x', 'A-3', 'cheap', '', '1000000.01'],
      ['12', '', '', '', '30.00'],
    ];

    // Act
    for (const fields of rows) builder.observeRow(fields);
    builder.observeRow(['too', 'few']);
    const { profile } = builder.build(buildInput);

    // Assess
    expect(profile.columns.id).toEqual({
      nullRate: 0,
      numeric: { unit: 'integer', values: 3, min: 7, max: 12, mean: 9.33 },
    });
    expect(profile.columns.cost).toEqual({
      nullRate: 0.4,
      numeric: { unit: 'cents', values: 2, min: 50, max: 1005, mean: 527.5 },
    });
    expect(profile.columns.retail_price?.numeric).toEqual({
      unit: 'cents',
      values: 4,
      min: 1999,
      max: 100000001,
      mean: 25001750,
    });
    expect(profile.columns.sku).toEqual({ nullRate: 0.2 });
    expect(profile.columns.brand).toEqual({ nullRate: 0.8 });
  });

  it('profiles no numbers without a dataset, and a file without rows has null rates of 0', () => {
    // Prepare
    const builder = new ValidationReportBuilder(['id', 'cost']);

    // Act
    const { profile } = builder.build(buildInput);

    // Assess
    expect(profile.columns).toEqual({ id: { nullRate: 0 }, cost: { nullRate: 0 } });
    expect(profile.distinctKeys).toBeUndefined();
    expect(profile.rowsByDate).toEqual({});
    expect(profile.undated).toEqual({ accepted: 0, rejected: 0 });
  });

  it('names the contract the file was judged by, and none when no contract applied', () => {
    // Prepare: contracts/orders.odcs.yaml has id storeflow-orders and version 1.0.0
    const judged = new ValidationReportBuilder(['order_id'], { contract: contractOf('orders') });
    const unjudged = new ValidationReportBuilder(['order_id']);

    // Act
    const withContract = judged.build(buildInput);
    const withoutContract = unjudged.build(buildInput);

    // Assess
    expect(withContract.contract).toEqual({ id: 'storeflow-orders', version: '1.0.0' });
    expect(withoutContract).not.toHaveProperty('contract');
  });

  it('counts rows by order date, sorted, and those without a date as undated', () => {
    // Prepare
    const builder = new ValidationReportBuilder(['order_id', 'created_at'], {
      contract: contractOf('orders'),
    });

    // Act
    builder.accept(3, '2025-03-09');
    builder.accept(2, '2025-03-08');
    builder.reject([issue('STATUS_INVALID', 7, 'status')], '2025-03-09');
    builder.reject([issue('TIMESTAMP_INVALID', 8, 'created_at')]);
    builder.accept(1, '2025-03-09');
    builder.recordDistinctKeys('order_id', 6);
    const { profile, rows } = builder.build(buildInput);

    // Assess
    expect(Object.keys(profile.rowsByDate)).toEqual(['2025-03-08', '2025-03-09']);
    expect(profile.rowsByDate).toEqual({
      '2025-03-08': { accepted: 2, rejected: 0 },
      '2025-03-09': { accepted: 4, rejected: 1 },
    });
    expect(profile.undated).toEqual({ accepted: 0, rejected: 1 });
    expect(rows).toMatchObject({ accepted: 6, rejected: 2 });
    expect(profile.distinctKeys).toEqual({ column: 'order_id', count: 6 });
  });
});
