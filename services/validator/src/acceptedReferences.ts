import { createReadStream } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { OrderRecordInput, ProductRecordInput, ReferenceStore } from '@storeflow/aws';
import type { AcceptedBatch, DatasetName, SilverOrder, SilverProduct } from '@storeflow/core';

// Recorded in slices, so a shutdown is noticed within one slice's writes and a slice's rows and
// their outcomes are all that is held at once: a file's consecutive ids fill twenty buckets of the
// References table, one read and twenty puts. Slices of 10,000 recorded as fast as slices of
// 50,000 (packages/aws README, "Throughput") and cut the validator's peak RSS over an orders file of
// 1.2M rows by about 15 MiB (docs/design.md, "Memory: what a worker holds").
const DEFAULT_SLICE_ROWS = 10_000;
// Entries held in memory before they are spilled to disk: about 10 MB at ~100 bytes each.
const DEFAULT_MEMORY_ROWS = 100_000;

type ReferenceEntry = ProductRecordInput | OrderRecordInput;

/**
 * What the referential checks need from a file's accepted products or orders, collected from the
 * accepted batches as they are written and recorded only once the file is committed
 * (docs/design.md). Only the compact reference fields are kept, never the rows, and past
 * `memoryRows` entries they are spilled to a local temporary file, so memory stays bounded
 * whatever the file's size. Call {@link discard} when done, whatever happened.
 */
export class AcceptedReferences {
  readonly #dataset: DatasetName;
  readonly #memoryRows: number;
  readonly #sliceRows: number;
  #inMemory: ReferenceEntry[] = [];
  #spillFile: string | undefined;

  constructor(dataset: DatasetName, options: { memoryRows?: number; sliceRows?: number } = {}) {
    this.#dataset = dataset;
    this.#memoryRows = options.memoryRows ?? DEFAULT_MEMORY_ROWS;
    this.#sliceRows = options.sliceRows ?? DEFAULT_SLICE_ROWS;
  }

  /** Keeps the reference fields of a batch's accepted rows; only products and orders are referenced. */
  async add(batch: AcceptedBatch): Promise<void> {
    if (this.#dataset !== 'products' && this.#dataset !== 'orders') return;
    for (const records of batch.partitions.values()) {
      for (const record of records) this.#inMemory.push(this.#entryOf(record as SilverProduct | SilverOrder));
    }
    if (this.#inMemory.length >= this.#memoryRows) await this.#spill();
  }

  /**
   * Records what was collected, each row with `rowVersion`, stopping between slices once
   * `signal` is aborted. Call it only after the file's commit.
   */
  async record(
    store: ReferenceStore,
    rowVersion: string,
    sourceKey: string,
    signal: AbortSignal,
  ): Promise<void> {
    let slice: ReferenceEntry[] = [];
    const flush = async () => {
      signal.throwIfAborted();
      if (this.#dataset === 'products') {
        await store.recordProducts(slice as ProductRecordInput[], rowVersion, sourceKey);
      } else {
        await store.recordOrders(slice as OrderRecordInput[], rowVersion, sourceKey);
      }
      slice = [];
    };
    for await (const entry of this.#entries()) {
      slice.push(entry);
      if (slice.length === this.#sliceRows) await flush();
    }
    if (slice.length > 0) await flush();
  }

  /** Drops what was collected, the spilled file included. */
  async discard(): Promise<void> {
    this.#inMemory = [];
    if (this.#spillFile === undefined) return;
    const directory = join(this.#spillFile, '..');
    this.#spillFile = undefined;
    await rm(directory, { recursive: true, force: true });
  }

  #entryOf(record: SilverProduct | SilverOrder): ReferenceEntry {
    if (this.#dataset === 'products') {
      const product = record as SilverProduct;
      return { id: product.id, category: product.category };
    }
    const order = record as SilverOrder;
    return {
      orderId: order.order_id,
      userId: order.user_id,
      createdAtMs: order.created_at_ms,
      status: order.status,
    };
  }

  async #spill(): Promise<void> {
    this.#spillFile ??= join(await mkdtemp(join(tmpdir(), 'storeflow-references-')), 'entries.jsonl');
    await appendFile(this.#spillFile, `${this.#inMemory.map((entry) => JSON.stringify(entry)).join('\n')}\n`);
    this.#inMemory = [];
  }

  /** Every entry in the order it was added: the spilled ones first, then those still in memory. */
  async *#entries(): AsyncGenerator<ReferenceEntry> {
    if (this.#spillFile !== undefined) {
      const lines = createInterface({
        input: createReadStream(this.#spillFile),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) if (line !== '') yield JSON.parse(line) as ReferenceEntry;
    }
    yield* this.#inMemory;
  }
}
