import {
  fileFailedAlert,
  type MessageOutcome,
  type PollerLogger,
  type QueueMessage,
  recordFailedAttempt,
  withLease,
} from '@storeflow/aws';
import { type DatasetName, deferredObjectsCodec, type ObjectRef, parseIngestMessage } from '@storeflow/core';
import { admitObject, claimObject } from './claimObject.js';
import { rejectFile } from './rejectFile.js';
import { rejectionReport } from './reports.js';
import { validateClaimedFile } from './validateClaimedFile.js';
import type { FileContext, ValidatorDependencies } from './validatorContext.js';

type ObjectOutcome =
  | { kind: 'done' }
  | { kind: 'deferred'; object: ObjectRef }
  | { kind: 'busy'; retryAfterSeconds: number };

/**
 * Handles one ingest-queue message: every object it names is validated (or recognised as a
 * duplicate), deferred objects are re-sent with a delay, and the message is then acknowledged;
 * one naming a file another worker holds is re-sent whole to come back when that lease ends.
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
      const outcome = await processObject(deps, object, message, log, signal);
      if (outcome.kind === 'deferred') deferred.push(outcome.object);
      if (outcome.kind === 'busy') retryAfterSeconds = Math.max(retryAfterSeconds, outcome.retryAfterSeconds);
    }
    if (retryAfterSeconds > 0) {
      // Re-sent rather than left to reappear: with leases of seconds a held file answers busy
      // often (each takeover of a dead worker's file starts with one), and waiting for a live
      // holder must not spend the receives that bound the file's failed attempts.
      return { kind: 'requeue', delaySeconds: retryAfterSeconds, body: message.body };
    }
    if (deferred.length > 0 && parsed.wokenBy !== undefined) {
      // A wake-up came too early (the file still misses references): the file's own delayed
      // message is still on its way and retries it, so a second chain of retries is not started.
      message.log.info({ wokenBy: parsed.wokenBy }, 'woken file deferred again; its delayed retry stands');
      return { kind: 'done' };
    }
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

/** One object of a message: admit it, claim it, and validate it under the lineage lease. */
async function processObject(
  deps: ValidatorDependencies,
  object: ObjectRef,
  message: QueueMessage,
  log: PollerLogger,
  signal: AbortSignal,
): Promise<ObjectOutcome> {
  const admitted = await admitObject(deps, object, log);
  if (admitted === undefined) return { kind: 'done' };
  // A run again through an outage comes back to a file this worker may still hold.
  const claim = await claimObject(deps, object, admitted, log, { reenter: message.outageReruns > 0 });
  if (claim.kind === 'done') return { kind: 'done' };
  if (claim.kind === 'busy') {
    const retryAfterSeconds = Math.max(1, Math.ceil((claim.leaseExpiresAt - deps.now()) / 1000));
    log.info({ holder: claim.holder, retryAfterSeconds }, 'another worker holds this file; retrying later');
    return { kind: 'busy', retryAfterSeconds };
  }
  const context: FileContext = {
    deps,
    log,
    signal,
    bucket: object.bucket,
    key: admitted.key,
    eventTime: claim.record.eventTime,
    attempt: claim.record.attempts,
    startedAtMs: deps.now(),
  };
  const { config, lineage, metrics } = deps;
  const stopTimer = metrics.fileDuration.startTimer();
  return withLease(
    {
      name: 'lineage',
      // The lineage lease must outlive the work, like the message's visibility.
      renew: () => lineage.renewLease(admitted.key, config.workerId, config.visibilityTimeoutSeconds * 1000),
      heartbeatMs: config.heartbeatSeconds * 1000,
      log,
      release: (error) => releaseFailedFile(context, admitted.dataset, message, error),
    },
    async () => {
      if (admitted.plan.outcome === 'reject') {
        const report = rejectionReport(context, [admitted.plan.fileIssue], admitted.dataset);
        await rejectFile(context, admitted.dataset, report);
        stopTimer({ outcome: 'rejected' });
        return { kind: 'done' };
      }
      const outcome = await validateClaimedFile(context, admitted.plan.plan);
      stopTimer({ outcome });
      if (outcome !== 'deferred') return { kind: 'done' };
      return {
        kind: 'deferred',
        object: { ...object, eTag: admitted.head.eTag, eventTime: context.eventTime },
      };
    },
  );
}

/**
 * Hands a file whose attempt threw back at once, so the redelivery (after the poller's backoff,
 * or to the next worker at shutdown), or the poller's run again through a dependency outage,
 * claims it straight away instead of finding it busy until the lease runs out; or ends it FAILED
 * when no retry will come (the failure policy shared with the transformer, docs/design.md), and
 * announces that (a `file-failed` alert).
 */
async function releaseFailedFile(
  context: FileContext,
  dataset: DatasetName | 'unknown',
  message: QueueMessage,
  error: unknown,
): Promise<void> {
  const { config, lineage } = context.deps;
  const { receiveCount } = message;
  const attempt = {
    error,
    stopped: context.signal.aborted,
    receiveCount,
    maxReceiveCount: config.maxReceiveCount,
    runsAgain: message.runsAgainAfter(error),
  };
  const timings = { validateMs: context.deps.now() - context.startedAtMs };
  const outcome = await recordFailedAttempt(lineage, context.key, config.workerId, attempt, timings);
  if (outcome === 'failed') {
    context.log.warn(
      { receiveCount, maxReceiveCount: config.maxReceiveCount },
      'validation failed; lineage FAILED, raw object left under raw/',
    );
    const { bucket, key } = context;
    const file = { bucket, key: key.sourceKey, objectVersion: key.objectVersion, dataset };
    await context.deps.alerts.publish(fileFailedAlert(file, error));
  } else {
    // A run the poller repeats through an outage is logged once by the poller, not at each try.
    context.log[attempt.runsAgain ? 'debug' : 'info'](
      { stopped: outcome === 'stopped' },
      'file released for the next attempt',
    );
  }
}
