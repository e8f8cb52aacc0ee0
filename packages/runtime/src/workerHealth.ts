/**
 * What a queue worker's poll loop last achieved (the aws package's `SqsPoller.liveness()` has this
 * shape; the runtime does not import it).
 */
export interface WorkerLiveness {
  /** Epoch ms when the loop last completed a receive or stopped waiting for a free slot. */
  lastPollAtMs: number;
  /** True while every concurrency slot is busy, so the loop rightly does not receive. */
  saturated: boolean;
  /** Receives that failed in a row since the last one that completed. */
  consecutiveReceiveFailures: number;
}

/** `/healthz`'s answer: healthy, or not with a short reason for the operator. */
export type HealthVerdict = { healthy: true } | { healthy: false; reason: string };

export interface WorkerHealthInput {
  /** False before the worker starts and while it drains: neither is a stall. */
  running: boolean;
  liveness: WorkerLiveness;
  nowMs: number;
  /** How long the loop may go without completing a receive; several long-poll waits. */
  stallSeconds: number;
}

/**
 * Whether a worker's poll loop is alive: it is not when, running and with a slot free, it has not
 * completed a receive within `stallSeconds`. With receives failing meanwhile, the queue is
 * unreachable; without, the loop itself is stuck (a receive that never returns, say). Either way
 * the process takes no work while it looks up, so a replacement task is the remedy.
 *
 * @example
 * judgeWorkerHealth({ running: true, nowMs: 100_000, stallSeconds: 60,
 *   liveness: { lastPollAtMs: 10_000, saturated: false, consecutiveReceiveFailures: 12 } });
 * // { healthy: false, reason: 'queue unreachable: 12 receives failed in a row, none completed for 90 s' }
 */
export function judgeWorkerHealth(input: WorkerHealthInput): HealthVerdict {
  const { running, liveness, nowMs, stallSeconds } = input;
  if (!running || liveness.saturated) return { healthy: true };
  const silentSeconds = Math.max(0, nowMs - liveness.lastPollAtMs) / 1000;
  if (silentSeconds <= stallSeconds) return { healthy: true };
  const seconds = Math.round(silentSeconds);
  return liveness.consecutiveReceiveFailures > 0
    ? {
        healthy: false,
        reason: `queue unreachable: ${liveness.consecutiveReceiveFailures} receives failed in a row, none completed for ${seconds} s`,
      }
    : { healthy: false, reason: `poll loop stalled: no receive completed for ${seconds} s` };
}
