import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AwsClients,
  archiveObject,
  type ClaimResult,
  failedAttemptOutcome,
  fileFailedAlert,
  type LineageRepository,
  lineageErrorOf,
  type MessageOutcome,
  type PollerLogger,
  type QueueMessage,
  recordFailedAttempt,
  withLease,
} from '@storeflow/aws';
import {
  type AlertSink,
  archiveKey,
  FileStatus,
  type LineageKey,
  parseTransformMessage,
  pendingTransformCodec,
  type TransformCounts,
  type ValidatedFile,
} from '@storeflow/core';
import pLimit from 'p-limit';
import type { AnomalyJudge } from './anomalyJudge.js';
import type { TransformerConfig } from './config.js';
import type { DateRecomputes } from './dateRecomputes.js';
import type { TransformerMetrics } from './metrics.js';

export interface TransformerDependencies {
  clients: AwsClients;
  config: Readonly<TransformerConfig>;
  lineage: LineageRepository;
  /** The task's one door to date recomputes; see DateRecomputes. */
  dates: DateRecomputes;
  /** The task's one judge of date anomalies, run after the recomputes; see AnomalyJudge. */
  judge: AnomalyJudge;
  /** Where failed transforms are announced. */
  alerts: AlertSink;
  metrics: TransformerMetrics;
  now: () => number;
  /** Told of every file transformed, after its SUCCESS is recorded; must not block. */
  onFileTransformed: () => void;
}

/**
 * Handles one transform-queue message: makes sure every order date the file touched has been
 * recomputed since the file was validated (taking a ticket per date, shared with the task's other
 * handlers, and running or waiting for the recompute, see DateRecomputes), judges again the dates
 * those recomputes affect (AnomalyJudge), then archives the raw object to processed/ and ends its
 * lineage with SUCCESS, its counts and timings. A date another task is recomputing, or a judge another task is running,
 * is waited for by requeueing the message with its tickets, which keeps the receive count, and
 * the DLQ, out of it.
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
    const key: LineageKey = { sourceKey: file.key, objectVersion: file.objectVersion };
    const leaseMs = deps.config.visibilityTimeoutSeconds * 1000;
    const claimOnce = () =>
      deps.lineage.claimForTransform({
        ...key,
        workerId: deps.config.workerId,
        leaseMs,
        // A run again through an outage comes back to a file this worker may still hold.
        reenter: message.outageReruns > 0,
      });
    let claim = await claimOnce();
    // The validator records VALIDATED a moment after it sends this message: ask again a few
    // times before handing the message back for a whole second of SQS delay.
    for (let recheck = 0; recheck < VALIDATING_RECHECKS && stillValidating(claim); recheck++) {
      // Not cut short by a stop: 200 ms at most, well within the shutdown grace.
      await sleep(VALIDATING_RECHECK_MS);
      claim = await claimOnce();
    }
    if (claim.outcome === 'done') {
      log.info({ status: claim.record.status }, 'duplicate transform message acknowledged');
      deps.metrics.filesProcessed.inc({ outcome: 'duplicate' });
      return { kind: 'done' };
    }
    if (claim.outcome === 'busy' && claim.record.status === FileStatus.VALIDATING) {
      // The validator announces a file just before it records VALIDATED; waiting for that
      // moment must not spend one of the message's receives. Bounded by the validator's lease:
      // once it lapses (the validator died), the claim fails as not validated, like any retry.
      log.debug({ holder: claim.workerId }, 'validator still recording the file; requeued');
      return {
        kind: 'requeue',
        delaySeconds: Math.max(1, deps.config.heldDateRetrySeconds),
        body: message.body,
      };
    }
    if (claim.outcome === 'busy') {
      // Re-sent like the wait above: a takeover of a dead transformer's file usually starts with
      // one busy answer, which must not spend a receive.
      const delaySeconds = Math.max(1, Math.ceil((claim.leaseExpiresAt - deps.now()) / 1000));
      return { kind: 'requeue', delaySeconds, body: message.body };
    }
    const startedAtMs = deps.now();
    const attempt: ClaimedAttempt = {
      file,
      tickets: parsed.tickets,
      key,
      message,
      signal,
      log,
      stopTimer: deps.metrics.fileDuration.startTimer(),
      // The validator's timings (validateMs) stay; this service adds its own beside them.
      timings: () => ({ ...claim.record.timings, transformMs: deps.now() - startedAtMs }),
    };
    return withLease(
      {
        name: 'lineage',
        renew: () => deps.lineage.renewLease(key, deps.config.workerId, leaseMs),
        heartbeatMs: deps.config.heartbeatSeconds * 1000,
        log,
        release: (error) => releaseFailedFile(deps, attempt, error),
      },
      () => transformClaimedFile(deps, attempt),
    );
  };
}

/** Claims made again, this far apart, while the validator is still recording the file. */
const VALIDATING_RECHECKS = 4;
const VALIDATING_RECHECK_MS = 50;

function stillValidating(claim: ClaimResult): boolean {
  return claim.outcome === 'busy' && claim.record.status === FileStatus.VALIDATING;
}

/** A file this task has claimed, and what its attempt needs to end. */
interface ClaimedAttempt {
  readonly file: ValidatedFile;
  readonly tickets: Readonly<Record<string, number>>;
  readonly key: LineageKey;
  readonly message: QueueMessage;
  readonly signal: AbortSignal;
  readonly log: PollerLogger;
  readonly stopTimer: (labels: { outcome: string }) => void;
  readonly timings: () => Record<string, number>;
}

/** Recomputes the file's dates, then archives it and ends it SUCCESS, or requeues it to wait. */
async function transformClaimedFile(
  deps: TransformerDependencies,
  attempt: ClaimedAttempt,
): Promise<MessageOutcome> {
  const { file, key, log } = attempt;
  const recomputed = await recomputeTouchedDates(deps, file, attempt.tickets, attempt.signal, log);
  if (recomputed.kind === 'pending') {
    deps.metrics.dateLeaseWaits.inc(recomputed.dates.length);
    log.info({ pendingDates: recomputed.dates }, 'dates being recomputed elsewhere; requeued');
    return handBack(deps, attempt, recomputed.tickets);
  }
  // The file's dates are covered, so its tickets are too: the requeue only judges again.
  if ((await deps.judge.judge(file.touchedDates, log)) === 'held') {
    log.info({}, 'anomaly judge running elsewhere; requeued');
    return handBack(deps, attempt, recomputed.tickets);
  }
  const archived = await archive(deps, file, log);
  await deps.lineage.complete(key, deps.config.workerId, {
    status: FileStatus.SUCCESS,
    touchedDates: file.touchedDates,
    timings: attempt.timings(),
    transformCounts: recomputed.counts,
  });
  deps.metrics.filesProcessed.inc({ outcome: 'success' });
  attempt.stopTimer({ outcome: 'success' });
  log.info({ ...recomputed.counts, archivedTo: archived }, 'file transformed');
  deps.onFileTransformed();
  return { kind: 'done' };
}

/** Hands the file back, for whichever task receives the requeue to claim it and go on waiting. */
async function handBack(
  deps: TransformerDependencies,
  attempt: ClaimedAttempt,
  tickets: Readonly<Record<string, number>>,
): Promise<MessageOutcome> {
  await deps.lineage.update(attempt.key, deps.config.workerId, {}, { releaseLease: true });
  deps.metrics.filesProcessed.inc({ outcome: 'pending' });
  attempt.stopTimer({ outcome: 'pending' });
  return {
    kind: 'requeue',
    delaySeconds: deps.config.heldDateRetrySeconds,
    body: pendingTransformCodec.encode({ file: attempt.file, tickets }),
  };
}

/**
 * Ends a failed attempt by the failure policy shared with the validator (docs/design.md):
 * `lastError` recorded and the lease released so the retry claims the file at once, or FAILED
 * when no retry will come, announced by a `file-failed` alert once lineage holds it. A stopped
 * attempt is handed back without an error, for the next task.
 */
async function releaseFailedFile(
  deps: TransformerDependencies,
  attempt: ClaimedAttempt,
  error: unknown,
): Promise<void> {
  const { config, lineage, metrics } = deps;
  const { receiveCount } = attempt.message;
  const failed = {
    error,
    stopped: attempt.signal.aborted,
    receiveCount,
    maxReceiveCount: config.maxReceiveCount,
    runsAgain: attempt.message.runsAgainAfter(error),
  };
  const outcome = failedAttemptOutcome(failed);
  if (outcome !== 'stopped') {
    // Counted before lineage is written, so a lineage outage does not hide the failure.
    metrics.filesProcessed.inc({ outcome });
    attempt.stopTimer({ outcome });
    // A run the poller repeats through an outage is logged once by the poller, not at each try.
    attempt.log[failed.runsAgain ? 'debug' : 'warn'](
      { lastError: lineageErrorOf(error), receiveCount, maxReceiveCount: config.maxReceiveCount },
      outcome === 'failed'
        ? 'transform failed; lineage FAILED, raw object left under raw/'
        : 'transform attempt failed',
    );
  }
  await recordFailedAttempt(lineage, attempt.key, config.workerId, failed, attempt.timings());
  if (outcome === 'failed') {
    const { bucket, key, objectVersion, dataset } = attempt.file;
    await deps.alerts.publish(fileFailedAlert({ bucket, key, objectVersion, dataset }, error));
  }
}

type RecomputeOutcome =
  /** Every touched date is covered by a recompute since the file was validated. */
  | {
      readonly kind: 'recomputed';
      readonly counts: TransformCounts;
      readonly tickets: Readonly<Record<string, number>>;
    }
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
  // The file was committed before its message came, so before now: a ticket asked for, or a run
  // of this task that acquires, from here on comes after its silver.
  const since = performance.now();
  const tickets: Record<string, number> = { ...heldTickets };
  // Tickets first, so a run elsewhere that acquires meanwhile covers them.
  const asked = await deps.dates.tickets(
    file.touchedDates.filter((date) => tickets[date] === undefined),
    since,
  );
  for (const [date, ticket] of asked) tickets[date] = ticket;
  const limit = pLimit(deps.config.dateConcurrency);
  const results = await Promise.all(
    file.touchedDates.map((date) =>
      limit(async () => {
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        const claim = { since, ticket: tickets[date] as number };
        return { date, result: await deps.dates.ensure(file.bucket, date, claim, log) };
      }),
    ),
  );
  // What a requeue carries: for each date, a ticket that is covered or that a run must cover.
  const handedBack = Object.fromEntries(results.map(({ date, result }) => [date, result.ticket]));
  const pending = results.filter(({ result }) => result.outcome === 'held').map(({ date }) => date);
  if (pending.length > 0) return { kind: 'pending', dates: pending, tickets: handedBack };
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
  return { kind: 'recomputed', counts, tickets: handedBack };
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
