import { outputKeys } from '../src/outputKeys.js';

const EVENT_TIME = '2025-04-03T23:59:59.000Z';

describe('outputKeys', () => {
  it('names the report and rejected rows by dataset, event date, path and object version', () => {
    // Act
    const keys = outputKeys(
      'orders',
      { sourceKey: 'raw/orders/2025/a.csv', objectVersion: '5ed4634f' },
      EVENT_TIME,
    );

    // Assess
    expect(keys.report).toBe('validation-reports/orders/2025-04-03/2025/a.csv/5ed4634f.json');
    expect(keys.rejectedRows).toBe('rejected/orders/2025-04-03/2025/a.csv/5ed4634f.rejected.jsonl');
  });

  it('gives two versions of one key different names, and the same version the same names again', () => {
    // Prepare
    const sourceKey = 'raw/products/p.csv';

    // Act
    const first = outputKeys('products', { sourceKey, objectVersion: 'aaa' }, EVENT_TIME);
    const second = outputKeys('products', { sourceKey, objectVersion: 'bbb' }, EVENT_TIME);
    const firstAgain = outputKeys('products', { sourceKey, objectVersion: 'aaa' }, EVENT_TIME);

    // Assess
    expect(second.report).not.toBe(first.report);
    expect(second.rejectedRows).not.toBe(first.rejectedRows);
    expect(firstAgain).toEqual(first);
  });

  it('keeps a version id to one S3-safe segment, so it cannot reach into another file path', () => {
    // Act: a multipart ETag, and a version id with characters a key segment should not carry
    const multipart = outputKeys(
      'orders',
      { sourceKey: 'raw/orders/a.csv', objectVersion: '9b2cf5-3' },
      EVENT_TIME,
    );
    const odd = outputKeys('unknown', { sourceKey: 'raw/notes.txt', objectVersion: 'a/b+c=' }, EVENT_TIME);

    // Assess
    expect(multipart.report).toBe('validation-reports/orders/2025-04-03/a.csv/9b2cf5-3.json');
    expect(odd.report).toBe('validation-reports/unknown/2025-04-03/notes.txt/a_b_c_.json');
  });
});
