import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Upload } from '@aws-sdk/lib-storage';
import { type AwsClients, callAws, type SilverStore, type SilverVersion } from '@storeflow/aws';
import type { AcceptedBatch, FileValidationSink, RejectedRow } from '@storeflow/core';
import pLimit from 'p-limit';
import type { AcceptedReferences } from './acceptedReferences.js';

// Multipart parts of 8 MiB: under the embedded stack's 11 MiB body limit, above S3's 5 MiB minimum.
const PART_SIZE_BYTES = 8 * 1024 * 1024;

/**
 * Writes a file's validation output to S3 as it streams: one silver part per (chunk, order date)
 * and one rejected-rows object, streamed through a multipart upload so memory stays bounded.
 * The accepted rows' reference fields go to `references`, to be recorded after the commit.
 */
export class S3ValidationSink implements FileValidationSink {
  readonly #clients: AwsClients;
  readonly #bucket: string;
  readonly #silver: SilverStore;
  readonly #version: SilverVersion;
  readonly #rejectedRowsKey: string;
  readonly #references: AcceptedReferences;
  readonly #limit = pLimit(8);
  readonly #partitions = new Set<string>();
  #rejected: { stream: PassThrough; upload: Promise<unknown>; abort: () => Promise<void> } | undefined;

  constructor(options: {
    clients: AwsClients;
    bucket: string;
    silver: SilverStore;
    version: SilverVersion;
    rejectedRowsKey: string;
    references: AcceptedReferences;
  }) {
    this.#clients = options.clients;
    this.#bucket = options.bucket;
    this.#silver = options.silver;
    this.#version = options.version;
    this.#rejectedRowsKey = options.rejectedRowsKey;
    this.#references = options.references;
  }

  /** Partitions (order dates, or `''` for products) this sink wrote parts to. */
  get partitions(): ReadonlySet<string> {
    return this.#partitions;
  }

  async writeAccepted(batch: AcceptedBatch): Promise<void> {
    await Promise.all(
      [...batch.partitions].map(([partition, records]) =>
        this.#limit(async () => {
          await this.#silver.writePart(this.#version, partition, batch.chunk, records);
          this.#partitions.add(partition);
        }),
      ),
    );
    await this.#references.add(batch);
  }

  async writeRejected(rows: readonly RejectedRow[]): Promise<void> {
    const target = this.#rejectedStream();
    for (const row of rows) {
      const line = JSON.stringify({
        line: row.line,
        raw: row.raw,
        issues: row.issues.map(({ code, column, value, rule }) => ({ code, column, value, rule })),
      });
      // Respect the upload's backpressure: wait while its buffer is full.
      if (!target.stream.write(`${line}\n`)) await once(target.stream, 'drain');
    }
  }

  /** Completes the rejected-rows upload, if any row was rejected. */
  async finish(): Promise<void> {
    if (this.#rejected === undefined) return;
    this.#rejected.stream.end();
    await this.#rejected.upload;
  }

  /** Abandons the rejected-rows upload (the file was deferred or failed midway). */
  async abort(): Promise<void> {
    if (this.#rejected === undefined) return;
    await this.#rejected.abort();
  }

  #rejectedStream() {
    if (this.#rejected !== undefined) return this.#rejected;
    const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({
      client: this.#clients.s3,
      params: {
        Bucket: this.#bucket,
        Key: this.#rejectedRowsKey,
        Body: stream,
        ContentType: 'application/x-ndjson',
      },
      partSize: PART_SIZE_BYTES,
      queueSize: 2,
    });
    const done = callAws(this.#clients, 'S3', 'Upload', () => upload.done());
    // The promise is awaited in finish(); this keeps an early failure from being unhandled.
    done.catch(() => undefined);
    this.#rejected = {
      stream,
      upload: done,
      abort: async () => {
        stream.destroy();
        await upload.abort().catch(() => undefined);
      },
    };
    return this.#rejected;
  }
}
