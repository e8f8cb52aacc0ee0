import { judgeWorkerHealth, type WorkerLiveness } from '../src/workerHealth.js';

const STARTED_AT_MS = 1_000_000;

function liveness(overrides: Partial<WorkerLiveness> = {}): WorkerLiveness {
  return { lastPollAtMs: STARTED_AT_MS, saturated: false, consecutiveReceiveFailures: 0, ...overrides };
}

describe('judgeWorkerHealth', () => {
  it('is healthy while the last receive completed within the bound', () => {
    // Act
    const verdict = judgeWorkerHealth({
      running: true,
      liveness: liveness(),
      nowMs: STARTED_AT_MS + 60_000,
      stallSeconds: 60,
    });

    // Assess
    expect(verdict).toEqual({ healthy: true });
  });

  it('reports a stalled loop once no receive completed for longer than the bound', () => {
    // Act
    const verdict = judgeWorkerHealth({
      running: true,
      liveness: liveness(),
      nowMs: STARTED_AT_MS + 61_000,
      stallSeconds: 60,
    });

    // Assess
    expect(verdict).toEqual({ healthy: false, reason: 'poll loop stalled: no receive completed for 61 s' });
  });

  it('reports an unreachable queue when receives have been failing for longer than the bound', () => {
    // Act
    const verdict = judgeWorkerHealth({
      running: true,
      liveness: liveness({ consecutiveReceiveFailures: 7 }),
      nowMs: STARTED_AT_MS + 90_000,
      stallSeconds: 60,
    });

    // Assess
    expect(verdict).toEqual({
      healthy: false,
      reason: 'queue unreachable: 7 receives failed in a row, none completed for 90 s',
    });
  });

  it('stays healthy through receive failures shorter than the bound', () => {
    expect(
      judgeWorkerHealth({
        running: true,
        liveness: liveness({ consecutiveReceiveFailures: 3 }),
        nowMs: STARTED_AT_MS + 20_000,
        stallSeconds: 60,
      }),
    ).toEqual({ healthy: true });
  });

  it('is healthy while every slot is busy, however long ago the last receive was', () => {
    expect(
      judgeWorkerHealth({
        running: true,
        liveness: liveness({ saturated: true }),
        nowMs: STARTED_AT_MS + 3_600_000,
        stallSeconds: 60,
      }),
    ).toEqual({ healthy: true });
  });

  it('is healthy while the worker is not running: starting, or draining after a stop', () => {
    expect(
      judgeWorkerHealth({
        running: false,
        liveness: liveness(),
        nowMs: STARTED_AT_MS + 3_600_000,
        stallSeconds: 60,
      }),
    ).toEqual({ healthy: true });
  });
});
