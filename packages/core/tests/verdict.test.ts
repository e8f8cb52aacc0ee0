import { decideVerdict, InvalidOptionError } from '../src/index.js';

describe('decideVerdict', () => {
  it('accepts a file whose rejected share is exactly the default ratio (5 of 100)', () => {
    // Prepare
    const input = { fileIssues: [], totalRows: 100, rejectedRows: 5 };
    // Act
    const verdict = decideVerdict(input);
    // Assess
    expect(verdict).toBe('ACCEPTED');
  });

  it('rejects a file one row above the default ratio (6 of 100)', () => {
    // Prepare
    const input = { fileIssues: [], totalRows: 100, rejectedRows: 6 };
    // Act
    const verdict = decideVerdict(input);
    // Assess
    expect(verdict).toBe('REJECTED');
  });

  it.each([
    [7, 100, 0.07, 'ACCEPTED'],
    [8, 100, 0.07, 'REJECTED'],
    [3, 10, 0.3, 'ACCEPTED'],
    [1, 3, 1 / 3, 'ACCEPTED'],
    [0, 10, 0, 'ACCEPTED'],
    [1, 10, 0, 'REJECTED'],
    [10, 10, 1, 'ACCEPTED'],
    [5_000_000, 100_000_000, 0.05, 'ACCEPTED'],
    [5_000_001, 100_000_000, 0.05, 'REJECTED'],
  ])('with %d of %d rejected and ratio %d: %s', (rejectedRows, totalRows, maxRejectedRowRatio, expected) => {
    // Prepare: the inputs are the table rows
    // Act
    const verdict = decideVerdict({ fileIssues: [], totalRows, rejectedRows, maxRejectedRowRatio });
    // Assess
    expect(verdict).toBe(expected);
  });

  it('rejects on any file-level problem even with no bad row', () => {
    // Prepare
    const input = { fileIssues: [{ code: 'NOT_UTF8' as const }], totalRows: 100, rejectedRows: 0 };
    // Act
    const verdict = decideVerdict(input);
    // Assess
    expect(verdict).toBe('REJECTED');
  });

  it('ignores the EXTRA_COLUMNS notice', () => {
    // Prepare
    const input = { fileIssues: [{ code: 'EXTRA_COLUMNS' as const }], totalRows: 100, rejectedRows: 1 };
    // Act
    const verdict = decideVerdict(input);
    // Assess
    expect(verdict).toBe('ACCEPTED');
  });

  it.each([
    { totalRows: 10, rejectedRows: 11 },
    { totalRows: 10, rejectedRows: -1 },
    { totalRows: 10, rejectedRows: 1, maxRejectedRowRatio: 1.5 },
    { totalRows: 10, rejectedRows: 1, maxRejectedRowRatio: Number.NaN },
  ])('refuses impossible input %p', (counts) => {
    // Prepare
    const input = { fileIssues: [], ...counts };
    // Act
    const act = () => decideVerdict(input);
    // Assess
    expect(act).toThrow(InvalidOptionError);
  });
});
