import { createJsonLinesParser, recordParserFor } from '../../src/index.js';
import { contractOf } from '../helpers/contracts.js';
import {
  bytesOf,
  chunkedSource,
  linesAndFields,
  parseText,
  runParser,
  splitSource,
} from '../helpers/parsing.js';

const parser = createJsonLinesParser(contractOf('products'));
const PRODUCT_COLUMNS = [
  'id',
  'sku',
  'cost',
  'category',
  'name',
  'brand',
  'retail_price',
  'department',
  'distribution_center_id',
];

describe('createJsonLinesParser', () => {
  it('turns objects into field arrays in the dataset column order, with physical lines', async () => {
    // Prepare: CRLF, a blank and a whitespace-only line, no final line break
    const input = '\r\n{"id":1,"name":"a","cost":2.5}\r\n   \n{"sku":"x","id":2}';
    // Act
    const outcome = await parseText(parser, input);
    // Assess
    expect(outcome.header).toEqual(PRODUCT_COLUMNS);
    expect(outcome.headerLine).toBe(2);
    expect(linesAndFields(outcome.rows)).toEqual([
      [2, ['1', '', '2.5', '', 'a', '', '', '', '']],
      [4, ['2', 'x', '', '', '', '', '', '', '']],
    ]);
    expect(outcome.summary).toMatchObject({ rows: 2, lines: 4, fileIssue: undefined, notices: [] });
  });

  it('reports a malformed line and a line that is not an object as row issues and goes on', async () => {
    // Prepare
    const input = '{"id":1}\n{"id":\n[1,2]\n{"id":4}\n';
    // Act
    const outcome = await parseText(parser, input);
    // Assess
    expect(outcome.rows.map((row) => row.line)).toEqual([1, 4]);
    expect(outcome.issues.map((issue) => [issue.code, issue.line, issue.value])).toEqual([
      ['JSON_LINE_MALFORMED', 2, '{"id":'],
      ['JSON_LINE_NOT_OBJECT', 3, '[1,2]'],
    ]);
    expect(outcome.unparsed.map((record) => record.raw)).toEqual(['{"id":', '[1,2]']);
    expect(outcome.summary?.rows).toBe(4);
  });

  it('keeps each line as written as the raw text of its record, without the line break', async () => {
    // Prepare: spacing, key order, number forms and an unknown key the fields do not keep
    const lines = ['{ "cost": 43.40, "id": 1 ,"colour":"red"}', '{"id":2,"name":"a\\nb"}'];
    const input = `${lines[0]}\r\n\n${lines[1]}`;
    // Act
    const outcome = await parseText(parser, input);
    // Assess
    expect(outcome.rows.map((row) => row.raw)).toEqual(lines);
    expect(outcome.rows.map((row) => row.line)).toEqual([1, 3]);
  });

  it('keeps the keys the dataset does not define with their record, listed in one EXTRA_COLUMNS notice', async () => {
    // Prepare
    const input = '{"id":1,"colour":"red"}\n{"id":2,"size":3,"colour":"blue"}\n{"id":3}\n';
    // Act
    const outcome = await parseText(parser, input);
    // Assess
    expect(outcome.rows.map((row) => row.extra)).toEqual([
      { colour: 'red' },
      { size: '3', colour: 'blue' },
      undefined,
    ]);
    expect(outcome.rows[2]).not.toHaveProperty('extra');
    expect(outcome.summary?.notices).toEqual([
      { code: 'EXTRA_COLUMNS', message: 'keys kept under extra: colour, size', columns: ['colour', 'size'] },
    ]);
  });

  it('rejects a file of blank lines as EMPTY_FILE, without a header', async () => {
    // Prepare
    const input = '\n \r\n';
    // Act
    const outcome = await parseText(parser, input);
    // Assess
    expect(outcome.sequence).toEqual(['end']);
    expect(outcome.summary?.fileIssue?.code).toBe('EMPTY_FILE');
  });

  it('rejects invalid UTF-8 as NOT_UTF8', async () => {
    // Prepare
    const bytes = new Uint8Array([...bytesOf('{"id":1}\n{"name":"'), 0xc3, 0x28, ...bytesOf('"}\n')]);
    // Act
    const outcome = await parseText(parser, bytes);
    // Assess
    expect(outcome.summary?.fileIssue?.code).toBe('NOT_UTF8');
  });

  it('reads the same records whatever byte offset the input is cut at', async () => {
    // Prepare
    const bytes = bytesOf('{"id":1,"name":"é€😀"}\r\n\n{"id":\n{"id":3,"name":"a\\nb"}');
    const whole = await runParser(parser, splitSource(bytes));
    // Act
    const cut = [];
    for (let at = 1; at < bytes.length; at++) cut.push(await runParser(parser, splitSource(bytes, [at])));
    const byteByByte = await runParser(parser, chunkedSource(bytes, 1));
    // Assess
    expect(whole.rows.map((row) => [row.line, row.fields[4]])).toEqual([
      [1, 'é€😀'],
      [4, 'a\nb'],
    ]);
    for (const outcome of [...cut, byteByByte]) expect(outcome).toEqual(whole);
  });

  it('stops with RECORD_TOO_LONG on a line longer than maxRecordLength', async () => {
    // Prepare
    const input = `{"id":1}\n{"name":"${'x'.repeat(100)}`;
    // Act
    const outcome = await runParser(parser, chunkedSource(bytesOf(input), 16), { maxRecordLength: 50 });
    // Assess
    expect(outcome.summary?.fileIssue?.code).toBe('RECORD_TOO_LONG');
  });

  it('is what recordParserFor returns for a JSON Lines plan', async () => {
    // Prepare
    const parse = recordParserFor({ contract: contractOf('orders'), format: 'jsonl' });
    // Act
    const outcome = await parseText(parse, '{"order_id":7}\n');
    // Assess
    expect(outcome.header?.[0]).toBe('order_id');
    expect(outcome.rows[0]?.fields[0]).toBe('7');
  });
});
