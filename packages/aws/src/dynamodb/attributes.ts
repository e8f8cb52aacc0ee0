import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidItemError } from '../errors.js';

/**
 * Hand-written marshalling for the few attribute shapes this package stores (S, N, M of N,
 * L of S, M of a last error). Readers take the table name so a bad item names where it lives.
 */
export type Item = Record<string, AttributeValue>;

/** A string attribute. */
export function stringValue(value: string): AttributeValue {
  return { S: value };
}

/**
 * A number attribute. DynamoDB numbers travel as decimal strings; only finite numbers are
 * representable.
 */
export function numberValue(value: number): AttributeValue {
  if (!Number.isFinite(value)) throw new RangeError(`cannot store ${value} as a DynamoDB number`);
  return { N: String(value) };
}

/**
 * The exact decimal text of a number that should have at most `places` decimals (money 2, rates
 * 4), or undefined when it does not. `toFixed` rounds the binary value to the nearest decimal with
 * `places` digits, and for the double nearest to such a decimal that is the decimal itself:
 * `123450 / 100` gives `"1234.5"`, `0.1 + 0.2` gives `"0.3"`. A value further from its rounding
 * than float noise was not rounded by whoever computed it; rounding it here (half away from zero,
 * not the half-even the KPIs use) would hide that, so it is refused. Trailing zeros are dropped
 * (DynamoDB would drop them anyway).
 */
export function decimalString(value: number, places: number): string | undefined {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e15) return undefined;
  const text = value.toFixed(places);
  // A few ulps of the value, and never less than a millionth of the last decimal place.
  const noise = Math.max(Number.EPSILON * Math.abs(value) * 8, 10 ** -(places + 6));
  if (Math.abs(Number(text) - value) > noise) return undefined;
  const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

/** A number attribute from {@link decimalString}; a RangeError when the value has more decimals. */
export function decimalValue(value: number, places: number): AttributeValue {
  const text = decimalString(value, places);
  if (text === undefined) throw new RangeError(`cannot store ${value} as a decimal with ${places} places`);
  return { N: text };
}

/** A map of name to number (`rule_counts`, `timings`). */
export function numberMapValue(values: Readonly<Record<string, number>>): AttributeValue {
  return { M: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, numberValue(value)])) };
}

/** A list of strings; a list rather than a string set because a set cannot be empty. */
export function stringListValue(values: readonly string[]): AttributeValue {
  return { L: values.map(stringValue) };
}

/** The string in `item[name]`; undefined when absent. */
export function readString(item: Item, name: string, table: string): string | undefined {
  const value = item[name];
  if (value === undefined || value.NULL === true) return undefined;
  if (value.S === undefined) throw new InvalidItemError(table, name, 'is not a string');
  return value.S;
}

/** The number in `item[name]`; undefined when absent. */
export function readNumber(item: Item, name: string, table: string): number | undefined {
  const value = item[name];
  if (value === undefined || value.NULL === true) return undefined;
  return parseNumber(value, name, table);
}

/** The boolean in `item[name]`; undefined when absent. */
export function readBoolean(item: Item, name: string, table: string): boolean | undefined {
  const value = item[name];
  if (value === undefined || value.NULL === true) return undefined;
  if (value.BOOL === undefined) throw new InvalidItemError(table, name, 'is not a boolean');
  return value.BOOL;
}

/** The map of numbers in `item[name]`; undefined when absent. */
export function readNumberMap(item: Item, name: string, table: string): Record<string, number> | undefined {
  const value = item[name];
  if (value === undefined || value.NULL === true) return undefined;
  if (value.M === undefined) throw new InvalidItemError(table, name, 'is not a map');
  return Object.fromEntries(
    Object.entries(value.M).map(([key, inner]) => [key, parseNumber(inner, `${name}.${key}`, table)]),
  );
}

/** The strings in `item[name]`, stored as a list or a string set; undefined when absent. */
export function readStringList(item: Item, name: string, table: string): string[] | undefined {
  const value = item[name];
  if (value === undefined || value.NULL === true) return undefined;
  if (value.SS !== undefined) return [...value.SS];
  if (value.L === undefined) throw new InvalidItemError(table, name, 'is not a list');
  return value.L.map((inner, index) => {
    if (inner.S === undefined) throw new InvalidItemError(table, `${name}[${index}]`, 'is not a string');
    return inner.S;
  });
}

/** The map in `item[name]` as an item of its own; undefined when absent. */
export function readMap(item: Item, name: string, table: string): Item | undefined {
  const value = item[name];
  if (value === undefined || value.NULL === true) return undefined;
  if (value.M === undefined) throw new InvalidItemError(table, name, 'is not a map');
  return value.M;
}

/** Like {@link readString}, for an attribute every item of the table has. */
export function requireString(item: Item, name: string, table: string): string {
  const value = readString(item, name, table);
  if (value === undefined) throw new InvalidItemError(table, name, 'is missing');
  return value;
}

/** Like {@link readNumber}, for an attribute every item of the table has. */
export function requireNumber(item: Item, name: string, table: string): number {
  const value = readNumber(item, name, table);
  if (value === undefined) throw new InvalidItemError(table, name, 'is missing');
  return value;
}

function parseNumber(value: AttributeValue, name: string, table: string): number {
  if (value.N === undefined) throw new InvalidItemError(table, name, 'is not a number');
  const parsed = Number(value.N);
  if (!Number.isFinite(parsed))
    throw new InvalidItemError(table, name, `holds ${value.N}, not a finite number`);
  return parsed;
}
