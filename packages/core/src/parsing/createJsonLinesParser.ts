import type { DatasetContract } from '../contracts/types.js';
import { contentIssue } from '../fileChecks.js';
import type { FileIssue } from '../types.js';
import { JsonLineDecoder } from '../validation/JsonLineDecoder.js';
import {
  createUtf8Decoder,
  decodeUtf8,
  NOT_UTF8_ISSUE,
  recordTooLongIssue,
  resolveParseOptions,
} from './parseSupport.js';
import { RecordCollector } from './RecordCollector.js';
import type { ParseEvent, ParseOptions, RecordParser } from './types.js';

/**
 * Builds the JSON Lines {@link RecordParser} of a dataset: one JSON object per line (LF or CRLF),
 * turned by {@link JsonLineDecoder} into field arrays in the dataset's column order, so the rows
 * look exactly like CSV rows to the validator.
 *
 * - The `header` event carries the dataset's columns and the line of the first record; it comes
 *   only once a non-blank line has been seen.
 * - Blank lines (empty or whitespace only) are skipped but counted.
 * - A line that is not JSON, or not an object, is a row issue (JSON_LINE_MALFORMED,
 *   JSON_LINE_NOT_OBJECT); keys the dataset does not define are kept with their record
 *   (`ParsedRow.extra`, so in silver's `extra` once accepted) and listed in one EXTRA_COLUMNS notice.
 * - File issues: EMPTY_FILE (no non-blank line), NOT_UTF8, RECORD_TOO_LONG.
 *
 * @throws InvalidOptionError on a bad option, before reading; errors of the source pass through
 * @example
 * const parse = createJsonLinesParser('orders');
 * for await (const event of parse(body)) handle(event);
 */
export function createJsonLinesParser(contract: DatasetContract): RecordParser {
  return async function* parseJsonLines(
    source: AsyncIterable<Uint8Array>,
    options: ParseOptions = {},
  ): AsyncGenerator<ParseEvent, void, undefined> {
    const { batchSize, maxRecordLength } = resolveParseOptions(options);
    const decoder = new JsonLineDecoder(contract);
    const utf8 = createUtf8Decoder();
    const collector = new RecordCollector(batchSize);
    let headerSent = false;
    let pending = '';
    let line = 1;
    let bytes = 0;
    let fileIssue: FileIssue | undefined;

    // Hands over the complete lines of `pending + text` (all of it when `final`), a batch whenever one is full.
    function* drain(text: string, final: boolean): Generator<ParseEvent, void, undefined> {
      const buffer = pending === '' ? text : pending + text;
      let pos = 0;
      for (;;) {
        const lineFeed = buffer.indexOf('\n', pos);
        if (lineFeed === -1 && !(final && pos < buffer.length)) break;
        const lineEnd = lineFeed === -1 ? buffer.length : lineFeed;
        const end = lineEnd > pos && buffer.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd;
        const record = buffer.slice(pos, end);
        const at = line++;
        pos = lineEnd + 1;
        if (record.trim() === '') continue;
        if (!headerSent) {
          headerSent = true;
          yield { type: 'header', header: decoder.header, line: at };
        }
        const decoded = decoder.decode(record, at);
        if (decoded.ok) collector.addRow(decoded.fields, at, record, decoded.extra);
        else collector.addIssue(decoded.issue, record);
        if (collector.full) yield collector.take();
      }
      pending = pos >= buffer.length ? '' : buffer.slice(pos);
    }

    for await (const chunk of source) {
      bytes += chunk.byteLength;
      const text = decodeUtf8(utf8, chunk);
      if (text === undefined) {
        fileIssue = NOT_UTF8_ISSUE;
        break;
      }
      yield* drain(text, false);
      if (pending.length > maxRecordLength) {
        fileIssue = recordTooLongIssue(line, maxRecordLength);
        break;
      }
    }
    if (fileIssue === undefined) {
      const rest = decodeUtf8(utf8);
      if (rest === undefined) fileIssue = NOT_UTF8_ISSUE;
      else {
        yield* drain(rest, true);
        if (collector.pending) yield collector.take();
        fileIssue = contentIssue(false, collector.records);
      }
    }
    const extra = decoder.extraColumns;
    const notices: FileIssue[] =
      extra.length === 0
        ? []
        : [{ code: 'EXTRA_COLUMNS', message: `keys kept under extra: ${extra.join(', ')}`, columns: extra }];
    yield { type: 'end', summary: { rows: collector.records, lines: line - 1, bytes, fileIssue, notices } };
  };
}
