import { batchGetPages } from '../src/dynamodb/batchGet.js';

describe('batchGetPages', () => {
  it('splits keys in order into pages of at most 100, the BatchGetItem limit', () => {
    // Prepare
    const keys = Array.from({ length: 250 }, (_, index) => `key-${index}`);

    // Act
    const pages = batchGetPages(keys);

    // Assess
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    expect(pages.flat()).toEqual(keys);
    expect(pages[1]?.[0]).toBe('key-100');
  });

  it('makes no page of no keys', () => {
    expect(batchGetPages([])).toEqual([]);
  });
});
