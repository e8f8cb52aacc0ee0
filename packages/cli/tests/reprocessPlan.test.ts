import { FileStatus, type LineageRecord } from '@storeflow/core';
import { mapConcurrently } from '../src/mapConcurrently.js';
import { archiveCandidates, planReprocess, type ReprocessFacts } from '../src/reprocessPlan.js';

const NOW = Date.parse('2025-04-01T12:00:00Z');

function version(overrides: Partial<LineageRecord> = {}): LineageRecord {
  return {
    sourceKey: 'raw/orders/2025/a.csv',
    objectVersion: 'v1',
    status: FileStatus.FAILED,
    dataset: 'orders',
    eventTime: '2025-03-31T23:59:59.000Z',
    attempts: 1,
    createdAt: '2025-04-01T00:00:00.000Z',
    updatedAt: '2025-04-01T00:00:01.000Z',
    ...overrides,
  };
}

function facts(overrides: Partial<ReprocessFacts>): ReprocessFacts {
  return { sourceKey: 'raw/orders/2025/a.csv', nowMs: NOW, ...overrides };
}

describe('planReprocess', () => {
  it('sends a request when the raw object is there', () => {
    expect(planReprocess(facts({ latest: version(), rawETag: 'v1' }))).toEqual({ kind: 'send' });
    // Never recorded (the notification missed it): the request makes the validator see it.
    expect(planReprocess(facts({ rawETag: 'v9' }))).toEqual({ kind: 'send' });
  });

  it('restores an archived version, reopening it when the copy will be that same version', () => {
    // Act
    const sameBytes = planReprocess(
      facts({ latest: version(), archive: { key: 'failed/orders/2025/03/31/2025/a.csv', eTag: 'v1' } }),
    );
    const otherETag = planReprocess(
      facts({
        latest: version(),
        archive: { key: 'failed/orders/2025/03/31/2025/a.csv', eTag: 'md5-of-copy' },
      }),
    );
    const received = planReprocess(
      facts({
        latest: version({ status: FileStatus.RECEIVED }),
        archive: { key: 'failed/orders/2025/03/31/2025/a.csv', eTag: 'v1' },
      }),
    );

    // Assess
    expect(sameBytes).toEqual({
      kind: 'restore',
      archiveKey: 'failed/orders/2025/03/31/2025/a.csv',
      archiveETag: 'v1',
      reopen: true,
    });
    // A different ETag makes the copy a new version, processed as such: nothing to reopen.
    expect(otherETag).toMatchObject({ kind: 'restore', reopen: false });
    // RECEIVED is claimable already.
    expect(received).toMatchObject({ kind: 'restore', reopen: false });
  });

  it('skips a version a worker holds, but not one whose lease ran out', () => {
    // Prepare
    const held = version({
      status: FileStatus.VALIDATING,
      workerId: 'validator-7',
      leaseExpiresAt: NOW + 1000,
    });
    const expired = version({
      status: FileStatus.VALIDATING,
      workerId: 'validator-7',
      leaseExpiresAt: NOW - 1,
    });

    // Act
    const live = planReprocess(facts({ latest: held, rawETag: 'v1' }));
    const dead = planReprocess(facts({ latest: expired, rawETag: 'v1' }));

    // Assess
    expect(live).toEqual({
      kind: 'skip',
      reason:
        'in progress (VALIDATING by validator-7 until 2025-04-01T12:00:01.000Z); try again when it ends',
    });
    expect(dead).toEqual({ kind: 'send' });
  });

  it('skips a selected version once a newer version of the key has another status', () => {
    // Prepare
    const failed = version();
    const fixed = version({
      objectVersion: 'v2',
      status: FileStatus.SUCCESS,
      eventTime: '2025-04-01T08:00:00.000Z',
    });
    const alsoFailed = version({ objectVersion: 'v2', eventTime: '2025-04-01T08:00:00.000Z' });

    // Act
    const superseded = planReprocess(facts({ selected: failed, latest: fixed }));
    const failedAgain = planReprocess(
      facts({ selected: failed, latest: alsoFailed, archive: { key: 'failed/x', eTag: 'v2' } }),
    );

    // Assess
    expect(superseded).toEqual({ kind: 'skip', reason: 'its newer version v2 is SUCCESS' });
    expect(failedAgain).toMatchObject({ kind: 'restore', reopen: true });
  });

  it('skips a version with nothing left to validate, naming where it looked', () => {
    expect(planReprocess(facts({ latest: version() }))).toEqual({
      kind: 'skip',
      reason:
        'the raw object is gone and no archive was found at failed/orders/2025/03/31/2025/a.csv or processed/orders/2025/03/31/2025/a.csv',
    });
    expect(planReprocess(facts({}))).toEqual({
      kind: 'skip',
      reason: 'no object at this key and no lineage record',
    });
  });
});

describe('archiveCandidates', () => {
  it('looks in failed/ first for a FAILED version and in processed/ first otherwise, dated by event time', () => {
    expect(archiveCandidates(version())).toEqual([
      'failed/orders/2025/03/31/2025/a.csv',
      'processed/orders/2025/03/31/2025/a.csv',
    ]);
    expect(archiveCandidates(version({ status: FileStatus.TRANSFORMING }))).toEqual([
      'processed/orders/2025/03/31/2025/a.csv',
      'failed/orders/2025/03/31/2025/a.csv',
    ]);
  });
});

describe('mapConcurrently', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    const work = async (value: number) => {
      running++;
      peak = Math.max(peak, running);
      // Later items finish first, so completion order differs from input order.
      await new Promise((resolve) => setTimeout(resolve, 10 - value));
      running--;
      return value * 2;
    };

    // Act
    const results = await mapConcurrently([1, 2, 3, 4, 5, 6, 7], 3, work);

    // Assess
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapConcurrently([1, 2], 2, async (value) => {
        if (value === 2) throw new Error('second failed');
        return value;
      }),
    ).rejects.toThrow('second failed');
  });
});
