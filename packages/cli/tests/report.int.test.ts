import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { FileStatus } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { assertCliBuilt, runCli } from './helpers.js';
import { createTestPipeline, startServices, type TestPipeline, waitForStatus } from './pipeline.js';

const HEADER = 'order_id,user_id,status,created_at,num_of_item';
// 21 rows, one with an unknown status on line 5 (the header is line 1): 1/21 = 4.76 %, within 5 %.
const MOSTLY_GOOD = [
  HEADER,
  ...Array.from({ length: 21 }, (_, index) =>
    index === 3
      ? `${index + 1},7,lost,2025-03-01T10:00:00Z,1`
      : `${index + 1},7,complete,2025-03-01T10:00:00Z,1`,
  ),
].join('\n');
const NO_ITEM_COUNT = ['order_id,user_id,status,created_at', '1,7,complete,2025-03-01T10:00:00Z'].join('\n');

describe('storeflow report', () => {
  let stack: EmbeddedStack;
  let pipeline: TestPipeline;
  let workDir: string;

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
    pipeline = await createTestPipeline(stack);
    // The validator alone: accepted files stay VALIDATED, which is all a report needs.
    await startServices(pipeline, ['validator']);
    workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-report-'));
  }, 150_000);

  afterAll(async () => {
    await pipeline?.close();
    await stack?.stop();
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  const cli = (...args: string[]) => runCli([...args, '--prefix', pipeline.prefix], workDir, pipeline.env);

  async function uploadAndWait(relative: string, text: string) {
    const file = path.join(workDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${text}\n`);
    const result = await cli('upload', file, '--json');
    expect({ code: result.code, error: result.code === 0 ? '' : result.stderr }).toEqual({
      code: 0,
      error: '',
    });
    const [uploaded] = JSON.parse(result.stdout) as { key: string; eTag: string }[];
    const key = { sourceKey: uploaded?.key ?? '', objectVersion: uploaded?.eTag ?? '' };
    return waitForStatus(pipeline.lineage, key, [FileStatus.VALIDATED, FileStatus.FAILED]);
  }

  it('prints an accepted file: verdict against the limit, counts, and the problem with its example', async () => {
    // Prepare
    const record = await uploadAndWait('orders/mostly-good.csv', MOSTLY_GOOD);

    // Act
    const text = await cli('report', 'raw/orders/mostly-good.csv');
    const json = await cli('report', 'raw/orders/mostly-good.csv', '--json');

    // Assess
    expect(text).toMatchObject({ code: 0, stderr: '' });
    const lines = text.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'file      raw/orders/mostly-good.csv',
        `version   ${record.objectVersion} (event ${record.eventTime})`,
        'dataset   orders',
        'status    VALIDATED',
        'verdict   ACCEPTED: 4.76% of rows rejected, within the limit of 5%',
        'rows      21 read, 20 accepted, 1 rejected',
        'Row problems by code, most frequent first:',
        '    line 5, column status, value "lost", rule: status is a known status',
      ]),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}STATUS_INVALID {2}1 row: /));
    expect(lines).toContain('Order dates (1): 2025-03-01');
    // --json is the stored document itself.
    const stored = await pipeline.clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.names.bucket, Key: record.reportKey }),
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse((await stored.Body?.transformToString()) ?? ''));
  });

  it('keeps a report per version: the newest by default, an earlier one on request, each with its own verdict', async () => {
    // Prepare: two versions of one key on one day, the first rejected, the second accepted.
    const first = await uploadAndWait('orders/no-count.csv', NO_ITEM_COUNT);
    const second = await uploadAndWait('orders/no-count.csv', MOSTLY_GOOD);

    // Act
    const latest = await cli('report', 'raw/orders/no-count.csv');
    const earlier = await cli('report', 'raw/orders/no-count.csv', '--version', first.objectVersion);
    const earlierJson = await cli(
      'report',
      'raw/orders/no-count.csv',
      '--version',
      first.objectVersion,
      '--json',
    );

    // Assess
    expect(first.reportKey).not.toBe(second.reportKey);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain(`version   ${second.objectVersion} `);
    expect(latest.stdout).toContain('verdict   ACCEPTED: 4.76% of rows rejected, within the limit of 5%');
    expect(latest.stdout).toContain(`rejected  ${second.rejectedRowsKey}\n`);
    expect(earlier.code).toBe(0);
    expect(earlier.stdout).toContain(`version   ${first.objectVersion} `);
    expect(earlier.stdout).toContain('verdict   REJECTED: a file-level problem');
    expect(earlier.stdout).toMatch(
      /\nFile problems \(the whole file is rejected\):\n {2}MISSING_REQUIRED_COLUMN: .*\(num_of_item\)\n/,
    );
    expect(earlier.stdout).not.toMatch(/^rejected /m);
    expect(JSON.parse(earlierJson.stdout)).toMatchObject({
      source: { objectVersion: first.objectVersion },
      verdict: 'REJECTED',
    });
  });

  it('refuses a report object that describes another version than the one lineage names it for', async () => {
    // Prepare: a version whose report object was overwritten with another version's document.
    const first = await uploadAndWait('orders/overwritten.csv', NO_ITEM_COUNT);
    const second = await uploadAndWait(
      'orders/overwritten.csv',
      `${NO_ITEM_COUNT}\n2,8,complete,2025-03-01T11:00:00Z`,
    );
    const secondReport = await pipeline.clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.names.bucket, Key: second.reportKey }),
    );
    await pipeline.clients.s3.send(
      new PutObjectCommand({
        Bucket: pipeline.names.bucket,
        Key: first.reportKey,
        Body: await secondReport.Body?.transformToString(),
      }),
    );

    // Act
    const replaced = await cli('report', 'raw/orders/overwritten.csv', '--version', first.objectVersion);

    // Assess
    expect(replaced.code).toBe(1);
    expect(replaced.stderr).toBe(
      `storeflow: ${first.reportKey} holds the report of version ${second.objectVersion}, not of ${first.objectVersion}, whose report was replaced (its counts remain in 'storeflow status --json')\n`,
    );
  });

  it('writes the quality report of every file as one page with --html, and prints its path', async () => {
    // Prepare: a file whose name is also markup, besides the files of the other tests
    const record = await uploadAndWait('orders/<i>tilted&.csv', MOSTLY_GOOD);
    const dir = path.join(workDir, 'quality');

    // Act
    const result = await cli('report', '--html', dir);

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: `${path.join(dir, 'index.html')}\n` });
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<code>raw/orders/&lt;i&gt;tilted&amp;.csv</code>');
    expect(html).not.toContain('<i>tilted');
    // The report named in s3:// text, the key's < > & escaped
    const reportName = `s3://${pipeline.names.bucket}/${record.reportKey}`;
    expect(html).toContain(reportName.replace('<i>tilted&', '&lt;i&gt;tilted&amp;'));
    // Completeness comes from the reports: 21 rows of orders with an order_id each, in each report read
    expect(html).toMatch(/<td><code>order_id<\/code><\/td><td class="num">[\d,]+<\/td>/);
  });

  it('refuses --html with a file key, --version or --json', async () => {
    // Act
    const withKey = await cli('report', 'raw/orders/mostly-good.csv', '--html', workDir);
    const withJson = await cli('report', '--html', workDir, '--json');

    // Assess
    expect(withKey).toMatchObject({
      code: 1,
      stderr: "storeflow: unexpected argument 'raw/orders/mostly-good.csv'; see --help\n",
    });
    expect(withJson).toMatchObject({
      code: 1,
      stderr: 'storeflow: --html reports on every file: it takes neither --version nor --json\n',
    });
  });

  it('says what to check when the key or version is unknown, or the key is not a raw key', async () => {
    // Act
    const unknownKey = await cli('report', 'raw/orders/never.csv');
    const unknownVersion = await cli('report', 'raw/orders/mostly-good.csv', '--version', 'ffff');
    const notRaw = await cli('report', 'orders/mostly-good.csv');

    // Assess
    expect(unknownKey).toMatchObject({
      code: 1,
      stderr:
        "storeflow: the pipeline has no record of raw/orders/never.csv: check the key and version with 'storeflow status'\n",
    });
    expect(unknownVersion).toMatchObject({
      code: 1,
      stderr:
        "storeflow: the pipeline has no record of raw/orders/mostly-good.csv version ffff: check the key and version with 'storeflow status'\n",
    });
    expect(notRaw).toMatchObject({
      code: 1,
      stderr:
        "storeflow: file keys start with raw/ ('storeflow status' lists them), got 'orders/mostly-good.csv'\n",
    });
  });
});
