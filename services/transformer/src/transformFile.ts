import {
  type AwsClients,
  archiveObject,
  type DateRecomputeCoordinator,
  type LineageRepository,
  lineageErrorOf,
  type MessageOutcome,
  type PollerLogger,
  type QueueMessage,
} from '@storeflow/aws';
import {
  archiveKey,
  FileStatus,
  type LineageKey,
  parseTransformMessage,
  pendingTransformCodec,
  type TransformCounts,
  type ValidatedFile,
} from '@storeflow/core';
import pLimit from 'p-limit';
import type { TransformerConfig } from './config.js';
import type { DateRecomputes } from './dateRecomputes.js';
import type { TransformerMetrics } from './metrics.js';

export interface TransformerDependencies {
  clients: AwsClients;
  config: Readonly<TransformerConfig>;
  lineage: LineageRepository;
  coordinator: DateRecomputeCoordinator;
  /** The task's one door to date recomputes; see DateRecomputes. */
  dates: DateRecomputes;
  metrics: TransformerMetrics;
  now: () => number;
}

/**
 * Handles one transform-queue message: makes sure every order date the file touched has been
 * recomputed since the file was validated (taking a ticket per date and running or waiting for
 * the recompute, see DateRecomputeCoordinator), then archives the raw object to processed/ and
 * ends its lineage with SUCCESS, its counts and timings. A date another task is recomputing is
 * waited for by requeueing the message with its tickets, which keeps the receive count, and the
 * DLQ, out of it.
 *
 * A failed attempt records `lastError` and releases the lineage lease, so the retry claims the
 * file at once; a permanent error, or a failure on the last receive before the DLQ, ends the file
 * FAILED. The raw object then stays under raw/ (nothing was archived), for a redrive or a
 * reprocess to retry.
 */
export function createTransformHandler(deps: TransformerDependencies) {
  return async (message: QueueMessage, signal: AbortSignal): Promise<MessageOutcome> => {
    const parsed = parseTransformMessage(message.body);
    if (parsed.kind === 'unrecognised') {
      message.log.error({ reason: parsed.reason }, 'unrecognised message acknowledged without work');
      deps.metrics.messagesIgnored.inc({ reason: 'unrecognised' });
      return { kind: 'done' };
    }
    const { file } = parsed;
    const log = message.log.child({ key: file.key, objectVersion: file.objectVersion });
    const key: LineageKey = { fileKey: file.key, objectVersion: file.objectVersion };
    const leaseMs = deps.config.visibilityTimeoutSeconds * 1000;
    const claim = await deps.lineage.claimForTransform({ ...key, workerId: deps.config.workerId, leaseMs });
    if (claim.outcome === 'done') {
      log.info({ status: claim.record.status }, 'duplicate transform message acknowledged');
      deps.metrics.filesProcessed.inc({ outcome: 'duplicate' });
      return { kind: 'done' };
    }
    if (claim.outcome === 'busy') {
      const delaySeconds = Math.max(1, Math.ceil((claim.leaseExpiresAt - deps.now()) / 1000));
      return { kind: 'retryLater', delaySeconds };
    }
    const stopTimer = deps.metrics.fileDuration.startTimer();
    const startedAtMs = deps.now();
    // The validator's timings (validateMs) stay; this service adds its own beside them.
    const timings = () => ({ ...claim.record.timings, transformMs: deps.now() - startedAtMs });
    const renewal = setInterval(() => {
      deps.lineage
        .renewLease(key, deps.config.workerId, leaseMs)
        .catch((error: unknown) => log.warn({ err: error }, 'lineage lease renewal failed'));
    }, deps.config.heartbeatSeconds * 1000);
    renewal.unref();
    try {
      const recomputed = await recomputeTouchedDates(deps, file, parsed.tickets, signal, log);
      if (recomputed.kind === 'pending') {
        // Hand the file back so whichever task receives the requeue can claim it.
        await deps.lineage.update(key, deps.config.workerId, {}, { releaseLease: true });
        deps.metrics.dateLeaseWaits.inc(recomputed.dates.length);
        deps.metrics.filesProcessed.inc({ outcome: 'pending' });
        stopTimer({ outcome: 'pending' });
        log.info({ pendingDates: recomputed.dates }, 'dates being recomputed elsewhere; requeued');
        return {
          kind: 'requeue',
          delaySeconds: deps.config.heldDateRetrySeconds,
          body: pendingTransformCodec.encode({ file, tickets: recomputed.tickets }),
        };
      }
      const archived = await archive(deps, file, log);
      await deps.lineage.complete(key, deps.config.workerId, {
        status: FileStatus.SUCCESS,
        touchedDates: file.touchedDates,
        timings: timings(),
        transformCounts: recomputed.counts,
      });
      deps.metrics.filesProcessed.inc({ outcome: 'success' });
      stopTimer({ outcome: 'success' });
      log.info({ ...recomputed.counts, archivedTo: archived }, 'file transformed');
      return { kind: 'done' };
    } catch (error) {
      if (signal.aborted) {
        // Stopped, not failed: hand the file back without an error, for the next task to take.
        await deps.lineage
          .update(key, deps.config.workerId, {}, { releaseLease: true })
          .catch((releaseError: unknown) =>
            log.warn({ err: releaseError }, 'could not release the lineage lease; it will expire'),
          );
        throw error;
      }
      const outcome = await recordFailure(deps, key, message.receiveCount, error, timings(), log);
      deps.metrics.filesProcessed.inc({ outcome });
      stopTimer({ outcome });
      throw error;
    } finally {
      clearInterval(renewal);
    }
  };
}

type RecomputeOutcome =
  /** Every touched date is covered by a recompute since the file was validated. */
  | { readonly kind: 'recomputed'; readonly counts: TransformCounts }
  /** Some dates are being recomputed by other tasks; come back with these tickets. */
  | {
      readonly kind: 'pending';
      readonly dates: readonly string[];
      readonly tickets: Readonly<Record<string, number>>;
    };

async function recomputeTouchedDates(
  deps: TransformerDependencies,
  file: ValidatedFile,
  heldTickets: Readonly<Record<string, number>>,
  signal: AbortSignal,
  log: PollerLogger,
): Promise<RecomputeOutcome> {
  const tickets: Record<string, number> = { ...heldTickets };
  const limit = pLimit(deps.config.dateConcurrency);
  await Promise.all(
    file.touchedDates.map((date) =>
      limit(async () => {
        tickets[date] ??= await deps.coordinator.request(date);
      }),
    ),
  );
  const results = await Promise.all(
    file.touchedDates.map((date) =>
      limit(async () => {
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        return { date, result: await deps.dates.ensure(file.bucket, date, tickets[date] as number, log) };
      }),
    ),
  );
  const pending = results.filter(({ result }) => result.outcome === 'held').map(({ date }) => date);
  if (pending.length > 0) return { kind: 'pending', dates: pending, tickets };
  const counts = {
    dates_recomputed: 0,
    dates_already_current: 0,
    orders_aggregated: 0,
    items_aggregated: 0,
    kpi_rows_written: 0,
    kpi_rows_deleted: 0,
  };
  for (const { result } of results) {
    if (result.outcome !== 'done') continue;
    const { summary } = result;
    if (summary === undefined) {
      counts.dates_already_current += 1;
      continue;
    }
    counts.dates_recomputed += 1;
    counts.orders_aggregated += summary.ordersCounted;
    counts.items_aggregated += summary.itemsCounted;
    counts.kpi_rows_written += summary.written;
    counts.kpi_rows_deleted += summary.deleted;
  }
  return { kind: 'recomputed', counts };
}

/**
 * Records a failed attempt in lineage and hands the file back: `lastError`, lease released so the
 * retry claims it at once, and status FAILED when no retry will come (a permanent error, or the
 * receive the redrive policy makes the last).
 *
 * @returns the attempt's outcome for the metrics: `failed` or `retry`
 */
async function recordFailure(
  deps: TransformerDependencies,
  key: LineageKey,
  receiveCount: number,
  error: unknown,
  timings: Readonly<Record<string, number>>,
  log: PollerLogger,
): Promise<'failed' | 'retry'> {
  const lastError = lineageErrorOf(error);
  const lastAttempt = !lastError.retryable || receiveCount >= deps.config.maxReceiveCount;
  try {
    if (lastAttempt) {
      await deps.lineage.complete(key, deps.config.workerId, {
        status: FileStatus.FAILED,
        lastError,
        timings,
      });
    } else {
      await deps.lineage.update(key, deps.config.workerId, { lastError }, { releaseLease: true });
    }
  } catch (lineageError) {
    // The attempt's own error still propagates; this one only explains a lineage left as it was.
    log.warn({ err: lineageError }, 'could not record the failed attempt in lineage');
  }
  log.warn(
    { lastError, receiveCount, maxReceiveCount: deps.config.maxReceiveCount },
    lastAttempt ? 'transform failed; lineage FAILED, raw object left under raw/' : 'transform attempt failed',
  );
  return lastAttempt ? 'failed' : 'retry';
}

async function archive(
  deps: TransformerDependencies,
  file: ValidatedFile,
  log: PollerLogger,
): Promise<string> {
  const destination = archiveKey('processed', file.dataset, file.key, file.eventTime);
  const outcome = await archiveObject(deps.clients, {
    bucket: file.bucket,
    key: file.key,
    eTag: file.objectVersion,
    destination,
  });
  // Gone (an earlier attempt archived it) or replaced by a newer upload, which archives itself.
  if (outcome === 'nothing_to_archive') log.info({}, 'raw object already archived or replaced');
  return destination;
}
