import { countLineFeeds } from './parseSupport.js';

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits RFC 4180 text into records, one at a time, as text arrives.
 *
 * Built for the common case: a line without a double quote is cut at its commas with `indexOf`
 * and `slice`, and the positions of the next comma and quote are remembered, so every character
 * is scanned about once whatever the line or chunk lengths. A record with a quote takes a slower
 * path that handles `""`, commas and line breaks inside quotes.
 *
 * Rules: records end at LF or CRLF (a CR elsewhere, inside quotes or not, is data); an empty line
 * is skipped but counted; characters after a closing quote and before the next comma or line
 * break are kept as data (`"ab"c` reads `abc`), as is a quote inside an unquoted field. Fields are
 * returned as written, never trimmed.
 */
export class CsvTokenizer {
  /** Physical line of the next record, the first line of the input being 1. */
  line = 1;
  /** Physical line of the record `next` returned last (or of the unterminated one). */
  recordLine = 0;
  /**
   * Text of the record `next` returned last, without its line break, when it had a quote;
   * undefined for a line without one, whose text is its fields joined by commas.
   */
  recordRaw: string | undefined;
  /**
   * Raw text of a record whose quoted field is still open at the end of the input, once `next`
   * has reached it after `finish`; the record is not returned as fields.
   */
  unterminated: string | undefined;
  #text = '';
  #pos = 0;
  #final = false;
  /** Position of the next comma at or after `#pos`, `#text.length` when none; stale when below `#pos`. */
  #commaAt = -1;
  /** Position of the next quote at or after `#pos`, `#text.length` when none; stale when below `#pos`. */
  #quoteAt = -1;

  /** Characters received but not yet returned: the start of a record that has not ended yet. */
  get pendingLength(): number {
    return this.#text.length - this.#pos;
  }

  /** Appends decoded text; call `next` until it returns `undefined` before pushing more. */
  push(text: string): void {
    this.#text = this.#pos >= this.#text.length ? text : this.#text.slice(this.#pos) + text;
    this.#pos = 0;
    this.#commaAt = -1;
    this.#quoteAt = -1;
  }

  /** Marks the end of the input: the last record may end without a line break. */
  finish(): void {
    this.#final = true;
  }

  /**
   * The next record's fields, or `undefined` when the text received so far holds no complete
   * record (or, after `finish`, when the input is exhausted; check `unterminated` then).
   */
  next(): string[] | undefined {
    const text = this.#text;
    const length = text.length;
    for (;;) {
      const pos = this.#pos;
      if (pos >= length) return undefined;
      const lineFeed = text.indexOf('\n', pos);
      if (lineFeed === -1 && !this.#final) return undefined;
      const lineEnd = lineFeed === -1 ? length : lineFeed;
      let quoteAt = this.#quoteAt;
      if (quoteAt < pos) {
        quoteAt = text.indexOf('"', pos);
        if (quoteAt === -1) quoteAt = length;
        this.#quoteAt = quoteAt;
      }
      if (quoteAt < lineEnd) return this.#quotedRecord(pos);

      let end = lineEnd;
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
      this.#pos = lineEnd + 1;
      const line = this.line++;
      if (end === pos) continue; // an empty line: skipped, but counted above
      this.recordLine = line;
      this.recordRaw = undefined;
      return this.#splitPlainLine(text, pos, end);
    }
  }

  /** Fields of text[start, end), which holds no quote and no line break. */
  #splitPlainLine(text: string, start: number, end: number): string[] {
    const fields: string[] = [];
    let fieldStart = start;
    for (;;) {
      let commaAt = this.#commaAt;
      if (commaAt < fieldStart) {
        commaAt = text.indexOf(',', fieldStart);
        if (commaAt === -1) commaAt = text.length;
        this.#commaAt = commaAt;
      }
      if (commaAt >= end) {
        fields.push(text.slice(fieldStart, end));
        return fields;
      }
      fields.push(text.slice(fieldStart, commaAt));
      fieldStart = commaAt + 1;
    }
  }

  /** A record with at least one quote, from `start`; `undefined` when it has not ended yet. */
  #quotedRecord(start: number): string[] | undefined {
    const text = this.#text;
    const length = text.length;
    const final = this.#final;
    const fields: string[] = [];
    let lineFeeds = 0;
    let pos = start;
    let recordEnd = start;
    for (;;) {
      let value = '';
      let valueEnd = pos;
      if (pos < length && text.charCodeAt(pos) === QUOTE) {
        let chunkStart = pos + 1;
        for (;;) {
          const quoteAt = text.indexOf('"', chunkStart);
          if (quoteAt === -1) return final ? this.#unterminatedRecord(start) : undefined;
          if (quoteAt + 1 === length && !final) return undefined; // `"` or `""`: the next chunk decides
          if (text.charCodeAt(quoteAt + 1) === QUOTE) {
            value += text.slice(chunkStart, quoteAt + 1);
            chunkStart = quoteAt + 2;
            continue;
          }
          value += text.slice(chunkStart, quoteAt);
          pos = quoteAt + 1;
          break;
        }
        lineFeeds += countLineFeeds(value);
        valueEnd = pos;
      }
      // Up to the next comma or line break: an unquoted field, or stray text after a closing quote.
      while (valueEnd < length) {
        const code = text.charCodeAt(valueEnd);
        if (code === COMMA || code === LF) break;
        valueEnd++;
      }
      if (valueEnd === length && !final) return undefined;
      const endsRecord = valueEnd === length || text.charCodeAt(valueEnd) === LF;
      let dataEnd = valueEnd;
      if (endsRecord && dataEnd > pos && text.charCodeAt(dataEnd - 1) === CR) dataEnd--;
      if (dataEnd > pos) value += text.slice(pos, dataEnd);
      fields.push(value);
      pos = valueEnd + 1;
      if (endsRecord) {
        recordEnd = dataEnd;
        break;
      }
    }
    this.#pos = pos;
    this.recordRaw = text.slice(start, recordEnd);
    this.recordLine = this.line;
    this.line += 1 + lineFeeds;
    return fields;
  }

  /** Consumes the rest of the input as one unterminated record. */
  #unterminatedRecord(start: number): undefined {
    const rest = this.#text.slice(start);
    this.unterminated = rest;
    this.recordRaw = rest;
    this.recordLine = this.line;
    this.line += countLineFeeds(rest) + (rest.endsWith('\n') ? 0 : 1);
    this.#pos = this.#text.length;
    return undefined;
  }
}
