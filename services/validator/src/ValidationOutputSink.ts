import { type AwsClients, JsonLinesUpload, type SilverStore, type SilverVersion } from '@storeflow/aws';
import {
  type AcceptedBatch,
  type FileValidationSink,
  type RejectedRow,
  SilverChunkParts,
} from '@storeflow/core';
import pLimit from 'p-limit';
import type { AcceptedReferences } from './acceptedReferences.js';
/**
 * Writes a file's validation output to S3 as it streams: one silver part per (chunk, order date),
 * its batches' records encoded as they come and written once the chunk ends, and one rejected-rows
 * object, streamed through a multipart upload so memory stays bounded. The accepted rows'
 * reference fields go to `references`, to be recorded after the commit.
 */
export class ValidationOutputSink implements FileValidationSink {
  readonly #silver: SilverStore;
  readonly #version: SilverVersion;
  readonly #rejected: JsonLinesUpload;
  readonly #references: AcceptedReferences;
  readonly #limit = pLimit(8);
  readonly #partitions = new Set<string>();
  readonly #replacesEarlierAttempt: boolean;
  readonly #chunkParts = new SilverChunkParts();
  readonly #timeChunk: () => () => void;
  #stopChunkTimer: () => void;

  constructor(options: {
    clients: AwsClients;
    bucket: string;
    silver: SilverStore;
    version: SilverVersion;
    rejectedRowsKey: string;
    references: AcceptedReferences;
    /**
     * True when an earlier attempt at this object version may have written its rejected rows:
     * then `finish` empties the object even when this attempt rejects no row, so none of that
     * attempt's rows are read as this one's.
     */
    replacesEarlierAttempt: boolean;
    /** Starts timing a chunk, from the end of the one before (or from here) until its parts are written. */
    timeChunk: () => () => void;
  }) {
    this.#silver = options.silver;
    this.#version = options.version;
    this.#rejected = new JsonLinesUpload(options.clients, {
      bucket: options.bucket,
      key: options.rejectedRowsKey,
    });
    this.#references = options.references;
    this.#replacesEarlierAttempt = options.replacesEarlierAttempt;
    this.#timeChunk = options.timeChunk;
    this.#stopChunkTimer = options.timeChunk();
  }

  /** Partitions (order dates, or `''` for products) this sink wrote parts to. */
  get partitions(): ReadonlySet<string> {
    return this.#partitions;
  }

  async writeAccepted(batch: AcceptedBatch): Promise<void> {
    this.#chunkParts.add(batch.partitions);
    await this.#references.add(batch);
  }

  async endChunk(chunk: number): Promise<void> {
    await Promise.all(
      [...this.#chunkParts.take()].map(([partition, body]) =>
        this.#limit(async () => {
          await this.#silver.writePart(this.#version, partition, chunk, body);
          this.#partitions.add(partition);
        }),
      ),
    );
    this.#stopChunkTimer();
    this.#stopChunkTimer = this.#timeChunk();
  }

  async writeRejected(rows: readonly RejectedRow[]): Promise<void> {
    for (const row of rows) {
      await this.#rejected.write({
        line: row.line,
        raw: row.raw,
        issues: row.issues.map(({ code, column, value, rule }) => ({ code, column, value, rule })),
      });
    }
  }

  /**
   * Completes the rejected-rows object, if any row was rejected, or if an earlier attempt's rows
   * must be replaced by none.
   */
  async finish(): Promise<void> {
    await this.#rejected.finish({ writeEmpty: this.#replacesEarlierAttempt });
  }

  /**
   * Abandons the rejected-rows upload (the file was deferred or failed midway); a failure to
   * abort is returned for the caller to log beside the error it is already handling.
   */
  async abort(): Promise<Error | undefined> {
    return this.#rejected.abort();
  }
}
