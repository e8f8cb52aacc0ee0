import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { assertCliBuilt, runCli } from './helpers.js';
import { createTestPipeline, type TestPipeline } from './pipeline.js';

describe('storeflow upload', () => {
  let stack: EmbeddedStack;
  let pipeline: TestPipeline;
  let workDir: string;

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
    pipeline = await createTestPipeline(stack);
    workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-upload-'));
  }, 150_000);

  afterAll(async () => {
    await pipeline?.close();
    await stack?.stop();
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  const cli = (...args: string[]) => runCli([...args, '--prefix', pipeline.prefix], workDir, pipeline.env);

  async function write(relative: string, content: string | Buffer): Promise<string> {
    const file = path.join(workDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  }

  async function objectBytes(key: string): Promise<Buffer> {
    const response = await pipeline.clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.names.bucket, Key: key }),
    );
    return Buffer.from((await response.Body?.transformToByteArray()) ?? []);
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const page = await pipeline.clients.s3.send(
      new ListObjectsV2Command({ Bucket: pipeline.names.bucket, Prefix: prefix }),
    );
    return (page.Contents ?? []).map((entry) => entry.Key ?? '');
  }

  it('uploads a directory tree to raw/<dataset>/…, products first, then orders, then items', async () => {
    // Prepare
    const items = gzipSync('{"id":1}\n');
    await write('tree/exports/order-items/a.jsonl.gz', items);
    await write('tree/exports/orders/2025/part-10.csv', 'order_id\n10\n');
    await write('tree/exports/orders/2025/part-2.csv', 'order_id\n2\n');
    await write('tree/exports/products.csv', 'id\n1\n');
    await write('tree/exports/README.txt', 'not data');

    // Act
    const result = await cli('upload', path.join(workDir, 'tree/exports'));

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'raw/products/products.csv',
        'raw/orders/2025/part-2.csv',
        'raw/orders/2025/part-10.csv',
        'raw/order_items/a.jsonl.gz',
        '',
      ].join('\n'),
    );
    expect(await objectBytes('raw/order_items/a.jsonl.gz')).toEqual(items);
    expect((await objectBytes('raw/orders/2025/part-2.csv')).toString()).toBe('order_id\n2\n');
    expect(result.stderr).toContain('raw/products/products.csv: 5/5 bytes (100%)');
  });

  it('puts files under --dataset, and routes a named file by its folder or its name', async () => {
    // Prepare
    const content = 'order_id\n1\n';
    const anyName = await write('named/extract-1.csv', content);
    const inFolder = await write('named/order_items/day1.csv', 'id\n1\n');
    const byName = await write('named/Products_2025.csv', 'id\n1\n');

    // Act
    const forced = await cli('upload', anyName, '--dataset', 'order-items', '--json');
    const routed = await cli('upload', inFolder, byName, '--json');

    // Assess
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual([
      {
        file: anyName,
        key: 'raw/order_items/extract-1.csv',
        dataset: 'order_items',
        bytes: Buffer.byteLength(content),
        // A single-part upload's ETag is the MD5 of its bytes.
        eTag: createHash('md5').update(content).digest('hex'),
      },
    ]);
    expect(routed.code).toBe(0);
    expect(JSON.parse(routed.stdout).map((upload: { key: string }) => upload.key)).toEqual([
      'raw/products/Products_2025.csv',
      'raw/order_items/day1.csv',
    ]);
  });

  it('uploads a file larger than one request body in multipart parts, byte for byte', async () => {
    // Prepare: 20 MiB and a bit, so three 8 MiB parts; the embedded S3 refuses bodies over 11 MiB.
    const row = '1000001,42,complete,2025-03-01T10:00:00Z,1\n';
    const rows = Math.ceil((20 * 1024 * 1024 + 1) / row.length);
    const file = await write(
      'big/orders/big.csv',
      `order_id,user_id,status,created_at,num_of_item\n${row.repeat(rows)}`,
    );
    const expected = await readFile(file);

    // Act
    const result = await cli('upload', file, '--json');

    // Assess
    expect(result.code).toBe(0);
    const [upload] = JSON.parse(result.stdout) as { key: string; bytes: number; eTag: string }[];
    expect(upload?.key).toBe('raw/orders/big.csv');
    expect(upload?.bytes).toBe(expected.length);
    expect(upload?.eTag).toMatch(/-3$/);
    const stored = await objectBytes('raw/orders/big.csv');
    expect(createHash('sha256').update(stored).digest('hex')).toBe(
      createHash('sha256').update(expected).digest('hex'),
    );
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('raw/orders/big.csv: '));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress[progress.length - 1]).toBe(
      `raw/orders/big.csv: ${expected.length}/${expected.length} bytes (100%)`,
    );
  }, 60_000);

  it('uploads nothing when one file routes nowhere, and says what to do', async () => {
    // Prepare
    await write('mixed/orders/good.csv', 'order_id\n1\n');
    await write('mixed/misc/extract.csv', 'x\n1\n');

    // Act
    const result = await cli('upload', path.join(workDir, 'mixed'));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `storeflow: cannot tell the dataset of ${path.join(workDir, 'mixed/misc/extract.csv')}: put files under a products/, orders/ or order_items/ folder, name them after their dataset, or pass --dataset; nothing was uploaded\n`,
    );
    expect(await keysUnder('raw/orders/good.csv')).toEqual([]);
  });

  it('explains a missing path and a bad --dataset in one line', async () => {
    const missing = await cli('upload', path.join(workDir, 'nowhere'));
    const badDataset = await cli('upload', path.join(workDir, 'mixed'), '--dataset', 'customers');

    expect(missing).toMatchObject({
      code: 1,
      stderr: `storeflow: no such file or directory: ${path.join(workDir, 'nowhere')}\n`,
    });
    expect(badDataset).toMatchObject({
      code: 1,
      stderr:
        "storeflow: --dataset must name a dataset of the contracts in use (products, orders, order_items), got 'customers'\n",
    });
  });
});
