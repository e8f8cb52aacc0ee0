import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  type AwsClients,
  archiveObject,
  callAws,
  errorName,
  type LineageRepository,
  lineageErrorOf,
  type MessageOutcome,
  type PollerLogger,
  type QueueMessage,
  type ReferenceStore,
  type SourceVersionStore,
} from '@storeflow/aws';
import {
  archiveKey,
  type Dataset,
  deferredObjectsCodec,
  type FileIssue,
  FileStatus,
  type FileValidationResult,
  type IssueCode,
  type LineageKey,
  type ObjectPlan,
  type ObjectRef,
  type ParseEvent,
  parseIngestMessage,
  planObject,
  recordParserFor,
  type SilverOrder,
  type SilverProduct,
  type ValidatedFile,
  type ValidationReport,
  ValidationReportBuilder,
  type Verdict,
  validatedFileCodec,
  validateFile,
  WorkerError,
} from '@storeflow/core';
import type { ValidatorConfig } from './config.js';
import type { ValidatorMetrics } from './metrics.js';
import { type OutputKeys, outputKeys, reportKey as reportKeyOf } from './outputKeys.js';
import { S3ValidationSink } from './S3ValidationSink.js';

/** What the validator needs from the outside world, built once in main.ts (or a test). */
export interface ValidatorDependencies {
  clients: AwsClients;
  config: Readonly<ValidatorConfig>;
  lineage: LineageRepository;
  references: ReferenceStore;
  sourceVersions: SourceVersionStore;
  metrics: ValidatorMetrics;
  now: () => number;
}

/** The object could not be read or decompressed: a permanent, file-level problem. */
export class ObjectUnreadableError extends WorkerError {
  readonly code = 'OBJECT_UNREADABLE';
  readonly retryable = false;
}

const REFERENCE_SLICE_ROWS = 500;

type ObjectOutcome =
  | { kind: 'done' }
  | { kind: 'deferred'; object: ObjectRef }
  | { kind: 'busy'; retryAfterSeconds: number };

/**
 * Handles one ingest-queue message: every object it names is validated (or recognised as a
 * duplicate), deferred objects are re-sent with a delay, and the message is then acknowledged.
 * Malformed messages and the S3 test event are acknowledged and counted, never retried.
 */
export function createIngestHandler(deps: ValidatorDependencies) {
  return async (message: QueueMessage, signal: AbortSignal): Promise<MessageOutcome> => {
    const parsed = parseIngestMessage(message.body);
    if (parsed.kind === 'test-event') {
      message.log.info({}, 'S3 test event acknowledged');
      deps.metrics.messagesIgnored.inc({ reason: 'test_event' });
      return { kind: 'done' };
    }
    if (parsed.kind === 'unrecognised') {
      message.log.error({ reason: parsed.reason }, 'unrecognised message acknowledged without work');
      deps.metrics.messagesIgnored.inc({ reason: 'unrecognised' });
      return { kind: 'done' };
    }
    const deferred: ObjectRef[] = [];
    let retryAfterSeconds = 0;
    for (const object of parsed.objects) {
      const log = message.log.child({ bucket: object.bucket, key: object.key });
      const outcome = await processObject(deps, object, log, signal);
      if (outcome.kind === 'deferred') deferred.push(outcome.object);
      if (outcome.kind === 'busy') retryAfterSeconds = Math.max(retryAfterSeconds, outcome.retryAfterSeconds);
    }
    if (retryAfterSeconds > 0) return { kind: 'retryLater', delaySeconds: retryAfterSeconds };
    if (deferred.length > 0) {
      return {
        kind: 'requeue',
        delaySeconds: deferralDelaySeconds(deps.config.deferralBaseSeconds, parsed.attempt),
        body: deferredObjectsCodec.encode({ objects: deferred, attempt: parsed.attempt + 1 }),
      };
    }
    return { kind: 'done' };
  };
}

/** base, 2 × base, 4 × base, … capped at the SQS maximum delay of 15 minutes. */
export function deferralDelaySeconds(baseSeconds: number, attempt: number): number {
  return Math.min(900, baseSeconds * 2 ** Math.max(0, attempt - 1));
}

async function processObject(
  deps: ValidatorDependencies,
  object: ObjectRef,
  log: PollerLogger,
  signal: AbortSignal,
): Promise<ObjectOutcome> {
  const { clients, config, lineage, metrics } = deps;
  const head = await headObject(clients, object);
  if (head === undefined) {
    // Archived by an earlier delivery, or deleted: nothing is left to validate.
    log.warn({}, 'object no longer exists; message acknowledged');
    metrics.messagesIgnored.inc({ reason: 'object_missing' });
    return { kind: 'done' };
  }
  if (object.eTag !== undefined && head.eTag !== object.eTag && object.versionId === undefined) {
    // Overwritten since the event: the newer version has an event of its own.
    log.info(
      { eventETag: object.eTag, currentETag: head.eTag },
      'object overwritten since its event; skipped',
    );
    metrics.messagesIgnored.inc({ reason: 'superseded_event' });
    return { kind: 'done' };
  }
  const plan = planObject(object.key, head.sizeBytes, config.maxObjectBytes);
  if (plan.outcome === 'ignore') {
    log.info({}, 'key outside raw/ ignored');
    metrics.messagesIgnored.inc({ reason: 'not_under_raw' });
    return { kind: 'done' };
  }
  const dataset: Dataset | 'unknown' =
    plan.outcome === 'process' ? plan.plan.dataset : guessDataset(object.key);
  const key: LineageKey = { fileKey: object.key, objectVersion: object.versionId ?? head.eTag };
  if (object.reprocessId !== undefined) {
    await lineage.reopen(key, [
      FileStatus.FAILED,
      FileStatus.VALIDATED,
      FileStatus.TRANSFORMING,
      FileStatus.SUCCESS,
    ]);
    log.info({ reprocessId: object.reprocessId }, 'reprocess requested');
  }
  const leaseMs = config.visibilityTimeoutSeconds * 1000;
  const claim = await lineage.claim({
    ...key,
    dataset,
    eventTime: object.eventTime ?? head.lastModified,
    workerId: config.workerId,
    leaseMs,
  });
  if (claim.outcome === 'done') {
    // The raw object exists (HEAD found it), so after a finished run this is the same bytes
    // uploaded again: nothing changes, and it is archived like the first upload was.
    const finished = claim.record.status === FileStatus.SUCCESS || claim.record.status === FileStatus.FAILED;
    if (finished) {
      await archiveObject(clients, {
        bucket: object.bucket,
        key: object.key,
        eTag: head.eTag,
        destination: archiveKey(
          claim.record.status === FileStatus.SUCCESS ? 'processed' : 'failed',
          claim.record.dataset,
          object.key,
          claim.record.eventTime,
        ),
      });
    }
    log.info({ status: claim.record.status, archived: finished }, 'already processed version; acknowledged');
    metrics.filesProcessed.inc({ outcome: 'duplicate', dataset });
    return { kind: 'done' };
  }
  if (claim.outcome === 'busy') {
    const retryAfterSeconds = Math.max(1, Math.ceil((claim.leaseExpiresAt - deps.now()) / 1000));
    log.info({ holder: claim.workerId, retryAfterSeconds }, 'another worker holds this file; retrying later');
    return { kind: 'busy', retryAfterSeconds };
  }

  // The first event time recorded for this version stays its identity, also for reprocessing.
  const eventTime = claim.record.eventTime;
  const startedAtMs = deps.now();
  const stopTimer = metrics.fileDuration.startTimer();
  // The lineage lease must outlive the work, like the message's visibility.
  const leaseRenewal = setInterval(() => {
    lineage
      .renewLease(key, config.workerId, leaseMs)
      .catch((error: unknown) => log.warn({ err: error }, 'lineage lease renewal failed'));
  }, config.heartbeatSeconds * 1000);
  leaseRenewal.unref();
  try {
    const context: FileContext = {
      deps,
      log,
      signal,
      bucket: object.bucket,
      key,
      eventTime,
      startedAtMs,
    };
    if (plan.outcome === 'reject') {
      await rejectFile(context, dataset, rejectionReport([plan.fileIssue], dataset, context));
      stopTimer({ outcome: 'rejected' });
      return { kind: 'done' };
    }
    const outcome = await validateAndPublish(context, plan.plan);
    stopTimer({ outcome });
    if (outcome === 'deferred') {
      return { kind: 'deferred', object: { ...object, eTag: head.eTag, eventTime } };
    }
    return { kind: 'done' };
  } catch (error) {
    // Hand the file back at once, whatever failed: the redelivery (after the poller's backoff, or
    // to the next worker at shutdown) claims it straight away instead of finding it busy until
    // the lease runs out, which would cost a receive and defeat the backoff. The release is fenced
    // on this worker id, so a file another worker has taken over is left alone.
    clearInterval(leaseRenewal);
    // Stopped (shutdown, or the message is no longer ours) rather than failed: no error to record.
    const stopped = signal.aborted;
    const changes = stopped ? {} : { lastError: lineageErrorOf(error) };
    try {
      await lineage.update(key, config.workerId, changes, { releaseLease: true });
      log.info({ stopped }, 'file released for the next attempt');
    } catch (releaseError) {
      // Never instead of the original error: the lease then simply runs out.
      log.warn({ err: releaseError }, 'could not release the file in lineage; its lease will expire');
    }
    throw error;
  } finally {
    clearInterval(leaseRenewal);
  }
}

interface FileContext {
  deps: ValidatorDependencies;
  log: PollerLogger;
  signal: AbortSignal;
  bucket: string;
  key: LineageKey;
  eventTime: string;
  startedAtMs: number;
}

async function validateAndPublish(
  context: FileContext,
  plan: ObjectPlan,
): Promise<'accepted' | 'rejected' | 'deferred'> {
  const { deps, key, eventTime } = context;
  const { config, metrics } = deps;
  const keys = outputKeys(plan.dataset, key.fileKey, key.objectVersion, eventTime);
  const graceExpired = deps.now() >= Date.parse(eventTime) + config.referenceGraceSeconds * 1000;
  // Nothing is written before the first batch, so creating it up front costs nothing.
  const sink = new S3ValidationSink({ clients: deps.clients, bucket: context.bucket, keys });
  const parse = recordParserFor(plan);
  const source = await readObject(context, plan.gzip);
  const events = observeEvents(parse(source, { batchSize: config.chunkRows }), context);
  let result: FileValidationResult;
  try {
    result = await validateFile(
      events,
      {
        dataset: plan.dataset,
        rowVersion: `${eventTime}#${key.fileKey}`,
        nowMs: context.startedAtMs,
        skuPattern: config.skuPattern,
        maxRejectedRowRatio: maxRejectedRowRatio(config, plan.dataset),
        references: deps.references,
        referenceGraceExpired: graceExpired,
      },
      sink,
    );
  } catch (error) {
    await sink.abort();
    if (!(error instanceof ObjectUnreadableError)) throw error;
    const report = rejectionReport(
      [{ code: 'OBJECT_UNREADABLE', message: error.message }],
      plan.dataset,
      context,
    );
    await rejectFile(context, plan.dataset, report);
    return 'rejected';
  }

  if (result.outcome === 'deferred') {
    await sink.abort();
    const deferredUntil = deps.now() + 1000 * Math.min(900, config.referenceGraceSeconds);
    await deps.lineage.defer(key, config.workerId, { deferredUntil });
    metrics.deferrals.inc();
    metrics.filesProcessed.inc({ outcome: 'deferred', dataset: plan.dataset });
    context.log.info(
      {
        unresolvedRows: result.unresolvedRows,
        missingOrders: result.missingOrderIds.length,
        missingProducts: result.missingProductIds.length,
      },
      'file deferred until its products and orders arrive',
    );
    return 'deferred';
  }

  await sink.finish();
  const counts = result.report.counts;
  metrics.rowsProcessed.inc({ outcome: 'accepted', dataset: plan.dataset }, counts.accepted);
  metrics.rowsProcessed.inc({ outcome: 'rejected', dataset: plan.dataset }, counts.rejected);
  const partitions = [...sink.partitions];
  if (result.verdict === 'REJECTED') {
    // This version's parts were never committed; remove them so nothing stale lingers.
    await deleteVersionParts(context, keys, partitions, key.objectVersion);
    const report = buildReport(
      context,
      result.report,
      plan.dataset,
      'REJECTED',
      [],
      maxRejectedRowRatio(config, plan.dataset),
    );
    await rejectFile(context, plan.dataset, report);
    return 'rejected';
  }
  const touchedDates = result.touchedDates;
  const commit = await deps.sourceVersions.commit({
    sourceId: keys.sourceId,
    sourceKey: key.fileKey,
    objectVersion: key.objectVersion,
    eventTime,
    dataset: plan.dataset,
    touchedDates: plan.dataset === 'products' ? [] : partitions,
  });
  if (commit.outcome === 'superseded') {
    context.log.info(
      { current: commit.current?.objectVersion },
      'a newer version of this key is already committed',
    );
  } else {
    await recordReferences(context, plan.dataset, keys, partitions);
    const previous = commit.previous;
    if (previous !== undefined && previous.objectVersion !== key.objectVersion) {
      await deleteVersionParts(
        context,
        keys,
        plan.dataset === 'products' ? [''] : previous.touchedDates,
        previous.objectVersion,
      );
    }
  }
  const datesToRecompute =
    commit.outcome === 'committed'
      ? [...new Set([...touchedDates, ...(commit.previous?.touchedDates ?? [])])].sort()
      : [];
  const report = buildReport(
    context,
    result.report,
    plan.dataset,
    'ACCEPTED',
    touchedDates,
    maxRejectedRowRatio(config, plan.dataset),
  );
  await putJson(context, keys.report, report);
  const message: ValidatedFile = {
    bucket: context.bucket,
    key: key.fileKey,
    objectVersion: key.objectVersion,
    dataset: plan.dataset,
    eventTime,
    touchedDates: datesToRecompute,
  };
  await callAws(deps.clients, 'SQS', 'SendMessage', () =>
    deps.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: config.transformQueueUrl,
        MessageBody: validatedFileCodec.encode(message),
      }),
    ),
  );
  await deps.lineage.complete(key, config.workerId, {
    status: FileStatus.VALIDATED,
    verdict: 'ACCEPTED',
    rowsTotal: counts.total,
    rowsAccepted: counts.accepted,
    rowsRejected: counts.rejected,
    ruleCounts: report.ruleCounts as Record<string, number>,
    reportKey: keys.report,
    touchedDates: datesToRecompute,
    timings: { validateMs: deps.now() - context.startedAtMs },
  });
  for (const [code, count] of Object.entries(report.ruleCounts)) metrics.ruleFailures.inc({ code }, count);
  metrics.filesProcessed.inc({ outcome: 'accepted', dataset: plan.dataset });
  context.log.info(
    {
      rows: counts.total,
      accepted: counts.accepted,
      rejected: counts.rejected,
      touchedDates: touchedDates.length,
    },
    'file accepted',
  );
  return 'accepted';
}

/** Records the committed products or orders as references, reading back the parts just written. */
async function recordReferences(
  context: FileContext,
  dataset: Dataset,
  keys: OutputKeys,
  partitions: readonly string[],
): Promise<void> {
  if (dataset === 'order_items') return;
  const { deps, key } = context;
  for (const partition of partitions) {
    for (const partKey of await listKeys(context, keys.silverVersionPrefix(partition, key.objectVersion))) {
      const body = await getText(context, partKey);
      const records = body
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as SilverProduct | SilverOrder);
      // In slices, so a shutdown is noticed within one slice's writes rather than one part's.
      for (let start = 0; start < records.length; start += REFERENCE_SLICE_ROWS) {
        if (context.signal.aborted) throw context.signal.reason ?? new Error('aborted');
        const slice = records.slice(start, start + REFERENCE_SLICE_ROWS);
        if (dataset === 'products') {
          const products = slice as SilverProduct[];
          await deps.references.recordProducts(
            products.map((product) => ({ id: product.id, category: product.category })),
            products[0]?._version ?? '',
            key.fileKey,
          );
        } else {
          const orders = slice as SilverOrder[];
          await deps.references.recordOrders(
            orders.map((order) => ({
              orderId: order.order_id,
              userId: order.user_id,
              createdAtMs: order.created_at_ms,
              status: order.status,
            })),
            orders[0]?._version ?? '',
            key.fileKey,
          );
        }
      }
    }
  }
}

/** Archives a rejected file to failed/ with its error document, then removes it from raw/. */
async function rejectFile(
  context: FileContext,
  dataset: Dataset | 'unknown',
  report: ValidationReport,
): Promise<void> {
  const { deps, key, bucket, eventTime } = context;
  const failedKey = archiveKey('failed', dataset, key.fileKey, eventTime);
  const reportKey = reportKeyOf(dataset, key.fileKey, eventTime);
  await putJson(context, reportKey, report);
  // The error document first: once the raw object is gone, failed/ must already explain it.
  await putJson(context, `${failedKey}.error.json`, {
    sourceKey: key.fileKey,
    objectVersion: key.objectVersion,
    verdict: report.verdict,
    fileIssues: report.fileIssues,
    rows: report.rows,
    ruleCounts: report.ruleCounts,
    reportKey,
  });
  await archiveObject(deps.clients, {
    bucket,
    key: key.fileKey,
    eTag: key.objectVersion,
    destination: failedKey,
  });
  const codes = [...report.fileIssues.map((issue) => issue.code)];
  await deps.lineage.complete(key, deps.config.workerId, {
    status: FileStatus.FAILED,
    verdict: 'REJECTED',
    rowsTotal: report.rows.total,
    rowsAccepted: report.rows.accepted,
    rowsRejected: report.rows.rejected,
    ruleCounts: {
      ...(report.ruleCounts as Record<string, number>),
      ...Object.fromEntries(codes.map((code) => [code, 1])),
    },
    reportKey,
    touchedDates: [],
    lastError: {
      // A file-level problem, else the verdict itself: too many rows were rejected.
      code: codes[0] ?? ('REJECTED_ROW_RATIO' satisfies IssueCode),
      message:
        report.fileIssues[0]?.message ??
        `rejected share ${report.rejectedRowRatio} above ${report.maxRejectedRowRatio}`,
      retryable: false,
    },
    timings: { validateMs: deps.now() - context.startedAtMs },
  });
  for (const code of codes) deps.metrics.ruleFailures.inc({ code });
  for (const [code, count] of Object.entries(report.ruleCounts))
    deps.metrics.ruleFailures.inc({ code }, count);
  deps.metrics.filesProcessed.inc({ outcome: 'rejected', dataset });
  context.log.warn({ fileIssues: codes, rows: report.rows }, 'file rejected and archived to failed/');
}

function rejectionReport(
  fileIssues: readonly FileIssue[],
  dataset: Dataset | 'unknown',
  context: FileContext,
): ValidationReport {
  const builder = new ValidationReportBuilder([]);
  for (const issue of fileIssues) builder.addFileIssue(issue, 'problem');
  return buildReport(
    context,
    builder,
    dataset,
    'REJECTED',
    [],
    maxRejectedRowRatio(context.deps.config, dataset),
  );
}

function buildReport(
  context: FileContext,
  builder: ValidationReportBuilder,
  dataset: Dataset | 'unknown',
  verdict: Verdict,
  touchedDates: readonly string[],
  ratio: number,
): ValidationReport {
  return builder.build({
    source: {
      bucket: context.bucket,
      key: context.key.fileKey,
      objectVersion: context.key.objectVersion,
      eventTime: context.eventTime,
      dataset,
    },
    verdict,
    maxRejectedRowRatio: ratio,
    touchedDates,
    timingsMs: { totalMs: context.deps.now() - context.startedAtMs },
    generatedAt: new Date(context.deps.now()).toISOString(),
  });
}

function maxRejectedRowRatio(config: Readonly<ValidatorConfig>, dataset: Dataset | 'unknown'): number {
  if (dataset === 'products') return config.maxRejectedRowRatioProducts;
  if (dataset === 'orders') return config.maxRejectedRowRatioOrders;
  return config.maxRejectedRowRatioOrderItems;
}

function guessDataset(key: string): Dataset | 'unknown' {
  const folder = key.split('/')[1];
  return folder === 'products' || folder === 'orders' || folder === 'order_items' ? folder : 'unknown';
}

async function headObject(
  clients: AwsClients,
  object: ObjectRef,
): Promise<{ eTag: string; sizeBytes: number; lastModified: string } | undefined> {
  try {
    const head = await clients.s3.send(
      new HeadObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(object.versionId === undefined ? {} : { VersionId: object.versionId }),
      }),
    );
    return {
      eTag: (head.ETag ?? '').replace(/"/g, ''),
      sizeBytes: head.ContentLength ?? 0,
      lastModified: (head.LastModified ?? new Date(0)).toISOString(),
    };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey')
      return undefined;
    return callAws(clients, 'S3', 'HeadObject', () => Promise.reject(error));
  }
}

/** The object's bytes, decompressed when gzip; decompression failures become OBJECT_UNREADABLE. */
async function readObject(context: FileContext, gzip: boolean): Promise<AsyncIterable<Uint8Array>> {
  const { deps, bucket, key } = context;
  const response = await callAws(deps.clients, 'S3', 'GetObject', () =>
    deps.clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key.fileKey, IfMatch: `"${key.objectVersion}"` }),
      { abortSignal: context.signal },
    ),
  );
  const body = response.Body as Readable;
  const source = gzip ? body.pipe(createGunzip()) : body;
  if (gzip) body.on('error', (error) => source.destroy(error));
  return countBytes(source, deps.metrics, gzip);
}

async function* countBytes(
  source: Readable,
  metrics: ValidatorMetrics,
  gzip: boolean,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) {
      metrics.bytesRead.inc((chunk as Uint8Array).length);
      yield chunk as Uint8Array;
    }
  } catch (error) {
    if (
      gzip &&
      typeof (error as { code?: unknown }).code === 'string' &&
      String((error as { code: string }).code).startsWith('Z_')
    ) {
      throw new ObjectUnreadableError(`gzip stream is corrupt: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Passes parse events through, timing each batch and stopping at shutdown. */
async function* observeEvents(
  events: AsyncGenerator<ParseEvent>,
  context: FileContext,
): AsyncGenerator<ParseEvent> {
  for await (const event of events) {
    if (context.signal.aborted) throw context.signal.reason ?? new Error('aborted');
    if (event.type === 'batch') {
      const stopTimer = context.deps.metrics.chunkDuration.startTimer();
      yield event;
      stopTimer();
    } else {
      yield event;
    }
  }
}

async function deleteVersionParts(
  context: FileContext,
  keys: OutputKeys,
  partitions: readonly string[],
  objectVersion: string,
): Promise<void> {
  for (const partition of partitions) {
    const partKeys = await listKeys(context, keys.silverVersionPrefix(partition, objectVersion));
    for (let start = 0; start < partKeys.length; start += 1000) {
      const batch = partKeys.slice(start, start + 1000);
      await callAws(context.deps.clients, 'S3', 'DeleteObjects', () =>
        context.deps.clients.s3.send(
          new DeleteObjectsCommand({
            Bucket: context.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
    }
  }
}

async function listKeys(context: FileContext, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await callAws(context.deps.clients, 'S3', 'ListObjectsV2', () =>
      context.deps.clients.s3.send(
        new ListObjectsV2Command({ Bucket: context.bucket, Prefix: prefix, ContinuationToken: token }),
      ),
    );
    for (const entry of page.Contents ?? []) if (entry.Key !== undefined) keys.push(entry.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

async function getText(context: FileContext, key: string): Promise<string> {
  const response = await callAws(context.deps.clients, 'S3', 'GetObject', () =>
    context.deps.clients.s3.send(new GetObjectCommand({ Bucket: context.bucket, Key: key })),
  );
  return (await response.Body?.transformToString('utf-8')) ?? '';
}

async function putJson(context: FileContext, key: string, value: unknown): Promise<void> {
  await callAws(context.deps.clients, 'S3', 'PutObject', () =>
    context.deps.clients.s3.send(
      new PutObjectCommand({
        Bucket: context.bucket,
        Key: key,
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    ),
  );
}
