import type { FileIssue, RowIssue } from '../types.js';

/** One record as read: its raw fields in header order and the physical line it starts on. */
export interface ParsedRow {
  /** Raw field values, unquoted and unescaped, not trimmed; a CSV row may have more or fewer than the header. */
  readonly fields: string[];
  /** Physical line the record starts on, the first line of the file being 1 (the CSV header). */
  readonly line: number;
  /**
   * The record's text as read, without its line break (it may span several physical lines), when
   * that is not simply `fields.join(',')`: set for a CSV record with a quote, and for every JSON
   * Lines line. Undefined for a CSV line without a quote, whose fields joined by commas are its
   * text exactly, so the hot path copies nothing; read it through `recordText`.
   */
  readonly raw: string | undefined;
  /**
   * JSON Lines only: the values, as text, of the object's keys the contract does not define, set
   * when it has any. A CSV record's extra columns are among its `fields`, placed by the header.
   * Either way the row validator returns them as the accepted row's `extra`.
   */
  readonly extra?: Readonly<Record<string, string>>;
}

/** A record the parser could not split into fields: the reason and the record's text as read. */
export interface UnparsedRecord {
  /** UNTERMINATED_QUOTE, JSON_LINE_MALFORMED or JSON_LINE_NOT_OBJECT, on the record's first line. */
  readonly issue: RowIssue;
  /** The text of the record: the line, or for an unterminated quote the rest of the file. */
  readonly raw: string;
}

/**
 * Up to `batchSize` records in file order. A record the parser could not split into fields (an
 * unterminated CSV quote, a malformed JSON line) is an entry of `issues` instead of `rows`; both
 * count towards `batchSize`.
 */
export interface RecordBatch {
  readonly rows: ParsedRow[];
  readonly issues: UnparsedRecord[];
}

/** What a parse returns once the source is exhausted, or stopped at a file-level problem. */
export interface ParseSummary {
  /** Records read (rows plus row issues), the header and blank lines not included. */
  readonly rows: number;
  /** Physical lines read, blank lines included. */
  readonly lines: number;
  /** Source bytes consumed (after gunzip, as the source delivers them). */
  readonly bytes: number;
  /**
   * The problem that rejects the file: EMPTY_FILE, HEADER_ONLY, NOT_UTF8 or RECORD_TOO_LONG.
   * Set means every batch already delivered belongs to a rejected file.
   */
  readonly fileIssue: FileIssue | undefined;
  /** Problems that reject nothing, reported once per file (EXTRA_COLUMNS: keys of JSON Lines objects kept under `extra`). */
  readonly notices: readonly FileIssue[];
}

/**
 * The events of one parse, in this order: `header` at most once, then `batch` zero or more times,
 * then `end` exactly once (unless the source throws, which the parse passes on).
 */
export type ParseEvent =
  | {
      readonly type: 'header';
      /** Column names as written (the UTF-8 BOM removed); `createRowValidator` trims and matches them. */
      readonly header: readonly string[];
      /** Physical line of the header: 1 unless blank lines precede it. */
      readonly line: number;
    }
  | { readonly type: 'batch'; readonly batch: RecordBatch }
  | { readonly type: 'end'; readonly summary: ParseSummary };

/** Options every {@link RecordParser} accepts. */
export interface ParseOptions {
  /** Most records per `batch` event. @defaultvalue 2500 */
  readonly batchSize?: number;
  /**
   * Longest record, in UTF-16 code units, the parser buffers while waiting for its end. A longer
   * one (typically an unclosed quote that would swallow the rest of the file) stops the parse with
   * RECORD_TOO_LONG, so memory stays bounded whatever the file holds. @defaultvalue 1048576
   */
  readonly maxRecordLength?: number;
}

/**
 * Streams records out of a file's bytes: an async generator that pulls the next source chunk only
 * when the caller asks for the next event, so backpressure reaches the source and at most one
 * batch plus one source chunk is held at a time.
 *
 * @example
 * for await (const event of parseCsv(body)) {
 *   if (event.type === 'header') built = createRowValidator('orders', event.header, { nowMs });
 *   else if (event.type === 'batch') for (const { fields, line } of event.batch.rows) built.validator.validate(fields, line);
 *   else summary = event.summary;
 * }
 */
export type RecordParser = (
  source: AsyncIterable<Uint8Array>,
  options?: ParseOptions,
) => AsyncGenerator<ParseEvent, void, undefined>;
