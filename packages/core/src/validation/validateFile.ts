import type { DatasetContract } from '../contracts/types.js';
import { recordText } from '../parsing/recordText.js';
import type { ParsedRow, ParseEvent, ParseSummary } from '../parsing/types.js';
import type { ReferenceLookup } from '../ports.js';
import {
  type LocatedRow,
  type ReferenceResolution,
  referencedIds,
  resolveItemReferences,
} from '../references.js';
import { type ReportBuilderOptions, ValidationReportBuilder } from '../report/ValidationReportBuilder.js';
import {
  type SilverRecord,
  toSilverOrder,
  toSilverOrderItem,
  toSilverProduct,
  toSilverRecord,
} from '../silver.js';
import { parseTimestamp, utcDate } from '../timestamps.js';
import type { FileIssue, OrderItemRow, OrderRow, ProductRow, RowIssue } from '../types.js';
import { decideVerdict, type Verdict } from '../verdict.js';
import { createRowValidator, type RowValidatorOptions } from './createRowValidator.js';
import type { RowValidator } from './RowValidator.js';
import type { GenericRow, ValidatedRow } from './rowAssemblers.js';

/**
 * Records per silver chunk unless configured (SPEC §3: "streaming in chunks (default 10,000
 * rows)"): the validator writes one silver part per chunk and order date.
 */
export const DEFAULT_CHUNK_ROWS = 10_000;

/** Accepted rows of one parsed batch, grouped by silver partition. */
export interface AcceptedBatch {
  /**
   * 0-based sequence, in the file, of the chunk the batch belongs to: stable across reprocessing
   * of the same bytes with the same chunk size.
   */
  readonly chunk: number;
  /** Partition → rows: the order date for orders and items, `''` for products. */
  readonly partitions: ReadonlyMap<string, readonly SilverRecord[]>;
}

/** A rejected row: where it was, its text as read, and every reason. */
export interface RejectedRow {
  /** Physical line the record starts on (the CSV header is line 1). */
  readonly line: number;
  /**
   * The record's text as it was in the source, without its line break: the CSV record with its
   * own quoting (several physical lines when a quoted field holds line breaks), the JSON line,
   * or for an unterminated quote the rest of the file.
   */
  readonly raw: string;
  readonly issues: readonly RowIssue[];
}

/**
 * Where validated rows go; the validator service implements it on S3. A batch's records are its
 * own to keep or drop: a sink that writes whole chunks encodes them at once (`SilverChunkParts`)
 * rather than keeping them until the chunk ends.
 */
export interface FileValidationSink {
  writeAccepted(batch: AcceptedBatch): Promise<void>;
  writeRejected(rows: readonly RejectedRow[]): Promise<void>;
  /**
   * Called once the last batch of `chunk` has been written, for every chunk of a file read to
   * its end (not for one that stops early: deferred, or its header refused), so what the sink
   * buffered for the chunk can be written as its parts.
   */
  endChunk?(chunk: number): Promise<void>;
}

export interface ValidateFileOptions extends RowValidatorOptions {
  /** The compiled contract of the file's dataset. */
  readonly contract: DatasetContract;
  /** The row version every accepted row carries (`<event time>#<source key>`). */
  readonly rowVersion: string;
  readonly maxRejectedRowRatio: number;
  /** Everything accepted so far; consulted for order_items only. */
  readonly references: ReferenceLookup;
  /**
   * False while the late-reference grace window is open: an item whose product or order is not
   * known yet defers the whole file. True once it has passed: such items are rejected.
   */
  readonly referenceGraceExpired: boolean;
  readonly maxExamplesPerCode?: number;
  /**
   * Records per chunk: consecutive parse batches make up one chunk until it holds at least this
   * many. So the parse batch, the unit of validation and of the rows held at once, can be much
   * smaller than the unit of output (one silver part per chunk and date): a batch of 2,500 rows
   * mostly dies in V8's young generation, where one of 10,000 outlived it and was copied and
   * promoted (docs/design.md, "Silver"). Each batch is a chunk of its own when absent.
   */
  readonly chunkRows?: number;
}

export type FileValidationResult =
  | {
      readonly outcome: 'completed';
      readonly verdict: Verdict;
      readonly report: ValidationReportBuilder;
      /** Order dates of the accepted rows (empty for products), sorted. */
      readonly touchedDates: readonly string[];
      /** Header as read; empty when the file had none. */
      readonly header: readonly string[];
      readonly summary: ParseSummary | undefined;
    }
  | {
      readonly outcome: 'deferred';
      /** Items in the batch that stopped the file whose product or order is not known yet. */
      readonly unresolvedRows: number;
      readonly missingProductIds: readonly number[];
      readonly missingOrderIds: readonly number[];
    };

/**
 * Validates one file from its parse events: header check, then per batch schema, business and
 * uniqueness rules, referential resolution of items, conversion of accepted rows to silver
 * records, and the report; finally the verdict. Pure apart from its two ports (the reference
 * lookup and the sink), so it is tested without AWS.
 *
 * Stops at the first batch with late references while the grace window is open (the caller
 * defers the file), and at a header problem (the file is rejected without reading further).
 */
export async function validateFile(
  events: AsyncIterable<ParseEvent>,
  options: ValidateFileOptions,
  sink: FileValidationSink,
): Promise<FileValidationResult> {
  let report = new ValidationReportBuilder([], builderOptions(options));
  let header: readonly string[] = [];
  let validator: RowValidator<ValidatedRow> | undefined;
  let process: ((rows: readonly ParsedRow[]) => Promise<BatchOutcome>) | undefined;
  const touchedDates = new Set<string>();
  let chunk = 0;
  let chunkRecords = 0;
  const endChunk = async () => {
    await sink.endChunk?.(chunk);
    chunk += 1;
    chunkRecords = 0;
  };
  for await (const event of events) {
    if (event.type === 'header') {
      header = event.header;
      report = new ValidationReportBuilder(header, builderOptions(options));
      const built = createRowValidator<ValidatedRow>(options.contract, header, options);
      if (!built.ok) {
        for (const issue of built.fileIssues) report.addFileIssue(issue, 'problem');
        return completed(report, options, touchedDates, header, undefined, undefined);
      }
      for (const notice of built.notices) report.addFileIssue(notice, 'notice');
      validator = built.validator;
      process = batchProcessor(options, built.validator, createdAtField(options.contract, header));
    } else if (event.type === 'batch') {
      // Records the parser could not read have no fields, so no created_at: they count undated.
      const rejected: DatedRejectedRow[] = event.batch.issues.map(({ issue, raw }) => ({
        line: issue.line,
        raw,
        issues: [issue],
        orderDate: undefined,
      }));
      for (const row of event.batch.rows) report.observeRow(row.fields);
      for (let index = 0; index < event.batch.issues.length; index++) report.observeRow([]);
      const outcome = process === undefined ? undefined : await process(event.batch.rows);
      if (outcome?.kind === 'deferred') return outcome.result;
      if (outcome !== undefined) {
        rejected.push(...outcome.rejected);
        if (outcome.accepted > 0) {
          for (const date of outcome.partitions.keys()) if (date !== '') touchedDates.add(date);
          await sink.writeAccepted({ chunk, partitions: outcome.partitions });
          for (const [date, records] of outcome.partitions)
            report.accept(records.length, date === '' ? undefined : date);
        }
      }
      rejected.sort((a, b) => a.line - b.line);
      for (const row of rejected) report.reject(row.issues, row.orderDate);
      if (rejected.length > 0) await sink.writeRejected(rejected);
      chunkRecords += event.batch.rows.length + event.batch.issues.length;
      if (options.chunkRows === undefined || chunkRecords >= options.chunkRows) await endChunk();
    } else {
      if (chunkRecords > 0) await endChunk();
      if (event.summary.fileIssue !== undefined) report.addFileIssue(event.summary.fileIssue, 'problem');
      for (const notice of event.summary.notices) report.addFileIssue(notice, 'notice');
      return completed(report, options, touchedDates, header, event.summary, validator?.acceptedKeys);
    }
  }
  if (chunkRecords > 0) await endChunk();
  return completed(report, options, touchedDates, header, undefined, validator?.acceptedKeys);
}

/** A rejected row with the order date its profile counts it under. */
interface DatedRejectedRow extends RejectedRow {
  /** The UTC date of the row's own `created_at`, when it has a readable one. */
  readonly orderDate: string | undefined;
}

type BatchOutcome =
  | { kind: 'deferred'; result: Extract<FileValidationResult, { outcome: 'deferred' }> }
  | {
      kind: 'done';
      accepted: number;
      partitions: Map<string, SilverRecord[]>;
      rejected: DatedRejectedRow[];
    };

/** @param createdAtField header position of `created_at`, -1 when the dataset has none */
function batchProcessor(
  options: ValidateFileOptions,
  validator: RowValidator<ValidatedRow>,
  createdAtField: number,
): (rows: readonly ParsedRow[]) => Promise<BatchOutcome> {
  const { rowVersion } = options;
  const { dataset } = options.contract;
  // Only rejected rows pay for this: accepted ones are counted under their silver partition.
  const rejectedRow = (parsed: ParsedRow, issues: readonly RowIssue[]): DatedRejectedRow => {
    const createdAt = createdAtField < 0 ? undefined : parseTimestamp(parsed.fields[createdAtField] ?? '');
    return {
      line: parsed.line,
      raw: recordText(parsed),
      issues,
      orderDate: createdAt === undefined ? undefined : utcDate(createdAt),
    };
  };
  return async (rows) => {
    const rejected: DatedRejectedRow[] = [];
    const partitions = new Map<string, SilverRecord[]>();
    let partition = '';
    let partitionRecords: SilverRecord[] | undefined;
    const add = (recordPartition: string, record: SilverRecord) => {
      // Rows of one date tend to come together, so most rows skip the map.
      if (recordPartition !== partition || partitionRecords === undefined) {
        let records = partitions.get(recordPartition);
        if (records === undefined) {
          records = [];
          partitions.set(recordPartition, records);
        }
        partition = recordPartition;
        partitionRecords = records;
      }
      partitionRecords.push(record);
    };
    let accepted = 0;
    if (dataset !== 'order_items') {
      // Products, orders and datasets the pipeline does not read need nothing else: each valid row becomes its silver record at once.
      for (const parsed of rows) {
        const result = validator.validate(parsed.fields, parsed.line, parsed.extra);
        if (!result.ok) {
          // The text is rebuilt only here, for the few rows that are rejected.
          rejected.push(rejectedRow(parsed, result.issues));
        } else if (dataset === 'orders') {
          const record = toSilverOrder(result.row as OrderRow, rowVersion, result.extra);
          add(record.order_date, record);
        } else if (dataset === 'products') {
          add('', toSilverProduct(result.row as ProductRow, rowVersion, result.extra));
        } else {
          add('', toSilverRecord(result.row as GenericRow, rowVersion, result.extra));
        }
      }
      accepted = rows.length - rejected.length;
      return { kind: 'done', accepted, partitions, rejected };
    }

    const items: LocatedRow<OrderItemRow>[] = [];
    const extras: (Readonly<Record<string, string>> | undefined)[] = [];
    // The parsed records of the valid items, index for index, for items rejected on their references.
    const validRecords: ParsedRow[] = [];
    for (const parsed of rows) {
      const result = validator.validate(parsed.fields, parsed.line, parsed.extra);
      if (result.ok) {
        items.push({ line: parsed.line, row: result.row as OrderItemRow });
        extras.push(result.extra);
        validRecords.push(parsed);
      } else {
        rejected.push(rejectedRow(parsed, result.issues));
      }
    }
    const { productIds, orderIds } = referencedIds(items);
    const [products, orders] = await Promise.all([
      options.references.findProducts(productIds),
      options.references.findOrders(orderIds),
    ]);
    const resolutions = resolveItemReferences(items, products, orders);
    const unresolved = resolutions.filter((resolution) => resolution.outcome === 'unresolved').length;
    if (unresolved > 0 && !options.referenceGraceExpired) {
      return {
        kind: 'deferred',
        result: {
          outcome: 'deferred',
          unresolvedRows: unresolved,
          missingProductIds: productIds.filter((id) => !products.has(id)),
          missingOrderIds: orderIds.filter((id) => !orders.has(id)),
        },
      };
    }
    for (let index = 0; index < resolutions.length; index++) {
      const resolution = resolutions[index] as ReferenceResolution;
      const item = items[index] as LocatedRow<OrderItemRow>;
      if (resolution.outcome === 'resolved') {
        const record = toSilverOrderItem(item.row, resolution.references, rowVersion, extras[index]);
        add(record.order_date, record);
        accepted += 1;
      } else {
        rejected.push(rejectedRow(validRecords[index] as ParsedRow, resolution.issues));
      }
    }
    return { kind: 'done', accepted, partitions, rejected };
  };
}

/** Header position of the column the contract calls `created_at`, -1 when it has none. */
function createdAtField(contract: DatasetContract, header: readonly string[]): number {
  const column = contract.columns.find((candidate) => candidate.name === 'created_at');
  return column === undefined ? -1 : header.findIndex((name) => name.trim() === column.physicalName);
}

function completed(
  report: ValidationReportBuilder,
  options: ValidateFileOptions,
  touchedDates: ReadonlySet<string>,
  header: readonly string[],
  summary: ParseSummary | undefined,
  /** Distinct keys the uniqueness rule saw; undefined when no row was checked (a header problem). */
  distinctKeys: number | undefined,
): FileValidationResult {
  if (distinctKeys !== undefined)
    report.recordDistinctKeys(
      (options.contract.columns[options.contract.keyOrdinal] as { physicalName: string }).physicalName,
      distinctKeys,
    );
  const counts = report.counts;
  const fileIssues: readonly FileIssue[] = report.fileIssues;
  const verdict = decideVerdict({
    fileIssues,
    totalRows: counts.total,
    rejectedRows: counts.rejected,
    maxRejectedRowRatio: options.maxRejectedRowRatio,
  });
  return {
    outcome: 'completed',
    verdict,
    report,
    touchedDates: verdict === 'ACCEPTED' ? [...touchedDates].sort() : [],
    header,
    summary,
  };
}

function builderOptions(options: ValidateFileOptions): ReportBuilderOptions {
  return options.maxExamplesPerCode === undefined
    ? { contract: options.contract }
    : { contract: options.contract, maxExamplesPerCode: options.maxExamplesPerCode };
}
