import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import {
  type DatasetName,
  parseSilverPartKey,
  type SilverRecord,
  silverPartitionPrefix,
  silverPartKey,
  silverVersionPrefix,
} from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { MalformedSilverPartError, toWorkerError } from '../errors.js';

/** The silver of one object version of one source file. */
export interface SilverVersion {
  readonly dataset: DatasetName;
  /** The source key's stable short name (`sourceIdOf` in core). */
  readonly sourceId: string;
  readonly objectVersion: string;
}

/** One silver part found under a date. */
export interface SilverPart {
  readonly key: string;
  readonly sourceId: string;
  /** The object version as it appears in the key (`versionSegment` in core). */
  readonly versionSegment: string;
}

// DeleteObjects takes at most 1,000 keys a call.
const DELETE_BATCH_KEYS = 1000;

/**
 * Silver on S3 in the key layout of core's silverLayout (docs/design.md): the validator writes a
 * version's parts and deletes the ones no longer wanted, the transformer lists and reads a date's.
 * A partition is an order date for orders and items, `''` for products.
 */
export class SilverStore {
  readonly #clients: AwsClients;
  readonly #bucket: string;

  constructor(options: { clients: AwsClients; bucket: string }) {
    this.#clients = options.clients;
    this.#bucket = options.bucket;
  }

  /**
   * Writes one part, its JSON Lines bytes as core's `encodeSilverPart` or `SilverChunkParts` make
   * them; the same chunk of the same version always gets the same key.
   */
  async writePart(version: SilverVersion, partition: string, chunk: number, body: Uint8Array): Promise<void> {
    const key = silverPartKey(version.dataset, partition, version.sourceId, version.objectVersion, chunk);
    await callAws(this.#clients, 'S3', 'PutObject', () =>
      this.#clients.s3.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: body,
          ContentType: 'application/x-ndjson',
        }),
      ),
    );
  }

  /** Keys of every part of `version` under `partition`. */
  async versionParts(version: SilverVersion, partition: string): Promise<string[]> {
    return this.#list(
      silverVersionPrefix(version.dataset, partition, version.sourceId, version.objectVersion),
    );
  }

  /** Deletes every part of `version` under each of `partitions`; deleting what is gone is harmless. */
  async deleteVersion(version: SilverVersion, partitions: readonly string[]): Promise<void> {
    for (const partition of partitions) {
      const keys = await this.versionParts(version, partition);
      for (let start = 0; start < keys.length; start += DELETE_BATCH_KEYS) {
        const batch = keys.slice(start, start + DELETE_BATCH_KEYS);
        await callAws(this.#clients, 'S3', 'DeleteObjects', () =>
          this.#clients.s3.send(
            new DeleteObjectsCommand({
              Bucket: this.#bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          ),
        );
      }
    }
  }

  /** Every part of every source and version under one order date (orders or order_items). */
  async dateParts(dataset: DatasetName, orderDate: string): Promise<SilverPart[]> {
    const prefix = silverPartitionPrefix(dataset, orderDate);
    const parts: SilverPart[] = [];
    for (const key of await this.#list(prefix)) {
      const parsed = parseSilverPartKey(prefix, key);
      if (parsed !== undefined) parts.push({ key, ...parsed });
    }
    return parts;
  }

  /**
   * The rows of `keys`, in key order then line order, as they stream in: no part is ever held
   * whole, and no more than `concurrency` parts are open at once, the one being read and the next
   * ones requested ahead (each such response waits, unread, in its socket's buffers). Leaving
   * the iteration early closes them. A line that is not a JSON object fails with {@link MalformedSilverPartError}, a failed
   * download with the typed error of any S3 call.
   */
  async *readRows<R extends SilverRecord>(keys: readonly string[], concurrency: number): AsyncGenerator<R> {
    const ahead: Promise<Readable>[] = [];
    let requested = 0;
    const requestNext = () => {
      const key = keys[requested];
      if (key === undefined) return;
      requested += 1;
      const body = this.#open(key);
      // Awaited in turn below; until then a failure must not count as an unhandled rejection.
      body.catch(() => undefined);
      ahead.push(body);
    };
    try {
      while (requested < Math.min(concurrency, keys.length)) requestNext();
      for (const key of keys) {
        const body = await (ahead.shift() as Promise<Readable>);
        yield* this.#rowsOf<R>(key, body);
        requestNext();
      }
    } finally {
      // Parts requested ahead and never read (the reader stopped, or a part failed): close them.
      for (const body of ahead)
        body.then(
          (unread) => unread.destroy(),
          () => undefined,
        );
    }
  }

  async #open(key: string): Promise<Readable> {
    const response = await callAws(this.#clients, 'S3', 'GetObject', () =>
      this.#clients.s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key })),
    );
    return response.Body as Readable;
  }

  async *#rowsOf<R>(key: string, body: Readable): AsyncGenerator<R> {
    const decoder = new TextDecoder('utf-8');
    let partial = '';
    let line = 0;
    try {
      for await (const chunk of body) {
        const lines = (partial + decoder.decode(chunk as Uint8Array, { stream: true })).split('\n');
        partial = lines.pop() as string;
        for (const text of lines) {
          line += 1;
          if (text !== '') yield parseSilverLine<R>(key, line, text);
        }
      }
    } catch (error) {
      throw toWorkerError(error, {
        operation: 'GetObject',
        service: 'S3',
        endpoint: this.#clients.connection.endpoints.S3,
      });
    } finally {
      body.destroy();
    }
    const last = partial + decoder.decode();
    if (last !== '') yield parseSilverLine<R>(key, line + 1, last);
  }

  async #list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await callAws(this.#clients, 'S3', 'ListObjectsV2', () =>
        this.#clients.s3.send(
          new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken: token }),
        ),
      );
      for (const entry of page.Contents ?? []) if (entry.Key !== undefined) keys.push(entry.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }
}

function parseSilverLine<R>(partKey: string, line: number, text: string): R {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedSilverPartError(partKey, line, 'is not JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedSilverPartError(partKey, line, 'is not a JSON object');
  }
  return parsed as R;
}
