import type {
  ParsedRow,
  ParseOptions,
  ParseSummary,
  RecordParser,
  RowIssue,
  UnparsedRecord,
} from '../../src/index.js';

/** Everything one parse produced, flattened for assertions. */
export interface ParseOutcome {
  header: readonly string[] | undefined;
  headerLine: number | undefined;
  rows: ParsedRow[];
  issues: RowIssue[];
  /** The records behind `issues`, with their text. */
  unparsed: UnparsedRecord[];
  /** Records per batch event, in order. */
  batchSizes: number[];
  summary: ParseSummary | undefined;
  /** Event types in order, to check the header/batch/end sequence. */
  sequence: string[];
}

/** Bytes of `input` (UTF-8 when a string). */
export function bytesOf(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input;
}

/** An async source that yields `bytes` cut at the given offsets. */
export async function* splitSource(
  bytes: Uint8Array,
  cuts: readonly number[] = [],
): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > start) yield bytes.subarray(start, cut);
    start = Math.max(start, cut);
  }
}

/** An async source of `bytes` in chunks of `size` bytes. */
export function chunkedSource(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const cuts: number[] = [];
  for (let at = size; at < bytes.length; at += size) cuts.push(at);
  return splitSource(bytes, cuts);
}

/** Runs a parser to the end and gathers its events. */
export async function runParser(
  parser: RecordParser,
  source: AsyncIterable<Uint8Array>,
  options?: ParseOptions,
): Promise<ParseOutcome> {
  const outcome: ParseOutcome = {
    header: undefined,
    headerLine: undefined,
    rows: [],
    issues: [],
    unparsed: [],
    batchSizes: [],
    summary: undefined,
    sequence: [],
  };
  for await (const event of parser(source, options)) {
    outcome.sequence.push(event.type);
    if (event.type === 'header') {
      outcome.header = event.header;
      outcome.headerLine = event.line;
    } else if (event.type === 'batch') {
      outcome.rows.push(...event.batch.rows);
      outcome.issues.push(...event.batch.issues.map((record) => record.issue));
      outcome.unparsed.push(...event.batch.issues);
      outcome.batchSizes.push(event.batch.rows.length + event.batch.issues.length);
    } else outcome.summary = event.summary;
  }
  return outcome;
}

/** Parses a whole string or byte array delivered as one chunk. */
export function parseText(
  parser: RecordParser,
  input: string | Uint8Array,
  options?: ParseOptions,
): Promise<ParseOutcome> {
  return runParser(parser, splitSource(bytesOf(input)), options);
}

/** Rows as `[line, fields]` pairs, compact to compare. */
export function linesAndFields(rows: readonly ParsedRow[]): [number, string[]][] {
  return rows.map((row) => [row.line, row.fields]);
}
