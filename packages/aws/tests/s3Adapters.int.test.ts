import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { encodeSilverPart, type SilverOrder } from '@storeflow/core';
import {
  JsonLinesUpload,
  MalformedSilverPartError,
  ObjectUnreadableError,
  RawObjectSource,
  SilverStore,
  type SilverVersion,
} from '../src/index.js';
import { bucketPerTestFile } from './helpers/stackBucket.js';

const s3 = bucketPerTestFile('s3');

async function text(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts).toString('utf-8');
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

/** One fresh source's versions of orders, by object version. */
function ordersVersion(
  objectVersion: string,
  sourceId = `orders-${randomUUID().slice(0, 8)}`,
): SilverVersion {
  return { dataset: 'orders', sourceId, objectVersion };
}

function order(orderId: number): SilverOrder {
  return {
    order_id: orderId,
    user_id: 7,
    status: 'complete',
    created_at_ms: Date.UTC(2025, 3, 1),
    num_of_item: 1,
    order_date: '2025-04-01',
    _version: '2025-04-01T00:00:00.000Z#raw/orders/o.csv',
  };
}

describe('SilverStore on the embedded stack', () => {
  it('lists and reads a date by source version, and deletes one version without touching another', async () => {
    // Prepare: two versions of one source, and a part on another date
    const { clients, bucket } = s3();
    const store = new SilverStore({ clients, bucket });
    const v1 = ordersVersion('etag-1');
    const v2 = ordersVersion('etag-2', v1.sourceId);
    await store.writePart(v1, '2025-04-01', 0, encodeSilverPart([order(1), order(2)]));
    await store.writePart(v1, '2025-04-01', 1, encodeSilverPart([order(3)]));
    await store.writePart(v1, '2025-04-02', 0, encodeSilverPart([order(4)]));
    await store.writePart(v2, '2025-04-01', 0, encodeSilverPart([order(5)]));

    // Act
    const before = (await store.dateParts('orders', '2025-04-01')).filter(
      (part) => part.sourceId === v1.sourceId,
    );
    const v1Rows = await collect(store.readRows<SilverOrder>(await store.versionParts(v1, '2025-04-01'), 2));
    await store.deleteVersion(v1, ['2025-04-01', '2025-04-02']);
    const after = (await store.dateParts('orders', '2025-04-01')).filter(
      (part) => part.sourceId === v1.sourceId,
    );

    // Assess
    expect(before.map((part) => part.versionSegment).sort()).toEqual(['etag-1', 'etag-1', 'etag-2']);
    expect(v1Rows.map((row) => row.order_id)).toEqual([1, 2, 3]);
    expect(after.map((part) => part.versionSegment)).toEqual(['etag-2']);
    expect(await store.versionParts(v1, '2025-04-02')).toEqual([]);
  });

  it('fails a part whose line is not a JSON object as SILVER_PART_MALFORMED, naming part and line', async () => {
    // Prepare
    const { clients, bucket, put } = s3();
    const store = new SilverStore({ clients, bucket });
    const version = ordersVersion('etag-1');
    await store.writePart(version, '2025-04-03', 0, encodeSilverPart([order(1)]));
    const [key] = await store.versionParts(version, '2025-04-03');
    await put(key as string, `${JSON.stringify(order(1))}\n[1,2]\n`);

    // Act
    const reading = collect(store.readRows([key as string], 1));

    // Assess
    await expect(reading).rejects.toBeInstanceOf(MalformedSilverPartError);
    await expect(reading).rejects.toMatchObject({ code: 'SILVER_PART_MALFORMED', partKey: key, line: 2 });
  });

  it('streams rows whose UTF-8 characters and lines straddle the chunks of a large part', async () => {
    // Prepare: a part of about 4 MB, many chunks, whose every row carries a two-byte character, and no final newline
    const { clients, bucket, put } = s3();
    const store = new SilverStore({ clients, bucket });
    const version = ordersVersion('etag-1');
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ ...order(i), gender: 'é'.repeat(90) }));
    await store.writePart(version, '2025-04-04', 0, encodeSilverPart([]));
    const [key] = await store.versionParts(version, '2025-04-04');
    await put(key as string, rows.map((row) => JSON.stringify(row)).join('\n'));

    // Act
    const read = await collect(store.readRows<SilverOrder>([key as string], 1));

    // Assess
    expect(read).toEqual(rows);
  });

  it('requests no more parts ahead than its concurrency, and none once the reader stops', async () => {
    // Prepare: five parts of one row each, and a count of the GetObject requests sent
    const { clients, bucket } = s3();
    const store = new SilverStore({ clients, bucket });
    const version = ordersVersion('etag-1');
    for (let chunk = 0; chunk < 5; chunk++)
      await store.writePart(version, '2025-04-05', chunk, encodeSilverPart([order(chunk)]));
    const keys = await store.versionParts(version, '2025-04-05');
    let gets = 0;
    const counter = 'count-silver-gets';
    clients.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') gets += 1;
        return next(args);
      },
      { step: 'initialize', name: counter },
    );

    try {
      // Act: read the first row only
      const rows = store.readRows<SilverOrder>(keys, 2);
      const first = await rows.next();
      const requestedWhileReading = gets;
      await rows.return(undefined);

      // Assess
      expect(first.value?.order_id).toBe(0);
      expect(requestedWhileReading).toBe(2);
      expect(gets).toBe(2);
    } finally {
      clients.s3.middlewareStack.remove(counter);
    }
  });
});

describe('RawObjectSource on the embedded stack', () => {
  it('answers HEAD of a missing object with undefined', async () => {
    const { clients, bucket } = s3();
    // Act
    const head = await new RawObjectSource({ clients }).head({
      bucket,
      key: `raw/orders/${randomUUID()}.csv`,
    });

    // Assess
    expect(head).toBeUndefined();
  });

  it('reads a gzip object decompressed, and a plain one as stored', async () => {
    // Prepare
    const { clients, bucket, put } = s3();
    const source = new RawObjectSource({ clients });
    const content = 'order_id,user_id\n1,7\n';
    const gzipKey = `raw/orders/${randomUUID()}.csv.gz`;
    const plainKey = `raw/orders/${randomUUID()}.csv`;
    const gzipETag = await put(gzipKey, gzipSync(content));
    const plainETag = await put(plainKey, content);

    // Act
    const head = await source.head({ bucket, key: gzipKey });
    const gunzipped = await text(
      await source.open({ bucket, key: gzipKey, eTag: gzipETag, gzip: true }, new AbortController().signal),
    );
    const plain = await text(
      await source.open(
        { bucket, key: plainKey, eTag: plainETag, gzip: false },
        new AbortController().signal,
      ),
    );

    // Assess
    expect(head).toMatchObject({ eTag: gzipETag, sizeBytes: gzipSync(content).length });
    expect(gunzipped).toBe(content);
    expect(plain).toBe(content);
  });

  it('fails a corrupt gzip stream as OBJECT_UNREADABLE, a permanent error', async () => {
    // Prepare
    const { clients, bucket, put } = s3();
    const source = new RawObjectSource({ clients });
    const key = `raw/orders/${randomUUID()}.csv.gz`;
    const eTag = await put(key, 'not gzip at all');

    // Act
    const reading = text(await source.open({ bucket, key, eTag, gzip: true }, new AbortController().signal));

    // Assess
    await expect(reading).rejects.toBeInstanceOf(ObjectUnreadableError);
    await expect(reading).rejects.toMatchObject({ code: 'OBJECT_UNREADABLE', retryable: false });
  });

  it('does not read a newer upload in place of the version asked for', async () => {
    // Prepare
    const { clients, bucket, put } = s3();
    const source = new RawObjectSource({ clients });
    const key = `raw/orders/${randomUUID()}.csv`;
    const firstETag = await put(key, 'order_id\n1\n');
    await put(key, 'order_id\n2\n');

    // Act
    const opening = source.open({ bucket, key, eTag: firstETag, gzip: false }, new AbortController().signal);

    // Assess
    await expect(opening).rejects.toMatchObject({ code: 'AWS_CALL_FAILED' });
  });
});

describe('JsonLinesUpload on the embedded stack', () => {
  async function read(key: string): Promise<string | undefined> {
    const { clients, bucket } = s3();
    try {
      const response = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await response.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  it('writes one JSON line per value, and no object at all when no value was written', async () => {
    // Prepare
    const { clients, bucket } = s3();
    const written = `rejected/${randomUUID()}.jsonl`;
    const untouched = `rejected/${randomUUID()}.jsonl`;
    const upload = new JsonLinesUpload(clients, { bucket, key: written });
    const empty = new JsonLinesUpload(clients, { bucket, key: untouched });

    // Act
    await upload.write({ line: 2 });
    await upload.write({ line: 5 });
    await upload.finish();
    await empty.finish();

    // Assess
    expect(await read(written)).toBe('{"line":2}\n{"line":5}\n');
    await expect(
      clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: untouched })),
    ).rejects.toThrow();
  });

  it('with writeEmpty, replaces what an earlier writer left by an empty object when no value was written', async () => {
    // Prepare: an earlier attempt's lines
    const { clients, bucket, put } = s3();
    const key = `rejected/${randomUUID()}.jsonl`;
    await put(key, '{"line":9}\n');
    const rerun = new JsonLinesUpload(clients, { bucket, key });

    // Act
    await rerun.finish({ writeEmpty: true });

    // Assess
    expect(await read(key)).toBe('');
  });
});
