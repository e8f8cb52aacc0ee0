import { InvalidOptionError } from '../errors.js';
import type { FileIssue, RowIssue } from '../types.js';
import { issueValue } from '../validation/issueValue.js';
import type { ParseOptions } from './types.js';

/**
 * Records per batch unless configured. Smaller than the chunk a batch is written in
 * (`DEFAULT_CHUNK_ROWS`): a batch's rows are garbage once it is validated, and at this size most
 * die in V8's young generation; smaller batches made an items file wait for its reference
 * lookups more often (docs/design.md, "Silver").
 */
export const DEFAULT_BATCH_SIZE = 2_500;

/** Longest record buffered while waiting for its end unless configured: 1 Mi UTF-16 code units. */
export const DEFAULT_MAX_RECORD_LENGTH = 1_048_576;

/** {@link ParseOptions} with defaults applied and checked. */
export interface ResolvedParseOptions {
  readonly batchSize: number;
  readonly maxRecordLength: number;
}

/**
 * Applies the defaults and rejects nonsense before any byte is read.
 *
 * @throws InvalidOptionError when `batchSize` or `maxRecordLength` is not a positive safe integer
 */
export function resolveParseOptions(options: ParseOptions): ResolvedParseOptions {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
    throw new InvalidOptionError('batchSize', 'must be an integer >= 1');
  }
  if (!(Number.isSafeInteger(maxRecordLength) && maxRecordLength >= 1)) {
    throw new InvalidOptionError('maxRecordLength', 'must be an integer >= 1');
  }
  return { batchSize, maxRecordLength };
}

/** The global WHATWG `TextDecoder` (the `lib` setting has no DOM types, `@types/node` declares it). */
type Utf8Decoder = InstanceType<typeof TextDecoder>;

/**
 * Decodes one source chunk as UTF-8, keeping a multi-byte character split across chunks for the
 * next call; `undefined` when the bytes are not UTF-8. Without a chunk it flushes the decoder,
 * which fails on a character cut off by the end of the file.
 */
export function decodeUtf8(decoder: Utf8Decoder, chunk?: Uint8Array): string | undefined {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch {
    return undefined;
  }
}

/** A fatal UTF-8 decoder; it drops a leading byte order mark, so the first header name never carries one. */
export function createUtf8Decoder(): Utf8Decoder {
  return new TextDecoder('utf-8', { fatal: true });
}

/** The file issue of bytes that are not UTF-8. */
export const NOT_UTF8_ISSUE: FileIssue = {
  code: 'NOT_UTF8',
  message: 'the object is not valid UTF-8 text',
};

/** The file issue of a record longer than `maxRecordLength`, which stops the parse. */
export function recordTooLongIssue(line: number, maxRecordLength: number): FileIssue {
  return {
    code: 'RECORD_TOO_LONG',
    message: `the record starting on line ${line} is longer than ${maxRecordLength} characters`,
  };
}

/** The row issue of a quoted field still open at the end of the file; `raw` is the rest of the file. */
export function unterminatedQuoteIssue(line: number, raw: string): RowIssue {
  return {
    code: 'UNTERMINATED_QUOTE',
    line,
    column: undefined,
    value: issueValue(raw),
    rule: 'every quoted field is closed',
  };
}

/** Number of LF characters in `text`: the physical lines a quoted field adds to its record. */
export function countLineFeeds(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
