import type { RowIssue } from '../types.js';
import type { ParsedRow, ParseEvent, UnparsedRecord } from './types.js';

/**
 * Gathers the records of the batch being built and counts every record of the file. Shared by the
 * parsers so that they batch, count and hand over alike.
 */
export class RecordCollector {
  /** Records handed in so far, rows and row issues. */
  records = 0;
  readonly #batchSize: number;
  #rows: ParsedRow[] = [];
  #issues: UnparsedRecord[] = [];

  constructor(batchSize: number) {
    this.#batchSize = batchSize;
  }

  /** True when the batch being built holds `batchSize` records. */
  get full(): boolean {
    return this.#rows.length + this.#issues.length >= this.#batchSize;
  }

  /** True when the batch being built holds at least one record. */
  get pending(): boolean {
    return this.#rows.length + this.#issues.length > 0;
  }

  /**
   * @param raw the record's text when it is not `fields.join(',')` (see `ParsedRow.raw`)
   * @param extra values the fields do not hold (see `ParsedRow.extra`); JSON Lines only
   */
  addRow(
    fields: string[],
    line: number,
    raw: string | undefined,
    extra?: Readonly<Record<string, string>>,
  ): void {
    // Rows without extra values keep the shape they always had, so the CSV path is unchanged.
    this.#rows.push(extra === undefined ? { fields, line, raw } : { fields, line, raw, extra });
    this.records++;
  }

  /** @param raw the record's text as read */
  addIssue(issue: RowIssue, raw: string): void {
    this.#issues.push({ issue, raw });
    this.records++;
  }

  /** The batch built so far, as an event; the next record starts a new batch. */
  take(): ParseEvent {
    const event: ParseEvent = { type: 'batch', batch: { rows: this.#rows, issues: this.#issues } };
    this.#rows = [];
    this.#issues = [];
    return event;
  }
}
