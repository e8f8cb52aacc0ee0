import { ValidationReportBuilder } from '../src/report/ValidationReportBuilder.js';
import type { RowIssue } from '../src/types.js';

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
});
