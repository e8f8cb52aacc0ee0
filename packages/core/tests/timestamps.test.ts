import { parseTimestamp, utcDate } from '../src/index.js';

describe('parseTimestamp', () => {
  // Expected values come from Date.UTC, an independent implementation of the calendar.
  it.each([
    ['ISO without zone (UTC)', '2025-03-08T10:22:11', Date.UTC(2025, 2, 8, 10, 22, 11)],
    ['ISO with Z', '2025-03-08T10:22:11Z', Date.UTC(2025, 2, 8, 10, 22, 11)],
    ['ISO with +00:00', '2025-03-08T10:22:11+00:00', Date.UTC(2025, 2, 8, 10, 22, 11)],
    ['ISO with a positive offset', '2025-03-08T12:22:11+02:00', Date.UTC(2025, 2, 8, 10, 22, 11)],
    ['ISO with a negative offset', '2025-03-08T05:52:11-04:30', Date.UTC(2025, 2, 8, 10, 22, 11)],
    ['ISO with milliseconds', '2025-03-08T10:22:11.123Z', Date.UTC(2025, 2, 8, 10, 22, 11, 123)],
    ['ISO with one fraction digit', '2025-03-08T10:22:11.5', Date.UTC(2025, 2, 8, 10, 22, 11, 500)],
    ['ISO with two fraction digits', '2025-03-08T10:22:11.05', Date.UTC(2025, 2, 8, 10, 22, 11, 50)],
    ['space form', '2025-03-08 10:22:11', Date.UTC(2025, 2, 8, 10, 22, 11)],
    [
      'space form, microseconds truncated',
      '2025-03-08 10:22:11.123999',
      Date.UTC(2025, 2, 8, 10, 22, 11, 123),
    ],
    [
      'space form, nanoseconds truncated',
      '2025-03-08 10:22:11.999999999',
      Date.UTC(2025, 2, 8, 10, 22, 11, 999),
    ],
    ['space form with " UTC"', '2025-03-08 10:22:11 UTC', Date.UTC(2025, 2, 8, 10, 22, 11)],
    [
      'space form with fraction and " UTC"',
      '2025-03-08 10:22:11.250000 UTC',
      Date.UTC(2025, 2, 8, 10, 22, 11, 250),
    ],
    ['space form with +00:00', '2025-04-03 10:22:11+00:00', Date.UTC(2025, 3, 3, 10, 22, 11)],
    ['space form with " +00:00"', '2025-04-03 10:22:11 +00:00', Date.UTC(2025, 3, 3, 10, 22, 11)],
    ['space form with Z', '2025-04-03 10:22:11Z', Date.UTC(2025, 3, 3, 10, 22, 11)],
    ['leap day of a leap year', '2024-02-29T00:00:00', Date.UTC(2024, 1, 29)],
    ['leap day of a 400-year leap year', '2000-02-29T12:00:00', Date.UTC(2000, 1, 29, 12)],
    ['the epoch', '1970-01-01T00:00:00Z', 0],
    ['before the epoch', '1969-12-31T23:59:59Z', -1000],
    ['last second of a year', '2024-12-31T23:59:59', Date.UTC(2024, 11, 31, 23, 59, 59)],
  ])('accepts %s: %s', (_label, text, expected) => {
    // Prepare: the inputs are the table rows
    // Act
    const parsed = parseTimestamp(text);
    // Assess
    expect(parsed).toBe(expected);
  });

  it('moves the date back across midnight when a positive offset is converted to UTC', () => {
    // Prepare
    const text = '2025-03-01T01:30:00+02:00';
    // Act
    const parsed = parseTimestamp(text) as number;
    // Assess
    expect(parsed).toBe(Date.UTC(2025, 1, 28, 23, 30));
    expect(utcDate(parsed)).toBe('2025-02-28');
  });

  it('moves the date forward across midnight (and a year end) with a negative offset', () => {
    // Prepare
    const text = '2024-12-31 22:00:00 -05:00';
    // Act
    const parsed = parseTimestamp(text) as number;
    // Assess
    expect(utcDate(parsed)).toBe('2025-01-01');
  });

  it.each([
    ['February 30th', '2025-02-30T00:00:00'],
    ['February 29th of a common year', '2025-02-29T00:00:00'],
    ['February 29th of a century year', '1900-02-29T00:00:00'],
    ['April 31st', '2025-04-31T00:00:00'],
    ['month 13', '2025-13-01T00:00:00'],
    ['month 00', '2025-00-10T00:00:00'],
    ['day 00', '2025-01-00T00:00:00'],
    ['hour 24', '2025-01-01T24:00:00'],
    ['minute 60', '2025-01-01T10:60:00'],
    ['a leap second', '2025-01-01T10:00:60'],
    ['a date only', '2025-01-01'],
    ['no seconds', '2025-01-01T10:00'],
    ['one-digit month', '2025-1-01T10:00:00'],
    ['a slash date', '2025/01/01T10:00:00'],
    ['a lower-case t', '2025-01-01t10:00:00'],
    ['an empty fraction', '2025-01-01T10:00:00.'],
    ['ten fraction digits', '2025-01-01T10:00:00.1234567890'],
    ['an offset without colon', '2025-01-01T10:00:00+0200'],
    ['an offset hour 24', '2025-01-01T10:00:00+24:00'],
    ['an offset minute 60', '2025-01-01T10:00:00+01:60'],
    ['a named zone', '2025-01-01T10:00:00 CET'],
    ['a trailing space', '2025-01-01T10:00:00 '],
    ['two spaces before UTC', '2025-01-01 10:00:00  UTC'],
    ['text after Z', '2025-01-01T10:00:00Zx'],
    ['a leading space', ' 2025-01-01T10:00:00'],
    ['letters', 'not a timestamp at all'],
    ['an empty string', ''],
  ])('rejects %s: %j', (_label, text) => {
    // Prepare: the inputs are the table rows
    // Act
    const parsed = parseTimestamp(text);
    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('utcDate', () => {
  it.each([
    [0, '1970-01-01'],
    [Date.UTC(2025, 2, 8, 23, 59, 59, 999), '2025-03-08'],
    [Date.UTC(2025, 2, 9), '2025-03-09'],
    [Date.UTC(2024, 1, 29, 12), '2024-02-29'],
    [Date.UTC(2000, 11, 31), '2000-12-31'],
    [-1, '1969-12-31'],
    [Date.UTC(2100, 2, 1), '2100-03-01'],
  ])('formats %d as %s', (epochMs, expected) => {
    // Prepare: the inputs are the table rows
    // Act
    const date = utcDate(epochMs);
    // Assess
    expect(date).toBe(expected);
  });

  it('agrees with Date#toISOString on a spread of instants across four centuries', () => {
    // Prepare: a deterministic walk of about 1,000 instants with odd strides
    const instants: number[] = [];
    for (let ms = Date.UTC(1900, 0, 1); ms < Date.UTC(2300, 0, 1); ms += 12_623_456_789) instants.push(ms);
    // Act
    const mismatches = instants.filter((ms) => utcDate(ms) !== new Date(ms).toISOString().slice(0, 10));
    // Assess
    expect(instants.length).toBeGreaterThan(900);
    expect(mismatches).toEqual([]);
  });

  it('gives each instant its own date when calls repeat a day, return to it or hop across midnight', () => {
    // Prepare: runs of the same day, as rows in time order give, between jumps back and forth
    const hour = 3_600_000;
    const instants = [
      Date.UTC(2025, 2, 8, 0, 5),
      Date.UTC(2025, 2, 8, 23, 59, 59, 999),
      Date.UTC(2025, 2, 9),
      Date.UTC(2025, 2, 8, 12),
      Date.UTC(2025, 2, 8, 12),
      Date.UTC(1999, 11, 31, 23),
      Date.UTC(1999, 11, 31, 23) + hour,
      Date.UTC(2025, 2, 9, 1),
    ];
    // Act
    const dates = instants.map((ms) => utcDate(ms));
    // Assess
    expect(dates).toEqual(instants.map((ms) => new Date(ms).toISOString().slice(0, 10)));
  });

  it('round-trips with parseTimestamp for every day of a leap year', () => {
    // Prepare
    const start = Date.UTC(2024, 0, 1);
    const days = Array.from({ length: 366 }, (_, i) => start + i * 86_400_000);
    // Act
    const roundTrips = days.filter((ms) => parseTimestamp(`${utcDate(ms)}T00:00:00Z`) === ms);
    // Assess
    expect(roundTrips).toHaveLength(366);
  });
});
