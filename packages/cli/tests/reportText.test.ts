import { FileStatus, type IssueCode, type LineageRecord, ValidationReportBuilder } from '@storeflow/core';
import { renderReport } from '../src/reportText.js';

const record: LineageRecord = {
  sourceKey: 'raw/orders/a.csv',
  objectVersion: 'abc123',
  status: FileStatus.FAILED,
  dataset: 'orders',
  eventTime: '2025-04-01T10:00:00.000Z',
  attempts: 1,
  createdAt: '2025-04-01T10:00:01.000Z',
  updatedAt: '2025-04-01T10:00:02.000Z',
};

const source = {
  bucket: 'b',
  key: 'raw/orders/a.csv',
  objectVersion: 'abc123',
  eventTime: '2025-04-01T10:00:00.000Z',
  dataset: 'orders',
};

function rejection(code: IssueCode, line: number) {
  return { code, line, column: 'status', value: `v${line}`, rule: 'status is a known status' };
}

describe('renderReport', () => {
  it('shows the verdict against the limit, the counts, and codes by frequency with their first examples', () => {
    // Prepare: 30 rows, 16 rejected under 12 codes, so the two least frequent codes are left to
    // --json; STATUS_INVALID on 5 rows.
    const builder = new ValidationReportBuilder(['order_id', 'status']);
    for (let line = 2; line <= 31; line++) builder.observeRow(['1', 'x']);
    builder.accept(14);
    for (let line = 2; line <= 6; line++) builder.reject([rejection('STATUS_INVALID', line)]);
    const others: IssueCode[] = [
      'TIMESTAMP_INVALID',
      'ID_NOT_POSITIVE_INTEGER',
      'NUM_OF_ITEM_INVALID',
      'MONEY_NOT_DECIMAL',
      'REQUIRED_VALUE_MISSING',
      'REQUIRED_TEXT_BLANK',
      'CREATED_AT_IN_FUTURE',
      'SHIPPED_BEFORE_CREATED',
      'DELIVERED_BEFORE_SHIPPED',
      'DUPLICATE_KEY_IN_FILE',
      'UNKNOWN_ORDER',
    ];
    for (const code of others) builder.reject([rejection(code, 20)]);
    const report = builder.build({
      source,
      verdict: 'REJECTED',
      maxRejectedRowRatio: 0.05,
      touchedDates: [],
      timingsMs: {},
      generatedAt: '2025-04-01T10:00:02.000Z',
    });

    // Act
    const lines = renderReport(report, 'validation-reports/orders/2025-04-01/a.csv/abc123.json', {
      ...record,
      rejectedRowsKey: 'rejected/orders/2025-04-01/a.csv/abc123.rejected.jsonl',
    }).split('\n');

    // Assess: 16 of 30 rows is 53.33 %.
    expect(lines.slice(0, 8)).toEqual([
      'file      raw/orders/a.csv',
      'version   abc123 (event 2025-04-01T10:00:00.000Z)',
      'dataset   orders',
      'status    FAILED',
      'report    validation-reports/orders/2025-04-01/a.csv/abc123.json (generated 2025-04-01T10:00:02.000Z)',
      'rejected  rejected/orders/2025-04-01/a.csv/abc123.rejected.jsonl',
      'verdict   REJECTED: 53.33% of rows rejected, above the limit of 5%',
      'rows      30 read, 14 accepted, 16 rejected',
    ]);
    expect(lines).toContain('Row problems by code, most frequent first (2 more codes in --json):');
    const codeLines = lines.filter((line) => /^ {2}[A-Z_]+ {2}\d+ rows?:/.test(line));
    expect(codeLines).toHaveLength(10);
    expect(codeLines[0]).toMatch(/^ {2}STATUS_INVALID {2}5 rows: /);
    const examples = lines.filter((line) => line.startsWith('    line '));
    expect(examples.slice(0, 3)).toEqual([
      '    line 2, column status, value "v2", rule: status is a known status',
      '    line 3, column status, value "v3", rule: status is a known status',
      '    line 4, column status, value "v4", rule: status is a known status',
    ]);
  });

  it('shows a file-level problem, notices and the order dates of an accepted file', () => {
    // Prepare
    const rejected = new ValidationReportBuilder([]);
    rejected.addFileIssue(
      { code: 'MISSING_REQUIRED_COLUMN', message: 'header lacks num_of_item', columns: ['num_of_item'] },
      'problem',
    );
    const accepted = new ValidationReportBuilder(['order_id']);
    accepted.observeRow(['1']);
    accepted.accept();
    accepted.addFileIssue(
      { code: 'EXTRA_COLUMNS', message: 'columns kept out of KPIs', columns: ['note'] },
      'notice',
    );
    const build = (builder: ValidationReportBuilder, verdict: 'ACCEPTED' | 'REJECTED', dates: string[]) =>
      builder.build({
        source,
        verdict,
        maxRejectedRowRatio: 0.05,
        touchedDates: dates,
        timingsMs: {},
        generatedAt: 'now',
      });

    // Act
    const fileProblem = renderReport(build(rejected, 'REJECTED', []), 'r.json', record);
    const withNotice = renderReport(
      build(accepted, 'ACCEPTED', [
        '2025-03-01',
        '2025-03-02',
        '2025-03-03',
        '2025-03-04',
        '2025-03-05',
        '2025-03-06',
        '2025-03-07',
      ]),
      'r.json',
      { ...record, status: FileStatus.SUCCESS },
    );

    // Assess
    expect(fileProblem).toContain('verdict   REJECTED: a file-level problem\n');
    expect(fileProblem).not.toMatch(/^rejected /m);
    expect(fileProblem).toContain(
      '\nFile problems (the whole file is rejected):\n  MISSING_REQUIRED_COLUMN: header lacks num_of_item (num_of_item)\n',
    );
    expect(withNotice).toContain('verdict   ACCEPTED: 0% of rows rejected, within the limit of 5%\n');
    expect(withNotice).toContain(
      '\nNotices (nothing rejected):\n  EXTRA_COLUMNS: columns kept out of KPIs (note)\n',
    );
    expect(withNotice).toContain('\nOrder dates (7): 2025-03-01 … 2025-03-07\n');
  });
});
