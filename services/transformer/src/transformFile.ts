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
import pLimit from 'p-limit';
import type { TransformerConfig } from './config.js';
import type { DateRecomputes } from './dateRecomputes.js';
import { parseTransformMessage, pendingMessage, type ValidatedFile } from './messages.js';
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
      const limit = pLimit(deps.config.dateConcurrency);
      await Promise.all(
        file.touchedDates.map((date) =>
          limit(async () => {
            tickets[date] ??= await deps.coordinator.request(date);
          }),
        ),
      );
      const outcomes = await Promise.all(
        file.touchedDates.map((date) =>
          limit(async () => {
            if (signal.aborted) throw signal.reason ?? new Error('aborted');
            return {
              date,
              outcome: await deps.dates.ensure(file.bucket, date, tickets[date] as number, log),
            };
          }),
        ),
      );
      const pending = outcomes.filter(({ outcome }) => outcome === 'held').map(({ date }) => date);
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
