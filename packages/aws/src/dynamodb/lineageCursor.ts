import { InvalidOptionError } from '@storeflow/core';
import { InvalidItemError } from '../errors.js';
import { type Item, stringValue } from './attributes.js';

/** Cursors are the GSI's LastEvaluatedKey (string attributes only), as base64url JSON. */
export function encodeCursor(lastEvaluatedKey: Item): string {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(lastEvaluatedKey)) {
    if (value.S === undefined) throw new InvalidItemError('cursor', name, 'is not a string key attribute');
    plain[name] = value.S;
  }
  return Buffer.from(JSON.stringify(plain), 'utf8').toString('base64url');
}

/** Reverses {@link encodeCursor}; anything else is an {@link InvalidOptionError}. */
export function decodeCursor(cursor: string): Item {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidOptionError('cursor', 'is not a cursor returned by listByStatus', { cause: error });
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((value) => typeof value === 'string')
  ) {
    throw new InvalidOptionError('cursor', 'is not a cursor returned by listByStatus');
  }
  return Object.fromEntries(
    Object.entries(parsed as Record<string, string>).map(([name, value]) => [name, stringValue(value)]),
  );
}
