import { ObjectUnreadableError, SilverStore, type SilverVersion } from '@storeflow/aws';
import {
  DEFAULT_BATCH_SIZE,
  datasetContract,
  type FileValidationResult,
  type ObjectPlan,
  type ParseEvent,
  recordParserFor,
  validateFile,
} from '@storeflow/core';
import { AcceptedReferences } from './acceptedReferences.js';
import { outputKeys } from './outputKeys.js';
import { publishFile } from './publishFile.js';
import { hasRowProfile, recordFileProfile } from './recordFileProfile.js';
import { rejectFile } from './rejectFile.js';
import { buildReport, maxRejectedRowRatio, rejectionReport } from './reports.js';
import { ValidationOutputSink } from './ValidationOutputSink.js';
import type { FileContext } from './validatorContext.js';
import { wakeIfReferencesArrived } from './wakeDeferredFiles.js';

export type ValidationOutcome = 'accepted' | 'rejected' | 'deferred';

/**
 * Validates a claimed file as it streams, writing its silver parts, then takes the path its
 * result calls for: defer it, reject it, or publish it.
 */
export async function validateClaimedFile(
  context: FileContext,
  plan: ObjectPlan,
): Promise<ValidationOutcome> {
  const { deps, key, eventTime } = context;
  const keys = outputKeys(plan.dataset, key, eventTime);
  const silver = new SilverStore({ clients: deps.clients, bucket: context.bucket });
  const version = { dataset: plan.dataset, sourceId: keys.sourceId, objectVersion: key.objectVersion };
  const references = new AcceptedReferences(plan.dataset);
  // Nothing is written before the first batch, so creating it up front costs nothing.
  const sink = new ValidationOutputSink({
    clients: deps.clients,
    bucket: context.bucket,
    silver,
    version,
    rejectedRowsKey: keys.rejectedRows,
    references,
    replacesEarlierAttempt: context.attempt > 1,
    timeChunk: () => deps.metrics.chunkDuration.startTimer(),
  });
  try {
    return await validateIntoSink(context, plan, {
      silver,
      version,
      sink,
      references,
      reportKey: keys.report,
      rejectedRowsKey: keys.rejectedRows,
    });
  } finally {
    await references
      .discard()
      .catch((error: unknown) => context.log.warn({ err: error }, 'could not remove spilled references'));
  }
}

/** Where a file's validation output goes. */
interface FileOutput {
  readonly silver: SilverStore;
  readonly version: SilverVersion;
  readonly sink: ValidationOutputSink;
  readonly references: AcceptedReferences;
  readonly reportKey: string;
  readonly rejectedRowsKey: string;
}

/** Validates the file into its output, then defers, rejects or publishes it by the result. */
async function validateIntoSink(
  context: FileContext,
  plan: ObjectPlan,
  output: FileOutput,
): Promise<ValidationOutcome> {
  const { silver, version, sink, references } = output;
  const { deps } = context;
  const result = await validateObjectRows(context, plan, sink);
  if (result === 'unreadable') return 'rejected';
  if (result.outcome === 'deferred') {
    await abandonOutput(context, sink);
    await deferFile(context, plan, result);
    return 'deferred';
  }
  await sink.finish();
  const counts = result.report.counts;
  deps.metrics.rowsProcessed.inc({ outcome: 'accepted', dataset: plan.dataset }, counts.accepted);
  deps.metrics.rowsProcessed.inc({ outcome: 'rejected', dataset: plan.dataset }, counts.rejected);
  const partitions = [...sink.partitions];
  // Judged before anything is made visible, so a rerun after a crash finds the same verdict
  // stored (docs/design.md, "Data quality").
  const report = buildReport(context, result.report, plan.dataset, result.verdict, result.touchedDates);
  const anomalies = hasRowProfile(report)
    ? await recordFileProfile(context, { dataset: plan.dataset, report, reportKey: output.reportKey })
    : [];
  if (result.verdict === 'REJECTED') {
    // This version's parts were never committed; remove them so nothing stale lingers.
    await silver.deleteVersion(version, partitions);
    await rejectFile(context, plan.dataset, { ...report, anomalies });
    return 'rejected';
  }
  await publishFile(context, {
    dataset: plan.dataset,
    result,
    rowCountsByDate: report.profile.rowsByDate,
    anomalies,
    silver,
    version,
    partitions,
    references,
    reportKey: output.reportKey,
    rejectedRowsKey: output.rejectedRowsKey,
  });
  return 'accepted';
}

/**
 * Streams the object through validation into `sink`; an object that cannot be read or
 * decompressed is rejected here, as OBJECT_UNREADABLE.
 */
async function validateObjectRows(
  context: FileContext,
  plan: ObjectPlan,
  sink: ValidationOutputSink,
): Promise<FileValidationResult | 'unreadable'> {
  const { deps, key, eventTime } = context;
  const { config } = deps;
  const contract = datasetContract(deps.contracts, plan.dataset);
  const source = await deps.rawObjects.open(
    { bucket: context.bucket, key: key.sourceKey, eTag: key.objectVersion, gzip: plan.gzip },
    context.signal,
  );
  const events = stopAtShutdown(
    recordParserFor({ contract, format: plan.format })(countBytes(source, context), {
      // Batches of a chunk or less, validated one by one and written as one chunk.
      batchSize: Math.min(DEFAULT_BATCH_SIZE, config.chunkRows),
    }),
    context,
  );
  try {
    return await validateFile(
      events,
      {
        contract,
        rowVersion: `${eventTime}#${key.sourceKey}`,
        nowMs: context.startedAtMs,
        maxRejectedRowRatio: maxRejectedRowRatio(deps, plan.dataset),
        references: deps.references,
        referenceGraceExpired: deps.now() >= Date.parse(eventTime) + config.referenceGraceSeconds * 1000,
        chunkRows: config.chunkRows,
      },
      sink,
    );
  } catch (error) {
    await abandonOutput(context, sink);
    if (!(error instanceof ObjectUnreadableError)) throw error;
    const report = rejectionReport(
      context,
      [{ code: 'OBJECT_UNREADABLE', message: error.message }],
      plan.dataset,
    );
    await rejectFile(context, plan.dataset, report);
    return 'unreadable';
  }
}

async function deferFile(
  context: FileContext,
  plan: ObjectPlan,
  result: Extract<FileValidationResult, { outcome: 'deferred' }>,
): Promise<void> {
  const { deps } = context;
  const deferredUntil = deps.now() + 1000 * Math.min(900, deps.config.referenceGraceSeconds);
  const parked = await deps.lineage.defer(context.key, deps.config.workerId, { deferredUntil });
  deps.metrics.deferrals.inc();
  deps.metrics.filesProcessed.inc({ outcome: 'deferred', dataset: plan.dataset });
  context.log.info(
    {
      unresolvedRows: result.unresolvedRows,
      missingOrders: result.missingOrderIds.length,
      missingProducts: result.missingProductIds.length,
    },
    'file deferred until its products and orders arrive',
  );
  await wakeIfReferencesArrived(context, parked, {
    orderIds: result.missingOrderIds,
    productIds: result.missingProductIds,
  });
}

/** Passes the object's bytes through, counting them (decompressed, as parsed). */
async function* countBytes(
  source: AsyncIterable<Uint8Array>,
  context: FileContext,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    context.deps.metrics.bytesRead.inc(chunk.length);
    yield chunk;
  }
}

/** Passes parse events through, stopping at shutdown. */
async function* stopAtShutdown(
  events: AsyncGenerator<ParseEvent>,
  context: FileContext,
): AsyncGenerator<ParseEvent> {
  for await (const event of events) {
    if (context.signal.aborted) throw context.signal.reason ?? new Error('aborted');
    yield event;
  }
}

/** Drops the rejected-rows upload of a file that will not be published. */
async function abandonOutput(context: FileContext, sink: ValidationOutputSink): Promise<void> {
  const abortError = await sink.abort();
  if (abortError !== undefined) {
    context.log.warn(
      { err: abortError },
      'could not abort the rejected-rows upload; the bucket lifecycle removes its parts',
    );
  }
}
