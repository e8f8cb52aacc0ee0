import { putJsonObject, type SilverStore, type SilverVersion, sendQueueMessage } from '@storeflow/aws';
import {
  type Anomaly,
  type DatasetName,
  type DateRowCounts,
  FileStatus,
  type FileValidationResult,
  isPartitionedByDate,
  type ValidatedFile,
  validatedFileCodec,
} from '@storeflow/core';
import type { AcceptedReferences } from './acceptedReferences.js';
import { buildReport } from './reports.js';
import type { FileContext } from './validatorContext.js';
import { wakeDeferredFiles } from './wakeDeferredFiles.js';

/** An accepted file's output, written and not yet visible. */
export interface AcceptedFile {
  readonly dataset: DatasetName;
  readonly result: Extract<FileValidationResult, { outcome: 'completed' }>;
  /** Its rows by order date, from its profile: committed with the version for the date judge. */
  readonly rowCountsByDate: Readonly<Record<string, DateRowCounts>>;
  /** Its file-scope anomalies, for the report. */
  readonly anomalies: readonly Anomaly[];
  readonly silver: SilverStore;
  readonly version: SilverVersion;
  /** Partitions its parts were written to. */
  readonly partitions: readonly string[];
  readonly references: AcceptedReferences;
  readonly reportKey: string;
  readonly rejectedRowsKey: string;
}

/**
 * The commit path of an accepted file (docs/design.md): make its version current, record its
 * references, wake the files deferred on references, drop the replaced version's parts, then
 * write the report, announce the file to the transformer and end its validation in lineage.
 */
export async function publishFile(context: FileContext, file: AcceptedFile): Promise<void> {
  const { deps, key } = context;
  const datesToRecompute = await commitVersion(context, file);
  const touchedDates = file.result.touchedDates;
  const report = {
    ...buildReport(context, file.result.report, file.dataset, 'ACCEPTED', touchedDates),
    anomalies: file.anomalies,
  };
  await putJsonObject(deps.clients, { bucket: context.bucket, key: file.reportKey }, report);
  const message: ValidatedFile = {
    bucket: context.bucket,
    key: key.sourceKey,
    objectVersion: key.objectVersion,
    dataset: file.dataset,
    eventTime: context.eventTime,
    touchedDates: datesToRecompute,
  };
  await sendQueueMessage(deps.clients, {
    queueUrl: deps.config.transformQueueUrl,
    body: validatedFileCodec.encode(message),
  });
  const counts = file.result.report.counts;
  await deps.lineage.complete(key, deps.config.workerId, {
    status: FileStatus.VALIDATED,
    verdict: 'ACCEPTED',
    rowsTotal: counts.total,
    rowsAccepted: counts.accepted,
    rowsRejected: counts.rejected,
    ruleCounts: report.ruleCounts as Record<string, number>,
    reportKey: file.reportKey,
    rejectedRowsKey: counts.rejected > 0 ? file.rejectedRowsKey : undefined,
    touchedDates: datesToRecompute,
    timings: { validateMs: deps.now() - context.startedAtMs },
  });
  for (const [code, count] of Object.entries(report.ruleCounts))
    deps.metrics.ruleFailures.inc({ code }, count);
  deps.metrics.filesProcessed.inc({ outcome: 'accepted', dataset: file.dataset });
  context.log.info(
    {
      rows: counts.total,
      accepted: counts.accepted,
      rejected: counts.rejected,
      touchedDates: touchedDates.length,
    },
    'file accepted',
  );
}

/**
 * Commits the file's version; once committed, records its references, wakes the files deferred
 * on references (docs/design.md, "References") and deletes the parts of the version it replaced.
 * Returns the dates the transformer must recompute: none when a newer version is already
 * committed.
 */
async function commitVersion(context: FileContext, file: AcceptedFile): Promise<string[]> {
  const { deps, key } = context;
  const touchedDates = file.result.touchedDates;
  const commit = await deps.sourceVersions.commit({
    sourceId: file.version.sourceId,
    sourceKey: key.sourceKey,
    objectVersion: key.objectVersion,
    eventTime: context.eventTime,
    dataset: file.dataset,
    // The partitions this version has parts under: what a newer version must recompute without it.
    touchedDates: isPartitionedByDate(file.dataset) ? file.partitions : [],
    rowCountsByDate: file.rowCountsByDate,
  });
  if (commit.outcome === 'superseded') {
    context.log.info(
      { current: commit.current?.objectVersion },
      'a newer version of this key is already committed',
    );
    return [];
  }
  await file.references.record(
    deps.references,
    `${context.eventTime}#${key.sourceKey}`,
    key.sourceKey,
    context.signal,
  );
  // Only products and orders are referenced, so only they can complete a deferred file.
  if (file.dataset === 'products' || file.dataset === 'orders') await wakeDeferredFiles(context);
  const previous = commit.previous;
  if (previous !== undefined && previous.objectVersion !== key.objectVersion) {
    await file.silver.deleteVersion(
      { ...file.version, objectVersion: previous.objectVersion },
      isPartitionedByDate(file.dataset) ? previous.touchedDates : [''],
    );
  }
  return [...new Set([...touchedDates, ...(previous?.touchedDates ?? [])])].sort();
}
