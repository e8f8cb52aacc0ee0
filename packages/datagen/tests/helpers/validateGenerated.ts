import {
  type AcceptedBatch,
  type ContractSet,
  type Dataset,
  datasetContract,
  type FileFormat,
  InMemoryReferences,
  type IssueCode,
  type RejectedRow,
  recordParserFor,
  validateFile,
} from '@storeflow/core';
import { MemorySink } from '@storeflow/testing';
import { DataGenerator, type DataGeneratorOptions } from '../../src/index.js';

/** The validator's clock: after every generated created_at (the data starts 2026-01-01). */
export const NOW_MS = Date.UTC(2026, 6, 1);

/** A generated data set: the generator (for its files and manifest) and every file's text. */
export interface GeneratedSet {
  readonly generator: DataGenerator;
  /** File key → text, in generation order. */
  readonly texts: ReadonlyMap<string, string>;
}

export function generate(options: DataGeneratorOptions): GeneratedSet {
  const generator = new DataGenerator(options);
  const texts = new Map<string, string>();
  for (const file of generator.files) texts.set(file.key, [...generator.chunks(file)].join(''));
  return { generator, texts };
}

/** A file's text as a byte stream, in several chunks. */
export async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  // Several source chunks, so records cross chunk boundaries as they do when streaming from S3.
  for (let at = 0; at < bytes.length; at += 4096) yield bytes.subarray(at, at + 4096);
}

/** What validateFile wrote for one file. */
export type ValidationSink = MemorySink<AcceptedBatch, RejectedRow>;

/** What earlier files accepted, as validateFile looks it up. */
export type AcceptedReferences = InMemoryReferences;

export function validationSink(): ValidationSink {
  return new MemorySink<AcceptedBatch, RejectedRow>();
}

export function acceptedReferences(): AcceptedReferences {
  return new InMemoryReferences();
}

/** What the validator made of one file, in the manifest's terms. */
export interface Outcome {
  key: string;
  rows: { total: number; accepted: number; rejected: number };
  ruleCounts: Partial<Record<IssueCode, number>>;
  rejectedRows: number[];
  fileIssues: IssueCode[];
  verdict: string;
  /** The EXTRA_COLUMNS notice's columns, when the file had any the contract does not define. */
  extraColumns: string[];
}

/**
 * Runs the real validateFile with `contracts` over every file, in generation order, the way the
 * pipeline ends up once every file has arrived: references are what earlier ACCEPTED files
 * accepted, and the late-reference grace window has passed.
 */
export async function validateAll(set: GeneratedSet, contracts: ContractSet): Promise<Outcome[]> {
  const format: FileFormat = set.generator.options.format;
  const references = acceptedReferences();
  const outcomes: Outcome[] = [];
  for (const file of set.generator.files) {
    const sink = validationSink();
    const contract = datasetContract(contracts, file.dataset);
    const parse = recordParserFor({ contract, format });
    const result = await validateFile(
      parse(bytesOf(set.texts.get(file.key) ?? ''), { batchSize: 500 }),
      {
        contract,
        rowVersion: `2026-07-01T00:00:00.000Z#raw/${file.key}`,
        nowMs: NOW_MS,
        maxRejectedRowRatio: 0.05,
        references,
        referenceGraceExpired: true,
      },
      sink,
    );
    if (result.outcome !== 'completed') throw new Error(`${file.key} was deferred`);
    if (result.verdict === 'ACCEPTED') remember(file.dataset, sink, references);
    const ruleCounts: Partial<Record<IssueCode, number>> = {};
    for (const row of sink.rejected) {
      for (const issue of row.issues) ruleCounts[issue.code] = (ruleCounts[issue.code] ?? 0) + 1;
    }
    const report = result.report.build({
      source: {},
      verdict: result.verdict,
      maxRejectedRowRatio: 0.05,
      touchedDates: [],
      timingsMs: {},
      generatedAt: '',
    });
    outcomes.push({
      key: file.key,
      rows: result.report.counts,
      ruleCounts,
      // A CSV file's header is its line 1; JSON Lines has none.
      rejectedRows: sink.rejected.map((row) => row.line - (format === 'csv' ? 1 : 0)).sort((a, b) => a - b),
      fileIssues: result.report.fileIssues.map((issue) => issue.code),
      verdict: result.verdict,
      extraColumns: report.notices.flatMap((notice) =>
        notice.code === 'EXTRA_COLUMNS' ? [...(notice.columns ?? [])] : [],
      ),
    });
  }
  return outcomes;
}

/** Adds the products or orders a file accepted to the references, as the validator records them. */
export function remember(dataset: Dataset, sink: ValidationSink, references: AcceptedReferences): void {
  for (const batch of sink.accepted)
    for (const records of batch.partitions.values()) references.accept(dataset, records);
}

/** The manifest's expectations, in the terms of {@link Outcome} (generated files have no extra columns). */
export function expectedOutcomes(set: GeneratedSet): Outcome[] {
  return set.generator.manifest().files.map((file) => ({
    key: file.key,
    rows: file.rows,
    ruleCounts: file.ruleCounts,
    rejectedRows: [...file.rejectedRows],
    fileIssues: [...file.fileIssues],
    verdict: file.verdict,
    extraColumns: [],
  }));
}
