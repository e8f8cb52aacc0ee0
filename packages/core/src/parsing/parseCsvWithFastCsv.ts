import { type CsvParserStream, parse } from 'fast-csv';
import { contentIssue } from '../fileChecks.js';
import type { FileIssue } from '../types.js';
import {
  countLineFeeds,
  createUtf8Decoder,
  decodeUtf8,
  NOT_UTF8_ISSUE,
  resolveParseOptions,
  unterminatedQuoteIssue,
} from './parseSupport.js';
import { RecordCollector } from './RecordCollector.js';
import type { ParseEvent, ParseOptions } from './types.js';

/** fast-csv's message when the input ends inside a quoted field. */
const MISSING_CLOSING_QUOTE = /^Parse Error: missing closing: '"'/;

type RowStream = CsvParserStream<string[], string[]>;

/**
 * A CSV {@link RecordParser} on fast-csv (`headers: false`), with the same events as
 * {@link parseCsv}. Kept behind the interface for comparison: the benchmark in `bench/parsers.ts`
 * measures it against the hand-written tokenizer, which is the default.
 *
 * fast-csv reports neither line numbers nor the raw text, so they are derived: an empty line comes
 * out as `[]` (skipped, counted) and a record spans one line plus the LFs inside its fields. The
 * raw text of a record is rebuilt from its fields (quoted per RFC 4180 where a field needs it),
 * so the source's own quoting is lost, and an unterminated record has none.
 * Where it differs from {@link parseCsv}: a lone CR ends a record (so a CR-only file is read as
 * lines), a line of spaces counts as empty, text after a closing quote (`"ab"c`) stops the parse
 * with an OBJECT_UNREADABLE file issue, and `maxRecordLength` is not enforced (fast-csv re-scans
 * and buffers an unfinished record internally).
 *
 * @throws InvalidOptionError on a bad option, before reading; errors of the source pass through
 */
export async function* parseCsvWithFastCsv(
  source: AsyncIterable<Uint8Array>,
  options: ParseOptions = {},
): AsyncGenerator<ParseEvent, void, undefined> {
  const { batchSize } = resolveParseOptions(options);
  const collector = new RecordCollector(batchSize);
  const stream: RowStream = parse({ headers: false });
  const input = { bytes: 0, notUtf8: false, stopped: false };
  const pumping = pump(source, stream, input);
  let header: string[] | undefined;
  let line = 1;
  let fileIssue: FileIssue | undefined;
  try {
    for await (const fields of stream as AsyncIterable<string[]>) {
      if (fields.length === 0) {
        line++;
        continue;
      }
      const start = line;
      line += 1;
      for (const field of fields) line += countLineFeeds(field);
      if (header === undefined) {
        header = fields;
        yield { type: 'header', header, line: start };
        continue;
      }
      collector.addRow(fields, start, rebuiltRecord(fields));
      if (collector.full) yield collector.take();
    }
  } catch (error) {
    if (input.notUtf8) fileIssue = NOT_UTF8_ISSUE;
    else if (!(error instanceof Error && error.message.startsWith('Parse Error'))) throw error;
    else if (header !== undefined && MISSING_CLOSING_QUOTE.test(error.message)) {
      collector.addIssue(unterminatedQuoteIssue(line, error.message), '');
    } else fileIssue = { code: 'OBJECT_UNREADABLE', message: `CSV syntax error: ${error.message}` };
  } finally {
    input.stopped = true;
    stream.destroy();
    await pumping;
  }
  if (fileIssue === undefined) {
    if (collector.pending) yield collector.take();
    fileIssue = contentIssue(header !== undefined, collector.records);
  }
  yield {
    type: 'end',
    summary: { rows: collector.records, lines: line - 1, bytes: input.bytes, fileIssue, notices: [] },
  };
}

/** The record as RFC 4180 would write it, when that is not just the fields joined by commas. */
function rebuiltRecord(fields: readonly string[]): string | undefined {
  if (!fields.some((field) => /[",\r\n]/.test(field))) return undefined;
  return fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',');
}

/**
 * Feeds the decoded source into fast-csv, honouring its backpressure; ends it at the end of the
 * source, or destroys it with the reason when decoding or the source fails.
 */
async function pump(
  source: AsyncIterable<Uint8Array>,
  stream: RowStream,
  input: { bytes: number; notUtf8: boolean; stopped: boolean },
): Promise<void> {
  const decoder = createUtf8Decoder();
  try {
    for await (const chunk of source) {
      if (input.stopped) return;
      input.bytes += chunk.byteLength;
      const text = decodeUtf8(decoder, chunk);
      if (text === undefined) return fail(new Error('not UTF-8'));
      if (!stream.write(text)) await drained(stream);
    }
    const rest = decodeUtf8(decoder);
    if (rest === undefined) return fail(new Error('not UTF-8'));
    if (input.stopped) return;
    if (rest === '') stream.end();
    else stream.end(rest);
  } catch (error) {
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  function fail(reason: Error): void {
    input.notUtf8 = true;
    stream.destroy(reason);
  }
}

/** Resolves once the stream accepts writes again, or is closed. */
function drained(stream: RowStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
