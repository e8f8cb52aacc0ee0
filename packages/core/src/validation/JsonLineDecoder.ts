import type { DatasetContract } from '../contracts/types.js';
import type { RowIssue } from '../types.js';
import { issueValue } from './issueValue.js';

/** Outcome of decoding one JSON Lines line. */
export type JsonLineResult =
  | {
      readonly ok: true;
      readonly fields: string[];
      /**
       * The values of the object's keys the contract does not define, as text, by key; undefined
       * when it has none (the usual case, which costs nothing more than the key count).
       */
      readonly extra: Record<string, string> | undefined;
    }
  | { readonly ok: false; readonly issue: RowIssue };

/**
 * Turns JSON Lines records into the same raw field arrays the CSV path produces, so one
 * RowValidator serves both formats.
 *
 * The header is the dataset's own column list (required, then optional): objects have no header
 * line, and their key order varies. A missing key or `null` becomes `''` (absent); numbers and
 * booleans become their `String()` form (`43.4` → `'43.4'`, exact for money with 2 decimals);
 * nested values become their JSON text, which then fails the column's check with the raw text
 * visible. Keys the dataset does not define are returned with the record (`extra`, their values as
 * text by the same rules) to be kept with the accepted row, as a CSV file's extra columns are, and
 * collected for the once-per-file EXTRA_COLUMNS notice.
 *
 * Why per record rather than a header that grows as new keys appear: the header is handed over
 * before the first record, and the row validator's field layout and the report's column profile
 * are fixed by it, so a growing header would mean rebuilding both mid-file. A record's own extra
 * keys need neither, and cost nothing when there are none: the decoder already counts the keys it
 * knows, and only an object with more keys than that builds its `extra`.
 *
 * @example
 * const decoder = new JsonLineDecoder(ordersContract);
 * const built = createRowValidator(ordersContract, decoder.header, { nowMs });
 * const decoded = decoder.decode(text, lineNumber);
 * // then built.validator.validate(decoded.fields, lineNumber, decoded.extra)
 */
export class JsonLineDecoder {
  /** Column names in the order of the field arrays `decode` returns. */
  readonly header: readonly string[];
  readonly #known: ReadonlySet<string>;
  readonly #extra = new Set<string>();

  constructor(contract: DatasetContract) {
    this.header = contract.columns.map((column) => column.physicalName);
    this.#known = new Set(this.header);
  }

  /** Keys seen so far that the dataset does not define, in order of first appearance. */
  get extraColumns(): readonly string[] {
    return [...this.#extra];
  }

  /**
   * Decodes one line. Blank lines are the caller's to skip (a trailing newline is not a record).
   *
   * @param text the line without its line break
   * @param line physical line number, the first line of the file being 1
   */
  decode(text: string, line: number): JsonLineResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, issue: lineIssue('JSON_LINE_MALFORMED', line, text, 'the line is valid JSON') };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { ok: false, issue: lineIssue('JSON_LINE_NOT_OBJECT', line, text, 'the line is a JSON object') };
    }
    const record = parsed as Record<string, unknown>;
    const header = this.header;
    const fields = new Array<string>(header.length);
    let present = 0;
    for (let i = 0; i < header.length; i++) {
      const value = record[header[i] as string];
      if (value !== undefined) present++;
      fields[i] = toField(value);
    }
    const keys = Object.keys(record);
    let extra: Record<string, string> | undefined;
    if (keys.length > present) {
      extra = {};
      for (const key of keys) {
        if (this.#known.has(key)) continue;
        this.#extra.add(key);
        extra[key] = toField(record[key]);
      }
    }
    return { ok: true, fields, extra };
  }
}

function toField(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function lineIssue(code: RowIssue['code'], line: number, text: string, rule: string): RowIssue {
  return { code, line, column: undefined, value: issueValue(text), rule };
}
