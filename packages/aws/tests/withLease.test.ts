import { setTimeout as sleep } from 'node:timers/promises';
import { type PollerLogger, withLease } from '../src/index.js';

/** A logger that keeps what was logged at warn, with its fields, and drops the rest. */
function recordingLogger(warnings: { fields: object; message: string }[]): PollerLogger {
  const log: PollerLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (fields, message) => warnings.push({ fields, message }),
    error: () => undefined,
    child: () => log,
  };
  return log;
}

/** Resolves once `renew` has been called `times` times. */
function renewalCounter(times: number, renew: () => Promise<unknown> = async () => 0) {
  let count = 0;
  let reached: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    reached = resolve;
  });
  return {
    renew: async () => {
      count += 1;
      if (count === times) reached();
      return renew();
    },
    reached: done,
    count: () => count,
  };
}

describe('withLease', () => {
  it('renews the lease while the work runs and stops once it has returned', async () => {
    // Prepare
    const renewals = renewalCounter(3);

    // Act: the work lasts until the third renewal
    const result = await withLease(
      { name: 'lineage', renew: renewals.renew, heartbeatMs: 5, log: recordingLogger([]) },
      async () => {
        await renewals.reached;
        return 'worked';
      },
    );
    const countAtReturn = renewals.count();
    await sleep(50);

    // Assess
    expect(result).toBe('worked');
    expect(countAtReturn).toBe(3);
    expect(renewals.count()).toBe(3);
  });

  it('logs a failed renewal and keeps renewing', async () => {
    // Prepare
    const warnings: { fields: object; message: string }[] = [];
    const renewals = renewalCounter(2, async () => {
      throw new Error('throttled');
    });

    // Act
    await withLease(
      {
        name: 'date',
        renew: renewals.renew,
        heartbeatMs: 5,
        log: recordingLogger(warnings),
        logFields: { orderDate: '2025-04-01' },
      },
      () => renewals.reached,
    );
    await sleep(0);

    // Assess
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]?.message).toBe('date lease renewal failed');
    expect(warnings[0]?.fields).toMatchObject({ orderDate: '2025-04-01' });
  });

  it('releases the lease with the error of a failed work, then passes that error on', async () => {
    // Prepare
    const failure = new Error('read failed');
    const released: unknown[] = [];

    // Act
    const outcome = withLease(
      {
        name: 'lineage',
        renew: async () => 0,
        release: async (error) => released.push(error),
        heartbeatMs: 60_000,
        log: recordingLogger([]),
      },
      () => Promise.reject(failure),
    );

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(released).toEqual([failure]);
  });

  it('logs a release that fails and still passes on the original error', async () => {
    // Prepare
    const failure = new Error('read failed');
    const warnings: { fields: object; message: string }[] = [];

    // Act
    const outcome = withLease(
      {
        name: 'lineage',
        renew: async () => 0,
        release: async () => {
          throw new Error('DynamoDB is down too');
        },
        heartbeatMs: 60_000,
        log: recordingLogger(warnings),
      },
      () => Promise.reject(failure),
    );

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(warnings.map((warning) => warning.message)).toEqual([
      'could not release the lineage lease; it will expire',
    ]);
  });

  it('does not release the lease when the work succeeds', async () => {
    // Prepare
    const released: unknown[] = [];

    // Act
    await withLease(
      {
        name: 'lineage',
        renew: async () => 0,
        release: async (error) => released.push(error),
        heartbeatMs: 60_000,
        log: recordingLogger([]),
      },
      async () => 'done',
    );

    // Assess
    expect(released).toEqual([]);
  });
});
