const MS_PER_DAY = 86_400_000;
const CH_0 = 48;
const CH_DASH = 45;
const CH_COLON = 58;
const CH_DOT = 46;
const CH_SPACE = 32;
const CH_T = 84;
const CH_Z = 90;
const CH_PLUS = 43;

/** Value of `count` decimal digits at `start`, or -1 when one of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - CH_0;
    // NaN (past the end) fails both comparisons' negation, so it is caught here too.
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), integer math only. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Zone offset in minutes (east positive) of the suffix starting at `start`, or NaN when invalid. */
function zoneOffsetMinutes(text: string, start: number): number {
  let i = start;
  const length = text.length;
  if (text.charCodeAt(i) === CH_SPACE) i++;
  const remaining = length - i;
  const first = text.charCodeAt(i);
  if (remaining === 1 && first === CH_Z) return 0;
  if (remaining === 3 && text.startsWith('UTC', i)) return 0;
  if (remaining !== 6 || (first !== CH_PLUS && first !== CH_DASH) || text.charCodeAt(i + 3) !== CH_COLON) {
    return Number.NaN;
  }
  const hours = digitsAt(text, i + 1, 2);
  const minutes = digitsAt(text, i + 4, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return Number.NaN;
  const offset = hours * 60 + minutes;
  return first === CH_PLUS ? offset : -offset;
}

/**
 * Parses a SPEC §2 timestamp to epoch milliseconds (UTC), or undefined when it is not one.
 *
 * Accepted: `YYYY-MM-DD`, then `T` or a space, then `HH:MM:SS`, an optional fraction of 1 to 9
 * digits (digits beyond milliseconds are truncated), then an optional zone: `Z`, `UTC` or
 * `+HH:MM` / `-HH:MM`, optionally preceded by one space. No zone means UTC. Every field is range
 * checked, including days per month and leap years; leap seconds (`:60`) are rejected.
 *
 * Hand-written because this runs on up to four columns of every row: ajv-formats' `date-time`
 * costs ~2 us per row and rejects `2025-04-03 10:22:11+00:00`, and `Date.parse` accepts far
 * more than the spec and differs between engines.
 *
 * @example
 * parseTimestamp('2025-03-08T10:22:11'); // 1741429331000
 * parseTimestamp('2025-03-08 12:22:11.5 +02:00'); // 1741429331500
 * parseTimestamp('2025-02-30T00:00:00'); // undefined
 */
export function parseTimestamp(text: string): number | undefined {
  const length = text.length;
  if (length < 19) return undefined;
  const separator = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== CH_DASH ||
    text.charCodeAt(7) !== CH_DASH ||
    (separator !== CH_T && separator !== CH_SPACE) ||
    text.charCodeAt(13) !== CH_COLON ||
    text.charCodeAt(16) !== CH_COLON
  ) {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;

  let i = 19;
  let millis = 0;
  if (text.charCodeAt(i) === CH_DOT) {
    const start = ++i;
    while (i < length && i - start < 9) {
      const digit = text.charCodeAt(i) - CH_0;
      if (!(digit >= 0 && digit <= 9)) break;
      if (i - start < 3) millis = millis * 10 + digit;
      i++;
    }
    const fractionDigits = i - start;
    if (fractionDigits === 0) return undefined;
    if (fractionDigits === 1) millis *= 100;
    else if (fractionDigits === 2) millis *= 10;
  }
  let offsetMinutes = 0;
  if (i < length) {
    offsetMinutes = zoneOffsetMinutes(text, i);
    if (Number.isNaN(offsetMinutes)) return undefined;
  }
  // Local time = UTC + offset, so UTC = local - offset.
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    millis
  );
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

// The day of the last utcDate call and its text: rows come mostly in time order, so most calls
// fall on the same day as the call before and reuse its string instead of building five new ones.
let lastDayNumber = Number.NaN;
let lastDate = '';

/**
 * The UTC calendar date (`YYYY-MM-DD`) of an epoch-milliseconds instant, for years 0000 to 9999
 * (the range {@link parseTimestamp} produces). This is the `order_date` of SPEC §4.
 *
 * @example
 * utcDate(1741429331000); // '2025-03-08'
 */
export function utcDate(epochMs: number): string {
  const dayNumber = Math.floor(epochMs / MS_PER_DAY);
  if (dayNumber === lastDayNumber) return lastDate;
  // H. Hinnant's civil_from_days: integer math, no Date object per row.
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  lastDayNumber = dayNumber;
  lastDate = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  return lastDate;
}
