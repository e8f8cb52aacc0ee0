import { createReadStream } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AcceptedBatch,
  computeDateKpis,
  type Dataset,
  DEFAULT_MAX_REJECTED_ROW_RATIO,
  datasetContract,
  encodeSilverPart,
  type FileValidationSink,
  InMemoryReferences,
  type RejectedRow,
  recordParserFor,
  type SilverOrder,
  type SilverOrderItem,
  type SilverRecord,
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
  readonly partFiles = new Set<string>();

  constructor(
    private readonly silverDir: string,
    private readonly dataset: Dataset,
    private readonly fileNumber: number,
  ) {}

  async writeAccepted(batch: AcceptedBatch): Promise<void> {
    const parts = [...batch.partitions];
    // A few parts at a time, as the validator's sink writes its parts to S3 (8 at once).
    for (let start = 0; start < parts.length; start += PARTS_AT_ONCE) {
      await Promise.all(
        parts
          .slice(start, start + PARTS_AT_ONCE)
          .map(([partition, records]) => this.#writePart(partition, records)),
      );
    }
  }

  async #writePart(partition: string, records: readonly SilverRecord[]): Promise<void> {
    this.accepted.accept(this.dataset, records);
    // Products feed only the references; the KPIs never read their silver.
    if (this.dataset === 'products') return;
    const dir = path.join(this.silverDir, this.dataset, partition);
    const part = path.join(dir, `${this.fileNumber}.jsonl`);
    // Once per part file, not once per batch: S3, which this stands for, has no directories to make.
    if (!this.partFiles.has(part)) {
      await mkdir(dir, { recursive: true });
      this.partFiles.add(part);
    }
    await appendFile(part, encodeSilverPart(records));
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
 * accepted rows written as silver parts per order date, then each date's KPIs computed from its
 * parts by computeDateKpis, as the transformer's recompute does.
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
        },
        sink,
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
        await Promise.all([...sink.partFiles].map((part) => rm(part)));
        continue;
      }
      references.acceptAll(sink.accepted);
    }
    let kpis = ZERO_KPI_TOTALS;
    const dates = new Set([
      ...(await listDir(path.join(silverDir, 'orders'))),
      ...(await listDir(path.join(silverDir, 'order_items'))),
    ]);
    for (const date of [...dates].sort()) {
      const orders = await readSilver<SilverOrder>(path.join(silverDir, 'orders', date));
      const items = await readSilver<SilverOrderItem>(path.join(silverDir, 'order_items', date));
      kpis = addDateKpis(kpis, computeDateKpis(date, orders, items));
    }
    return { rows, rejectedByRule: Object.fromEntries(rejectedByRule), rejectedFiles, kpis };
  } finally {
    await rm(silverDir, { recursive: true, force: true });
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readSilver<R>(dir: string): Promise<R[]> {
  const records: R[] = [];
  const parts = await listDir(dir);
  // A few parts at a time, as the transformer reads a date's parts from S3.
  for (let start = 0; start < parts.length; start += PARTS_AT_ONCE) {
    const contents = await Promise.all(
      parts.slice(start, start + PARTS_AT_ONCE).map((part) => readFile(path.join(dir, part))),
    );
    // Line by line from the bytes, as the transformer decodes the parts it streams: decoding a
    // whole part into one string first would copy it into fresh memory once more.
    for (const bytes of contents) {
      for (let lineStart = 0; lineStart < bytes.length; ) {
        let lineEnd = bytes.indexOf(LINE_FEED, lineStart);
        if (lineEnd === -1) lineEnd = bytes.length;
        if (lineEnd > lineStart) records.push(JSON.parse(bytes.toString('utf8', lineStart, lineEnd)) as R);
        lineStart = lineEnd + 1;
      }
    }
  }
  return records;
}
