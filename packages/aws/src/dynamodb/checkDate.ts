import { InvalidOptionError } from '@storeflow/core';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Throws InvalidOptionError, naming `option`, unless `value` is a `YYYY-MM-DD` date. */
export function checkDate(option: string, value: string): void {
  if (typeof value !== 'string' || !DATE_PATTERN.test(value)) {
    throw new InvalidOptionError(option, `must be a YYYY-MM-DD date, got ${String(value)}`);
  }
}
