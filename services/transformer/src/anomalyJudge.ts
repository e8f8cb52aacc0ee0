import {
  ANOMALY_JUDGE_LEASE,
  type DailyQualityStore,
  type DateAnomalyStore,
  type DateRecomputeCoordinator,
  KpiDateLeaseLostError,
  type KpiRepository,
  type PollerLogger,
  type WriteFence,
  withLease,
} from '@storeflow/aws';
import type { AlertSink } from '@storeflow/core';
import {
  affectedDates,
  affectedSpan,
  dailyQualityMetrics,
  datesOf,
  judgeDates,
  judgementSpan,
  verdictChanges,
} from './dateJudgement.js';
import type { TransformerMetrics } from './metrics.js';

export interface AnomalyJudgeOptions {
  coordinator: DateRecomputeCoordinator;
  kpis: KpiRepository;
  dayRows: DailyQualityStore;
  verdicts: DateAnomalyStore;
  alerts: AlertSink;
  metrics: TransformerMetrics;
  workerId: string;
  leaseMs: number;
  /**
   * How long a run waits for another task's judge before it answers `held`: a judge takes a
   * fraction of a second, a requeued message seconds and a new claim. @defaultValue 3000
   */
  heldWaitMs?: number;
}

/** Pause between two tries of a held judge lease, ms, jittered so waiting tasks spread out. */
const HELD_RETRY_MS = { min: 100, max: 300 } as const;

/**
 * What {@link AnomalyJudge.judge} did: `judged` once the dates' verdicts are stored from data read
 * after the caller's recomputes; `held` when another task holds the judge lease, so the caller
 * must come back (its message is requeued) and judge then.
 */
export type JudgeOutcome = 'judged' | 'held';

/** Dates waiting for the next run of this task's judge, and that run. */
interface Batch {
  readonly dates: Set<string>;
  readonly run: Promise<JudgeOutcome>;
}

/**
 * The task-wide judge of date anomalies (docs/design.md, "Anomaly verdicts"). After a message's
 * dates are recomputed, its handler calls {@link judge} with them; the judge re-reads the stored
 * KPIs and row counts around them, judges every date whose verdict they may change, stores the
 * verdicts that changed and publishes each anomaly new to its date's verdict once (through the
 * outbox described by `verdictChanges`).
 *
 * Judging is serialised across tasks by one lease (`ANOMALY_JUDGE_LEASE` in `KpiDates`, through
 * the DateRecomputeCoordinator's lease methods) and every verdict write is fenced on it, so the
 * last judge to write read the data after every KPI write before it. Inside the task, callers that
 * arrive while a run is going share the next run, which judges all their dates at once.
 */
export class AnomalyJudge {
  readonly #options: AnomalyJudgeOptions;
  #running: Promise<unknown> = Promise.resolve();
  #next: Batch | undefined;

  constructor(options: AnomalyJudgeOptions) {
    this.#options = options;
  }

  /** Judges the dates a recompute of `recomputed` affects, in this task's next run. */
  judge(recomputed: readonly string[], log: PollerLogger): Promise<JudgeOutcome> {
    // A file without order dates (products) changes no date's figures.
    if (recomputed.length === 0) return Promise.resolve('judged');
    if (this.#next !== undefined) {
      for (const date of recomputed) this.#next.dates.add(date);
      return this.#next.run;
    }
    const dates = new Set(recomputed);
    const previous = this.#running;
    const run = (async () => {
      // Always a wait, so the batch below is open to later callers until the run starts.
      await Promise.allSettled([previous]);
      if (this.#next?.dates === dates) this.#next = undefined;
      return this.#runOnce([...dates], log);
    })();
    this.#next = { dates, run };
    this.#running = run;
    return run;
  }

  async #runOnce(recomputed: readonly string[], log: PollerLogger): Promise<JudgeOutcome> {
    const { coordinator, metrics, workerId, leaseMs, heldWaitMs = 3_000 } = this.#options;
    let acquired = await coordinator.tryAcquire(ANOMALY_JUDGE_LEASE, workerId, leaseMs);
    for (let waitedMs = 0; acquired.outcome === 'held'; ) {
      if (waitedMs >= heldWaitMs) {
        metrics.judgements.inc({ outcome: 'held' });
        return 'held';
      }
      const pauseMs = HELD_RETRY_MS.min + Math.random() * (HELD_RETRY_MS.max - HELD_RETRY_MS.min);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      waitedMs += pauseMs;
      acquired = await coordinator.tryAcquire(ANOMALY_JUDGE_LEASE, workerId, leaseMs);
    }
    try {
      await withLease(
        {
          name: 'judge',
          renew: () => coordinator.renew(ANOMALY_JUDGE_LEASE, workerId, leaseMs),
          // A failed run hands the lease back at once rather than making every task wait it out.
          release: () => coordinator.complete(ANOMALY_JUDGE_LEASE, workerId, acquired.seq),
          heartbeatMs: leaseMs / 3,
          log,
        },
        async () => {
          await this.#judgeUnder(recomputed, coordinator.leaseFence(ANOMALY_JUDGE_LEASE, workerId), log);
          await coordinator.complete(ANOMALY_JUDGE_LEASE, workerId, acquired.seq);
        },
      );
      metrics.judgements.inc({ outcome: 'judged' });
      return 'judged';
    } catch (error) {
      if (error instanceof KpiDateLeaseLostError) {
        // Taken over: none of this run's writes landed since, and the caller judges again later.
        metrics.judgements.inc({ outcome: 'lease_lost' });
        log.warn({ holder: error.currentHolder }, 'judge lease taken over; judging again later');
        return 'held';
      }
      metrics.judgements.inc({ outcome: 'failed' });
      throw error;
    }
  }

  async #judgeUnder(recomputed: readonly string[], fence: WriteFence, log: PollerLogger): Promise<void> {
    const { kpis, dayRows, verdicts, alerts, metrics } = this.#options;
    const span = judgementSpan(recomputed);
    const affected = affectedSpan(recomputed);
    // Read after acquiring the lease, so after every KPI write whose writer judges before us.
    const [kpiRows, rowCounts, stored] = await Promise.all([
      kpis.orderKpisOf(datesOf(span)),
      dayRows.list(span.from, span.to),
      verdicts.list(affected.from, affected.to),
    ]);
    const kpisByDate = new Map(kpiRows.map((row) => [row.order_date, row]));
    const metricsByDate = new Map(
      [...new Set([...kpisByDate.keys(), ...rowCounts.keys()])].map((date) => [
        date,
        dailyQualityMetrics(date, kpisByDate.get(date), rowCounts.get(date)),
      ]),
    );
    const judged = judgeDates(affectedDates(recomputed, new Set(kpisByDate.keys())), metricsByDate);
    const changes = verdictChanges(judged, new Map(stored.map((verdict) => [verdict.date, verdict])));
    // Stored before the alerts, marked unalerted: a judge whose lease was taken over stops at this
    // write, and one that stops after it leaves the marks for the next judge to publish.
    await verdicts.replace(changes.toStore, fence);
    metrics.anomaliesFound.inc({ scope: 'date' }, changes.found.length);
    for (const anomaly of changes.toAlert) await alerts.publish({ kind: 'anomaly', anomaly });
    await verdicts.replace(changes.afterAlerts, fence);
    if (changes.toStore.length > 0) {
      log.info(
        {
          judged: judged.length,
          changed: changes.toStore.map((verdict) => verdict.date),
          found: changes.found.length,
        },
        'date anomaly verdicts stored',
      );
    }
  }
}
