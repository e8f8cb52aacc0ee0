import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  AwsCallError,
  type AwsClients,
  callAws,
  KpiRepository,
  LineageRepository,
  listLineage,
  listStoredAnomalies,
  type ResourceNames,
} from '@storeflow/aws';
import type { LineageRecord, ValidationReport } from '@storeflow/core';
import pLimit from 'p-limit';
import {
  columnCodesOf,
  completenessOf,
  type DatasetReport,
  dailyMetricsOf,
  fileEntryOf,
} from './summarise.js';
import type { QualityReportData } from './types.js';

/** Where the quality report page of a pipeline is kept in its bucket. */
export const QUALITY_REPORT_KEY = 'quality/index.html';

/** The pipeline a report is gathered from. */
export interface QualityReportSources {
  readonly clients: AwsClients;
  readonly names: Pick<
    ResourceNames,
    'bucket' | 'processedFilesTable' | 'orderKpisTable' | 'categoryKpisTable' | 'qualityTable'
  >;
}

export interface GatherOptions {
  /** Epoch ms, for `generatedAt`. */
  readonly now: () => number;
  /**
   * Validation reports read per dataset (the current versions of the newest keys), for column
   * completeness and problem codes by column; lineage alone gives every other figure, so the
   * reads stay bounded whatever the number of files. Default 50.
   */
  readonly reportsPerDataset?: number;
  /** Reports read at once. Default 8. */
  readonly readConcurrency?: number;
  /** Object keys with a copy next to the page, by key, to link instead of naming `s3://` text. */
  readonly localCopies?: ReadonlyMap<string, string>;
}

export const GATHER_DEFAULTS = { reportsPerDataset: 50, readConcurrency: 8 } as const;

/**
 * Reads what the quality report shows from a pipeline, on AWS or the emulators alike: every
 * lineage record (through the status index, page by page), the newest validation reports of
 * each dataset, the daily KPIs, and the stored anomalies of both scopes.
 */
export async function gatherQualityReport(
  sources: QualityReportSources,
  options: GatherOptions,
): Promise<QualityReportData> {
  const { clients, names } = sources;
  const lineage = new LineageRepository({ clients, tableName: names.processedFilesTable });
  const kpis = new KpiRepository({
    clients,
    categoryTableName: names.categoryKpisTable,
    orderTableName: names.orderKpisTable,
  });
  const [records, dailyRows, anomalies] = await Promise.all([
    listLineage(lineage),
    kpis.listOrderKpis({}),
    listStoredAnomalies(clients, names.qualityTable),
  ]);
  const limit = pLimit(options.readConcurrency ?? GATHER_DEFAULTS.readConcurrency);
  const reports = await Promise.all(
    reportsToRead(records, options.reportsPerDataset ?? GATHER_DEFAULTS.reportsPerDataset).map((record) =>
      limit(
        async (): Promise<DatasetReport> => ({
          dataset: record.dataset,
          report: await readValidationReport(clients, names.bucket, record.reportKey as string),
        }),
      ),
    ),
  );
  const linker = {
    bucket: names.bucket,
    ...(options.localCopies === undefined ? {} : { localCopies: options.localCopies }),
  };
  return {
    generatedAt: new Date(options.now()).toISOString(),
    source: `s3://${names.bucket}`,
    files: records.map((record) => fileEntryOf(record, linker)),
    completeness: completenessOf(reports),
    columnCodes: columnCodesOf(reports),
    daily: dailyMetricsOf(dailyRows),
    anomalies,
  };
}

/**
 * The versions whose reports are read: of each dataset, the current version (newest event) of
 * its most recently uploaded keys that have a report, at most `perDataset`.
 */
export function reportsToRead(records: readonly LineageRecord[], perDataset: number): LineageRecord[] {
  const newestFirst = [...records].sort(
    (a, b) => compare(b.eventTime, a.eventTime) || compare(a.objectVersion, b.objectVersion),
  );
  const seenKeys = new Set<string>();
  const taken = new Map<string, number>();
  const chosen: LineageRecord[] = [];
  for (const record of newestFirst) {
    if (seenKeys.has(record.sourceKey)) continue;
    seenKeys.add(record.sourceKey);
    if (record.reportKey === undefined) continue;
    const count = taken.get(record.dataset) ?? 0;
    if (count >= perDataset) continue;
    taken.set(record.dataset, count + 1);
    chosen.push(record);
  }
  return chosen;
}

/**
 * A validation report as stored. Throws when the object lineage names is missing or is not JSON:
 * both mean the bucket and lineage disagree, which an operator must look at.
 */
export async function readValidationReport(
  clients: AwsClients,
  bucket: string,
  key: string,
): Promise<ValidationReport> {
  let text: string;
  try {
    const response = await callAws(clients, 'S3', 'GetObject', () =>
      clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    text = (await response.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    if (error instanceof AwsCallError && error.awsErrorName === 'NoSuchKey') {
      throw new Error(`the report s3://${bucket}/${key} that lineage names is missing from the bucket`, {
        cause: error,
      });
    }
    throw error;
  }
  try {
    return JSON.parse(text) as ValidationReport;
  } catch (error) {
    throw new Error(`s3://${bucket}/${key} is not a JSON report: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Puts the page at {@link QUALITY_REPORT_KEY}, replacing the previous one. */
export async function publishQualityReport(clients: AwsClients, bucket: string, html: string): Promise<void> {
  await callAws(clients, 'S3', 'PutObject', () =>
    clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: QUALITY_REPORT_KEY,
        Body: html,
        ContentType: 'text/html; charset=utf-8',
        // A page that says how old its data is must not be served older still from a cache.
        CacheControl: 'no-cache',
      }),
    ),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
