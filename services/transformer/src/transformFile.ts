import {
  type AwsClients,
  archiveObject,
  type DateRecomputeCoordinator,
  FileStatus,
  type LineageKey,
  type LineageRepository,
  type MessageOutcome,
  type PollerLogger,
  type QueueMessage,
} from '@storeflow/aws';
import { archiveKey } from '@storeflow/core';
import type { TransformerConfig } from './config.js';
import { parseTransformMessage, pendingMessage, type ValidatedFile } from './messages.js';
import type { TransformerMetrics } from './metrics.js';
import { type RecomputeDependencies, recomputeDate } from './recomputeDate.js';

export interface TransformerDependencies extends Omit<RecomputeDependencies, 'bucket'> {
  clients: AwsClients;
  config: Readonly<TransformerConfig>;
  lineage: LineageRepository;
  coordinator: DateRecomputeCoordinator;
  metrics: TransformerMetrics;
}

/**
 * Handles one transform-queue message: makes sure every order date the file touched has been
 * recomputed since the file was validated (taking a ticket per date and running or waiting for
 * the recompute, see DateRecomputeCoordinator), then archives the raw object to processed/ and
 * ends its lineage with SUCCESS. A date another task is recomputing is waited for by requeueing
 * the message with its tickets, which keeps the receive count, and the DLQ, out of it.
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
    const renewal = setInterval(() => {
      deps.lineage
        .renewLease(key, deps.config.workerId, leaseMs)
        .catch((error: unknown) => log.warn({ err: error }, 'lineage lease renewal failed'));
    }, deps.config.heartbeatSeconds * 1000);
    renewal.unref();
    try {
      const tickets: Record<string, number> = { ...parsed.tickets };
      for (const date of file.touchedDates) tickets[date] ??= await deps.coordinator.request(date);
      const pending: string[] = [];
      for (const date of file.touchedDates) {
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        const outcome = await ensureRecomputed(deps, file, date, tickets[date] as number, log);
        if (outcome === 'held') pending.push(date);
      }
      if (pending.length > 0) {
        // Hand the file back so whichever task receives the requeue can claim it.
        await deps.lineage.update(key, deps.config.workerId, {}, { releaseLease: true });
        deps.metrics.dateLeaseWaits.inc(pending.length);
        deps.metrics.filesProcessed.inc({ outcome: 'pending' });
        stopTimer({ outcome: 'pending' });
        log.info({ pendingDates: pending }, 'dates being recomputed elsewhere; requeued');
        return {
          kind: 'requeue',
          delaySeconds: deps.config.heldDateRetrySeconds,
          body: pendingMessage(file, tickets),
        };
      }
      const archived = await archive(deps, file, log);
      await deps.lineage.complete(key, deps.config.workerId, {
        status: FileStatus.SUCCESS,
        touchedDates: file.touchedDates,
        timings: { transformMs: deps.now() - startedAtMs },
      });
      deps.metrics.filesProcessed.inc({ outcome: 'success' });
      stopTimer({ outcome: 'success' });
      log.info({ touchedDates: file.touchedDates.length, archivedTo: archived }, 'file transformed');
      return { kind: 'done' };
    } catch (error) {
      if (signal.aborted) {
        await deps.lineage.update(key, deps.config.workerId, {}, { releaseLease: true });
      }
      throw error;
    } finally {
      clearInterval(renewal);
    }
  };
}

/**
 * Returns once the date has been recomputed by a run that started after `ticket` was taken, or
 * 'held' when another task is recomputing it now (it or a later run will cover the ticket).
 */
async function ensureRecomputed(
  deps: TransformerDependencies,
  file: ValidatedFile,
  orderDate: string,
  ticket: number,
  log: PollerLogger,
): Promise<'done' | 'held'> {
  const leaseMs = deps.config.dateLeaseSeconds * 1000;
  for (;;) {
    const state = await deps.coordinator.state(orderDate);
    if (state.computedSeq >= ticket) {
      deps.metrics.recomputations.inc({ outcome: 'up_to_date' });
      return 'done';
    }
    const acquired = await deps.coordinator.tryAcquire(orderDate, deps.config.workerId, leaseMs);
    if (acquired.outcome === 'held') {
      deps.metrics.recomputations.inc({ outcome: 'held' });
      return 'held';
    }
    const renewal = setInterval(() => {
      deps.coordinator
        .renew(orderDate, deps.config.workerId, leaseMs)
        .catch((error: unknown) => log.warn({ err: error, orderDate }, 'date lease renewal failed'));
    }, leaseMs / 3);
    renewal.unref();
    const stopTimer = deps.metrics.recomputeDuration.startTimer();
    try {
      const summary = await recomputeDate({ ...deps, bucket: file.bucket }, orderDate);
      await deps.coordinator.complete(orderDate, deps.config.workerId, acquired.seq);
      deps.metrics.recomputations.inc({ outcome: 'computed' });
      log.debug({ orderDate, ...summary }, 'order date recomputed');
    } catch (error) {
      deps.metrics.recomputations.inc({ outcome: 'failed' });
      throw error;
    } finally {
      stopTimer();
      clearInterval(renewal);
    }
  }
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
