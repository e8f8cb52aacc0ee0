import type { DatasetContract } from '../contracts/types.js';
import type { FileFormat } from '../datasets.js';
import { createJsonLinesParser } from './createJsonLinesParser.js';
import { parseCsv } from './parseCsv.js';
import type { RecordParser } from './types.js';

/**
 * The parser for an object planned by `planObject`: the default CSV parser ({@link parseCsv}) or
 * the JSON Lines parser of the dataset's contract. Gunzipping `.gz` objects is the caller's job, before parsing.
 *
 * @example
 * const parse = recordParserFor(plan);
 * for await (const event of parse(body, { batchSize: 10_000 })) handle(event);
 */
export function recordParserFor(plan: {
  readonly contract: DatasetContract;
  readonly format: FileFormat;
}): RecordParser {
  return plan.format === 'csv' ? parseCsv : createJsonLinesParser(plan.contract);
}
