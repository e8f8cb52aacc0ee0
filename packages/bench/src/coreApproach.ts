import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AcceptedBatch,
  type Dataset,
  DateKpiAggregator,
  DEFAULT_CHUNK_ROWS,
  DEFAULT_MAX_REJECTED_ROW_RATIO,
  datasetContract,
  type FileValidationSink,
  InMemoryReferences,
  type RejectedRow,
  recordParserFor,
  SilverChunkParts,
  type SilverOrder,
  type SilverOrderItem,
  validateFile,
} from '@storeflow/core';
import { loadContractFiles } from '@storeflow/runtime';
import { addDateKpis, ZERO_KPI_TOTALS } from './kpiTotals.js';
import type { DataSet, RowTally, ValidationOutcome } from './types.js';

/** Silver parts written or read at once, as the services' S3 adapters do. */
const PARTS_AT_ONCE = 8;

const LINE_FEED = 0x0a;

/**
 * The validator's sink on the local disk: accepted orders and items go to silver JSON Lines under
 * `<dir>/<dataset>/<order date>/<file>.jsonl`, as the validator's parts go to S3, and what the
 * referential checks need of accepted products and orders is held back until the file's verdict
 * is known: only those fields, as the validator's AcceptedReferences keeps them, never the rows.
 */
class LocalSilverSink implements FileValidationSink {
  readonly rejectedByRule = new Map<string, number>();
  readonly accepted = new InMemoryReferences();
  /** Each part file written, open for appending until {@link close}. */
  readonly #parts = new Map<string, FileHandle>();
  readonly #chunkParts = new SilverChunkParts();

  constructor(
    private readonly silverDir: string,
    private readonly dataset: Dataset,
    private readonly fileNumber: number,
  ) {}

  async writeAccepted(batch: AcceptedBatch): Promise<void> {
    for (const records of batch.partitions.values()) this.accepted.accept(this.dataset, records);
    // Products feed only the references; the KPIs never read their silver.
    if (this.dataset !== 'products') this.#chunkParts.add(batch.partitions);
  }

  async endChunk(): Promise<void> {
    const parts = [...this.#chunkParts.take()];
    // A few parts at a time, as the validator's sink writes its parts to S3 (8 at once).
    for (let start = 0; start < parts.length; start += PARTS_AT_ONCE) {
      await Promise.all(
        parts
          .slice(start, start + PARTS_AT_ONCE)
          .map(([partition, body]) => this.#writePart(partition, body)),
      );
    }
  }

  async #writePart(partition: string, body: Uint8Array): Promise<void> {
    const dir = path.join(this.silverDir, this.dataset, partition);
    const part = path.join(dir, `${this.fileNumber}.jsonl`);
    // Made and opened once per part file, not once per chunk: S3, which this stands for, takes a
    // part in one request and has no directories to make.
    let handle = this.#parts.get(part);
    if (handle === undefined) {
      await mkdir(dir, { recursive: true });
      handle = await open(part, 'a');
      this.#parts.set(part, handle);
    }
    await handle.write(body);
  }

  /** The part files written. */
  get partFiles(): readonly string[] {
    return [...this.#parts.keys()];
  }

  /** Closes every part file; call it once the file's validation has ended, however it ended. */
  async close(): Promise<void> {
    await Promise.all([...this.#parts.values()].map((handle) => handle.close()));
  }

  async writeRejected(rows: readonly RejectedRow[]): Promise<void> {
    for (const row of rows) {
      for (const code of new Set(row.issues.map((issue) => issue.code))) {
        this.rejectedByRule.set(code, (this.rejectedByRule.get(code) ?? 0) + 1);
      }
    }
  }
}

/**
 * The in-process core over a data set, as the two services drive it but without AWS: every file
 * parsed and validated in order (products, orders, then items against the in-memory references),
 * accepted rows written as silver parts per order date, then each date's parts streamed through
 * core's DateKpiAggregator, as the transformer's recompute does.
 *
 * @param nowMs - the validator's clock: `created_at` may not be later than this
 */
export async function runCore(dataSet: DataSet, nowMs: number): Promise<ValidationOutcome> {
  const silverDir = await mkdtemp(path.join(tmpdir(), 'storeflow-bench-silver-'));
  try {
    // Everything accepted so far, in memory: the core's ReferenceLookup port without DynamoDB.
    const references = new InMemoryReferences();
    const contracts = loadContractFiles();
    const rows: Record<Dataset, RowTally> = {
      products: { total: 0, accepted: 0, rejected: 0 },
      orders: { total: 0, accepted: 0, rejected: 0 },
      order_items: { total: 0, accepted: 0, rejected: 0 },
    };
    const rejectedByRule = new Map<string, number>();
    let rejectedFiles = 0;
    const startedMs = performance.now();
    for (const [index, file] of dataSet.files.entries()) {
      const sink = new LocalSilverSink(silverDir, file.dataset, index + 1);
      const result = await validateFile(
        recordParserFor({ contract: datasetContract(contracts, file.dataset), format: 'csv' })(
          createReadStream(file.path),
        ),
        {
          contract: datasetContract(contracts, file.dataset),
          // Later files carry greater versions, as later uploads do.
          rowVersion: `${new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString()}#raw/${file.key}`,
          nowMs,
          maxRejectedRowRatio: DEFAULT_MAX_REJECTED_ROW_RATIO,
          references,
          // Every product and order has been read already: a missing one is missing for good.
          referenceGraceExpired: true,
          // Validated in the parser's batches, written in chunks of the validator's size.
          chunkRows: DEFAULT_CHUNK_ROWS,
        },
        sink,
      ).then(
        async (done) => {
          await sink.close();
          return done;
        },
        (error: unknown) =>
          settleBeside(() => sink.close(), error, 'the validation failed, and so did closing its part files'),
      );
      if (result.outcome === 'deferred') {
        throw new Error(`${file.key} was deferred although the reference grace had expired`);
      }
      const counts = result.report.counts;
      const tally = rows[file.dataset];
      rows[file.dataset] = {
        total: tally.total + counts.total,
        accepted: tally.accepted + counts.accepted,
        rejected: tally.rejected + counts.rejected,
      };
      for (const [code, count] of sink.rejectedByRule) {
        rejectedByRule.set(code, (rejectedByRule.get(code) ?? 0) + count);
      }
      if (result.verdict === 'REJECTED') {
        rejectedFiles += 1;
        // Nothing of a rejected file reaches silver or the references.
        await Promise.all(sink.partFiles.map((part) => rm(part)));
        continue;
      }
      references.acceptAll(sink.accepted);
    }
    const validatedMs = performance.now();
    let kpis = ZERO_KPI_TOTALS;
    const silver = new SilverReader();
    const dates = new Set([
      ...(await listDir(path.join(silverDir, 'orders'))),
      ...(await listDir(path.join(silverDir, 'order_items'))),
    ]);
    for (const date of [...dates].sort()) {
      // Streamed through the aggregator row by row, as the transformer's recompute does: the
      // date's rows are never held together.
      const aggregator = new DateKpiAggregator(date);
      await silver.forEachRow<SilverOrder>(path.join(silverDir, 'orders', date), (order) =>
        aggregator.addOrder(order),
      );
      await silver.forEachRow<SilverOrderItem>(path.join(silverDir, 'order_items', date), (item) =>
        aggregator.addItem(item),
      );
      kpis = addDateKpis(kpis, aggregator.result());
    }
    const phasesMs = { validation: validatedMs - startedMs, kpis: performance.now() - validatedMs };
    return { phasesMs, rows, rejectedByRule: Object.fromEntries(rejectedByRule), rejectedFiles, kpis };
  } finally {
    await rm(silverDir, { recursive: true, force: true });
  }
}

/**
 * Settles what a failure left going (closing files, a read in flight) and rethrows `error`: a
 * failure of `settle` is thrown beside that error, as an AggregateError of both with `message`,
 * never instead of it.
 */
export async function settleBeside(
  settle: () => Promise<unknown>,
  error: unknown,
  message: string,
): Promise<never> {
  try {
    await settle();
  } catch (settleError) {
    throw new AggregateError([error, settleError], message);
  }
  throw error;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Hands every row of a date's silver parts to `add`, one at a time, line by line from the bytes
 * as the transformer decodes the parts it streams (decoding a whole part into one string first
 * would copy it into fresh memory once more).
 *
 * Each part is read while the one before is decoded, as the transformer has its next parts
 * arriving while it aggregates one; into two buffers used in turn and grown when a part is larger.
 * A fresh buffer per part was fresh memory each time: under the services' allocator settings,
 * which this process runs with, glibc had given the last one back to the system, so every page of
 * the next was faulted in again.
 */
export class SilverReader {
  readonly #buffers: Buffer[] = [Buffer.alloc(0), Buffer.alloc(0)];

  async forEachRow<R>(dir: string, add: (row: R) => void): Promise<void> {
    const parts = await listDir(dir);
    let next = parts.length > 0 ? this.#read(path.join(dir, parts[0] as string), 0) : undefined;
    for (let index = 0; next !== undefined; index++) {
      const bytes = await next;
      next =
        index + 1 < parts.length
          ? this.#read(path.join(dir, parts[index + 1] as string), (index + 1) % 2)
          : undefined;
      try {
        decodeLines(bytes, add);
      } catch (error) {
        // The read still going is awaited, so a failure of it is thrown beside this one.
        const reading = next;
        await settleBeside(
          async () => reading,
          error,
          'decoding a silver part failed, and so did reading the next',
        );
      }
    }
  }

  async #read(file: string, slot: number): Promise<Buffer> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      let buffer = this.#buffers[slot] as Buffer;
      if (buffer.length < size) {
        buffer = Buffer.alloc(Math.max(size, buffer.length * 2));
        this.#buffers[slot] = buffer;
      }
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
        if (bytesRead === 0) throw new Error(`${file} ended after ${filled} of its ${size} bytes`);
        filled += bytesRead;
      }
      return buffer.subarray(0, size);
    } finally {
      await handle.close();
    }
  }
}

/** Hands each JSON line of `bytes` to `add`, parsed. */
function decodeLines<R>(bytes: Buffer, add: (row: R) => void): void {
  for (let lineStart = 0; lineStart < bytes.length; ) {
    let lineEnd = bytes.indexOf(LINE_FEED, lineStart);
    if (lineEnd === -1) lineEnd = bytes.length;
    if (lineEnd > lineStart) add(JSON.parse(bytes.toString('utf8', lineStart, lineEnd)) as R);
    lineStart = lineEnd + 1;
  }
}
