import { decodeS3EventKey, encodeS3EventKey } from '../src/s3EventKey.js';

describe('encodeS3EventKey', () => {
  it('form-encodes spaces, plus signs, parentheses and non-ASCII bytes, and keeps slashes', () => {
    // Prepare
    const key = 'raw/orders/Größe (1)+x y.csv';

    // Act
    const encoded = encodeS3EventKey(key);

    // Assess
    expect(encoded).toBe('raw/orders/Gr%C3%B6%C3%9Fe+%281%29%2Bx+y.csv');
  });

  it('leaves the characters Java form encoding leaves alone', () => {
    // Prepare
    const key = 'AZaz09-_.*/';

    // Act
    const encoded = encodeS3EventKey(key);

    // Assess
    expect(encoded).toBe('AZaz09-_.*/');
  });

  it('percent-encodes reserved ASCII such as = & : ~ and %', () => {
    // Prepare
    const key = 'a=b&c:d~e%f';

    // Act
    const encoded = encodeS3EventKey(key);

    // Assess
    expect(encoded).toBe('a%3Db%26c%3Ad%7Ee%25f');
  });
});

describe('decodeS3EventKey', () => {
  it.each([
    'raw/orders/Größe (1)+x y.csv',
    'plain.csv',
    'a=b&c:d~e%f',
    '日本/データ 1.jsonl',
    'emoji 🙂+.csv',
  ])('round-trips %s', (key) => {
    // Prepare
    const encoded = encodeS3EventKey(key);

    // Act
    const decoded = decodeS3EventKey(encoded);

    // Assess
    expect(decoded).toBe(key);
  });

  it('reads %2B as a plus and + as a space', () => {
    // Prepare
    const encoded = 'a%2Bb+c';

    // Act
    const decoded = decodeS3EventKey(encoded);

    // Assess
    expect(decoded).toBe('a+b c');
  });
});
