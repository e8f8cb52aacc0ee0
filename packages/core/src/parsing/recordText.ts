import type { ParsedRow } from './types.js';

/**
 * The text of a parsed record as it was in the source, without its line break: `raw` when the
 * parser kept it, else the fields joined by commas, which is exact for a CSV line without a quote
 * (no field of it can hold a comma, a quote or a line break).
 *
 * @example
 * recordText({ fields: ['1', 'a'], raw: undefined }); // '1,a'
 * recordText({ fields: ['1', 'a,b'], raw: '1,"a,b"' }); // '1,"a,b"'
 */
export function recordText(row: Pick<ParsedRow, 'fields' | 'raw'>): string {
  return row.raw ?? row.fields.join(',');
}
