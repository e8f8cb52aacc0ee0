import { InvalidOptionError } from '@storeflow/core';
import {
  decimalString,
  numberMapValue,
  numberValue,
  readBoolean,
  readNumber,
  readNumberMap,
  readString,
  readStringList,
  requireNumber,
  requireString,
  stringListValue,
  stringValue,
} from '../src/dynamodb/attributes.js';
import { decodeCursor, encodeCursor } from '../src/dynamodb/lineageCursor.js';
import { changesToAttributes } from '../src/dynamodb/lineageItemCodec.js';
import { InvalidItemError } from '../src/index.js';

describe('DynamoDB attribute marshalling', () => {
  it('round-trips every shape it writes', () => {
    // Prepare
    const item = {
      s: stringValue('x'),
      n: numberValue(1_741_429_331_000),
      m: numberMapValue({ A: 1, B: 2.5 }),
      l: stringListValue(['2025-03-08', '2025-03-09']),
      b: { BOOL: true },
    };

    // Act
    const read = {
      s: readString(item, 's', 't'),
      n: readNumber(item, 'n', 't'),
      m: readNumberMap(item, 'm', 't'),
      l: readStringList(item, 'l', 't'),
      b: readBoolean(item, 'b', 't'),
    };

    // Assess
    expect(read).toEqual({
      s: 'x',
      n: 1_741_429_331_000,
      m: { A: 1, B: 2.5 },
      l: ['2025-03-08', '2025-03-09'],
      b: true,
    });
    expect(item.n).toEqual({ N: '1741429331000' });
  });

  it('reads absent and NULL attributes as undefined, and a string set as a list', () => {
    const item = { nothing: { NULL: true }, set: { SS: ['a', 'b'] } };
    expect(readString(item, 'missing', 't')).toBeUndefined();
    expect(readNumber(item, 'nothing', 't')).toBeUndefined();
    expect(readStringList(item, 'set', 't')).toEqual(['a', 'b']);
  });

  it('names the table and attribute of a wrong or missing value', () => {
    // Prepare
    const item = { n: { S: 'not a number' }, bad: { N: 'NaN' }, list: { L: [{ N: '1' }] } };

    // Act
    const problems = [
      () => readNumber(item, 'n', 'Files'),
      () => readNumber(item, 'bad', 'Files'),
      () => requireString(item, 'absent', 'Files'),
      () => requireNumber(item, 'absent', 'Files'),
      () => readStringList(item, 'list', 'Files'),
      () => readNumberMap(item, 'n', 'Files'),
      () => readString(item, 'bad', 'Files'),
    ];

    // Assess
    for (const problem of problems) expect(problem).toThrow(InvalidItemError);
    expect(problems[0]).toThrow(/Files: attribute n is not a number/);
  });

  it('refuses to store a number DynamoDB cannot represent', () => {
    expect(() => numberValue(Number.NaN)).toThrow(RangeError);
    expect(() => numberValue(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('lineage changes and cursors', () => {
  it('marshals only the changes that are set, in snake_case', () => {
    // Act
    const attributes = changesToAttributes({
      status: 'FAILED',
      rowsRejected: 3,
      touchedDates: [],
      lastError: { code: 'NOT_UTF8', message: 'bad bytes', retryable: false },
    });

    // Assess
    expect(attributes).toEqual({
      status: { S: 'FAILED' },
      rows_rejected: { N: '3' },
      touched_dates: { L: [] },
      last_error: { M: { code: { S: 'NOT_UTF8' }, message: { S: 'bad bytes' }, retryable: { BOOL: false } } },
    });
  });

  it('round-trips a cursor and rejects a forged one', () => {
    // Prepare
    const key = {
      status: { S: 'FAILED' },
      updated_at: { S: '2025-01-01T00:00:00.000Z' },
      file_key: { S: 'raw/a' },
    };

    // Act
    const decoded = decodeCursor(encodeCursor(key));

    // Assess
    expect(decoded).toEqual(key);
    expect(() => decodeCursor('not json')).toThrow(InvalidOptionError);
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toThrow(InvalidOptionError);
  });
});

describe('exact decimals for money and rates', () => {
  it.each([
    [123450 / 100, 2, '1234.5'],
    [0.1 + 0.2, 2, '0.3'],
    [1.1 + 2.2, 2, '3.3'],
    [1234.5, 2, '1234.5'],
    [100, 2, '100'],
    [0, 2, '0'],
    [-0, 2, '0'],
    [-12.34, 2, '-12.34'],
    [0.3333, 4, '0.3333'],
    [1, 4, '1'],
    [9_999_999_999.99, 2, '9999999999.99'],
  ])('stores %p with %i decimals as %s', (value, places, expected) => {
    expect(decimalString(value, places)).toBe(expected);
  });

  it.each([
    [12.345, 2],
    [1 / 3, 4],
    [Number.NaN, 2],
    [Number.POSITIVE_INFINITY, 2],
  ])('refuses %p with %i decimals rather than rounding it', (value, places) => {
    expect(decimalString(value, places)).toBeUndefined();
  });
});
