import { contentIssue, planObject } from '../src/index.js';

const LIMIT = 1_000;

describe('planObject', () => {
  it('plans a routable, supported object within the limit', () => {
    // Prepare
    const key = 'raw/order-items/part1.ndjson.gz';
    // Act
    const result = planObject(key, LIMIT, LIMIT);
    // Assess
    expect(result).toEqual({
      outcome: 'process',
      plan: { dataset: 'order_items', format: 'jsonl', gzip: true },
    });
  });

  it('ignores a key outside raw/ without a file issue', () => {
    // Prepare
    const key = 'processed/orders/2025/04/07/part1.csv';
    // Act
    const result = planObject(key, 10, LIMIT);
    // Assess
    expect(result).toEqual({ outcome: 'ignore' });
  });

  it('rejects a key under raw/ with no dataset as UNKNOWN_DATASET', () => {
    // Prepare
    const key = 'raw/customers/part1.csv';
    // Act
    const result = planObject(key, 10, LIMIT);
    // Assess
    expect(result).toMatchObject({ outcome: 'reject', fileIssue: { code: 'UNKNOWN_DATASET' } });
  });

  it('rejects an unsupported extension as UNSUPPORTED_FORMAT', () => {
    // Prepare
    const key = 'raw/orders/part1.xlsx';
    // Act
    const result = planObject(key, 10, LIMIT);
    // Assess
    expect(result).toMatchObject({ outcome: 'reject', fileIssue: { code: 'UNSUPPORTED_FORMAT' } });
  });

  it('rejects an object one byte over the limit as OBJECT_TOO_LARGE', () => {
    // Prepare
    const key = 'raw/orders/part1.csv';
    // Act
    const result = planObject(key, LIMIT + 1, LIMIT);
    // Assess
    expect(result).toMatchObject({ outcome: 'reject', fileIssue: { code: 'OBJECT_TOO_LARGE' } });
  });
});

describe('contentIssue', () => {
  it('reports EMPTY_FILE when not even a header was read', () => {
    // Prepare
    const hasHeader = false;
    // Act
    const issue = contentIssue(hasHeader, 0);
    // Assess
    expect(issue?.code).toBe('EMPTY_FILE');
  });

  it('reports HEADER_ONLY when a header but no row was read', () => {
    // Prepare
    const hasHeader = true;
    // Act
    const issue = contentIssue(hasHeader, 0);
    // Assess
    expect(issue?.code).toBe('HEADER_ONLY');
  });

  it('reports nothing once one data row was read', () => {
    // Prepare
    const hasHeader = true;
    // Act
    const issue = contentIssue(hasHeader, 1);
    // Assess
    expect(issue).toBeUndefined();
  });
});
