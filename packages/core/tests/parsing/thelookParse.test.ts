import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE_DATA_DIR } from '@storeflow/testing';
import { createRowValidator, recordParserFor } from '../../src/index.js';
import { contractOf } from '../helpers/contracts.js';
import { NOW_MS } from '../helpers/factories.js';
import { chunkedSource, runParser } from '../helpers/parsing.js';

const FILE = path.join(SAMPLE_DATA_DIR, 'order_items', 'order_items_part1.csv');

describe('the default CSV parser on a thelook sample file', () => {
  it('reads order_items_part1.csv as 1,500 rows on lines 2 to 1501 that all validate', async () => {
    // Prepare: 64 KiB chunks, as the validator reads S3
    const parse = recordParserFor({ contract: contractOf('order_items'), format: 'csv' });
    const bytes = readFileSync(FILE);
    // Act
    const outcome = await runParser(parse, chunkedSource(bytes, 65_536));
    // Assess
    expect(outcome.rows).toHaveLength(1_500);
    expect(outcome.rows.map((row) => row.line)).toEqual(Array.from({ length: 1_500 }, (_, i) => i + 2));
    expect(outcome.summary).toMatchObject({
      rows: 1_500,
      lines: 1_501,
      bytes: bytes.length,
      fileIssue: undefined,
    });
    const built = createRowValidator(contractOf('order_items'), outcome.header ?? [], { nowMs: NOW_MS });
    if (!built.ok) throw new Error(JSON.stringify(built.fileIssues));
    const issues = outcome.rows.flatMap(({ fields, line }) => {
      const result = built.validator.validate(fields, line);
      return result.ok ? [] : result.issues;
    });
    expect(issues).toEqual([]);
  });
});
