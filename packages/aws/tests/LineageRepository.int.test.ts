import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  type ClaimInput,
  createAwsClients,
  LeaseLostError,
  LineageRepository,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let names: ResourceNames;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  names = resourceNamesFor(uniquePrefix('ln'));
  await bootstrapResources(clients, { names });
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

const START_MS = Date.parse('2025-04-01T10:00:00.000Z');
const LEASE_MS = 60_000;

/** A repository whose clock the test moves by hand. */
function repositoryWithClock(tableName = names.processedFilesTable) {
  const clock = { ms: START_MS };
  const repository = new LineageRepository({ clients, tableName, now: () => clock.ms });
  return { repository, clock };
}

function claimInput(overrides: Partial<ClaimInput> = {}): ClaimInput {
  return {
    sourceKey: `raw/orders/${randomUUID()}.csv`,
    objectVersion: 'etag-1',
    dataset: 'orders',
    eventTime: '2025-04-01T09:59:58.000Z',
    workerId: 'worker-a',
    leaseMs: LEASE_MS,
    ...overrides,
  };
}

describe('LineageRepository on DynamoDB Local', () => {
  it('lets exactly one of 10 concurrent claims of a version win; the others are told when to come back', async () => {
    // Prepare
    const { repository } = repositoryWithClock();
    const input = claimInput();

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => repository.claim({ ...input, workerId: `worker-${index}` })),
    );

    // Assess
    const claimed = results.filter((result) => result.outcome === 'claimed');
    const busy = results.filter((result) => result.outcome === 'busy');
    expect(claimed).toHaveLength(1);
    expect(busy).toHaveLength(9);
    const winner = claimed[0]?.record as LineageRecord;
    expect(winner).toMatchObject({
      sourceKey: input.sourceKey,
      objectVersion: 'etag-1',
      status: 'VALIDATING',
      dataset: 'orders',
      eventTime: input.eventTime,
      attempts: 1,
      leaseExpiresAt: START_MS + LEASE_MS,
      createdAt: '2025-04-01T10:00:00.000Z',
      updatedAt: '2025-04-01T10:00:00.000Z',
    });
    for (const result of busy) {
      expect(result).toMatchObject({ workerId: winner.workerId, leaseExpiresAt: START_MS + LEASE_MS });
    }
  });

  it('answers done for a duplicate event of a finished version, and claims a new version of the same key', async () => {
    // Prepare
    const { repository, clock } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);
    await repository.complete(input, input.workerId, { status: FileStatus.VALIDATED, rowsTotal: 3 });
    clock.ms += 10 * LEASE_MS;

    // Act
    const duplicate = await repository.claim({ ...input, workerId: 'worker-b' });
    const newVersion = await repository.claim({
      ...input,
      objectVersion: 'etag-2',
      eventTime: '2025-04-01T10:05:00.000Z',
      workerId: 'worker-b',
    });

    // Assess
    expect(duplicate).toMatchObject({
      outcome: 'done',
      record: { status: 'VALIDATED', rowsTotal: 3, attempts: 1 },
    });
    expect(duplicate.record.workerId).toBeUndefined();
    expect(newVersion).toMatchObject({
      outcome: 'claimed',
      record: { objectVersion: 'etag-2', attempts: 1 },
    });
  });

  it.each([FileStatus.TRANSFORMING, FileStatus.SUCCESS, FileStatus.FAILED])(
    'answers done for a version in %s',
    async (status) => {
      // Prepare
      const { repository } = repositoryWithClock();
      const input = claimInput();
      await repository.claim(input);
      await repository.complete(input, input.workerId, { status });

      // Act
      const result = await repository.claim({ ...input, workerId: 'worker-b' });

      // Assess
      expect(result).toMatchObject({ outcome: 'done', record: { status } });
    },
  );

  it('gives busy while the lease is live and takes an expired lease over with attempts 2', async () => {
    // Prepare
    const { repository, clock } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);

    // Act
    clock.ms += LEASE_MS - 1;
    const whileLive = await repository.claim({ ...input, workerId: 'worker-b' });
    clock.ms += 1;
    const afterExpiry = await repository.claim({ ...input, workerId: 'worker-b' });

    // Assess
    expect(whileLive).toMatchObject({
      outcome: 'busy',
      workerId: 'worker-a',
      leaseExpiresAt: START_MS + LEASE_MS,
    });
    expect(afterExpiry).toMatchObject({
      outcome: 'claimed',
      record: {
        status: 'VALIDATING',
        attempts: 2,
        workerId: 'worker-b',
        leaseExpiresAt: clock.ms + LEASE_MS,
      },
    });
  });

  it('lets the worker holding a live lease re-enter only when it asks to, and nobody else', async () => {
    // Prepare: worker-a holds the version (its release failed, say, during an outage).
    const { repository, clock } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);
    clock.ms += 1_000;

    // Act
    const duplicate = await repository.claim(input);
    const other = await repository.claim({ ...input, workerId: 'worker-b', reenter: true });
    const reentry = await repository.claim({ ...input, reenter: true });

    // Assess
    expect(duplicate).toMatchObject({ outcome: 'busy', workerId: 'worker-a' });
    expect(other).toMatchObject({ outcome: 'busy', workerId: 'worker-a' });
    expect(reentry).toMatchObject({
      outcome: 'claimed',
      record: {
        status: 'VALIDATING',
        attempts: 2,
        workerId: 'worker-a',
        leaseExpiresAt: clock.ms + LEASE_MS,
      },
    });
  });

  it('fences the previous owner out after a takeover: its update and renewal throw LeaseLostError', async () => {
    // Prepare
    const { repository, clock } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);
    clock.ms += LEASE_MS;
    await repository.claim({ ...input, workerId: 'worker-b' });

    // Act
    const staleUpdate = repository.update(input, 'worker-a', { status: FileStatus.VALIDATED, rowsTotal: 99 });
    const staleRenewal = repository.renewLease(input, 'worker-a', LEASE_MS);

    // Assess
    await expect(staleUpdate).rejects.toBeInstanceOf(LeaseLostError);
    await expect(staleUpdate).rejects.toMatchObject({
      code: 'LEASE_LOST',
      retryable: false,
      workerId: 'worker-a',
      currentWorkerId: 'worker-b',
    });
    await expect(staleRenewal).rejects.toBeInstanceOf(LeaseLostError);
    const record = await repository.get(input);
    expect(record).toMatchObject({ status: 'VALIDATING', workerId: 'worker-b' });
    expect(record?.rowsTotal).toBeUndefined();
  });

  it('refuses a fenced update on a version nobody claimed', async () => {
    // Prepare
    const { repository } = repositoryWithClock();

    // Act
    const update = repository.update(claimInput(), 'worker-a', { status: FileStatus.FAILED });

    // Assess
    await expect(update).rejects.toMatchObject({ name: 'LeaseLostError', currentWorkerId: undefined });
  });

  it('renews a lease, so a claim just after the first expiry is still busy', async () => {
    // Prepare
    const { repository, clock } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);
    clock.ms += LEASE_MS / 2;

    // Act
    const renewedUntil = await repository.renewLease(input, 'worker-a', LEASE_MS);
    clock.ms += LEASE_MS / 2 + 1;
    const result = await repository.claim({ ...input, workerId: 'worker-b' });

    // Assess
    expect(renewedUntil).toBe(START_MS + LEASE_MS / 2 + LEASE_MS);
    expect(result).toMatchObject({ outcome: 'busy', leaseExpiresAt: renewedUntil });
  });

  it('stores results as snake_case attributes and reads them back', async () => {
    // Prepare
    const { repository, clock } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);
    clock.ms += 1_500;

    // Act
    const record = await repository.complete(input, 'worker-a', {
      status: FileStatus.VALIDATED,
      rowsTotal: 100,
      rowsAccepted: 97,
      rowsRejected: 3,
      ruleCounts: { SKU_PATTERN_MISMATCH: 2, UNKNOWN_ORDER: 1 },
      reportKey: 'validation-reports/orders/2025-04-01/a.json',
      touchedDates: ['2025-03-08', '2025-03-09'],
      verdict: 'ACCEPTED',
      lastError: { code: 'AWS_CALL_FAILED', message: 'throttled once', retryable: true },
      timings: { parse: 120, write: 30 },
    });
    const { Item } = await clients.dynamodb.send(
      new GetItemCommand({
        TableName: names.processedFilesTable,
        Key: { file_key: { S: input.sourceKey }, object_version: { S: 'etag-1' } },
        ConsistentRead: true,
      }),
    );

    // Assess
    expect(await repository.get(input)).toEqual(record);
    expect(record).toMatchObject({
      rowsAccepted: 97,
      ruleCounts: { SKU_PATTERN_MISMATCH: 2, UNKNOWN_ORDER: 1 },
      touchedDates: ['2025-03-08', '2025-03-09'],
      lastError: { code: 'AWS_CALL_FAILED', message: 'throttled once', retryable: true },
      timings: { parse: 120, write: 30 },
      updatedAt: '2025-04-01T10:00:01.500Z',
      createdAt: '2025-04-01T10:00:00.000Z',
    });
    expect(record.workerId).toBeUndefined();
    expect(Object.keys(Item ?? {}).sort()).toEqual(
      [
        'attempts',
        'created_at',
        'dataset',
        'event_time',
        'file_key',
        'last_error',
        'object_version',
        'report_key',
        'rows_accepted',
        'rows_rejected',
        'rows_total',
        'rule_counts',
        'status',
        'timings',
        'touched_dates',
        'updated_at',
        'verdict',
      ].sort(),
    );
  });

  it('makes a deferred version claimable by any worker at once, with attempts counted', async () => {
    // Prepare
    const { repository } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);
    const deferred = await repository.defer(input, 'worker-a', { deferredUntil: START_MS + 120_000 });

    // Act
    const result = await repository.claim({ ...input, workerId: 'worker-b' });

    // Assess
    expect(deferred).toMatchObject({ status: 'DEFERRED', deferredUntil: START_MS + 120_000 });
    expect(deferred.leaseExpiresAt).toBeUndefined();
    expect(result).toMatchObject({ outcome: 'claimed', record: { attempts: 2, workerId: 'worker-b' } });
    expect(result.record.deferredUntil).toBeUndefined();
  });

  it('reopens a FAILED version for reprocessing, and nothing in progress', async () => {
    // Prepare
    const { repository } = repositoryWithClock();
    const failed = claimInput();
    await repository.claim(failed);
    await repository.complete(failed, 'worker-a', { status: FileStatus.FAILED });
    const inProgress = claimInput();
    await repository.claim(inProgress);

    // Act
    const reopened = await repository.reopen(failed);
    const refused = await repository.reopen(inProgress);
    const missing = await repository.reopen(claimInput());
    const claim = await repository.claim({ ...failed, workerId: 'worker-b' });

    // Assess
    expect(reopened).toMatchObject({ status: 'RECEIVED' });
    expect(refused).toBeUndefined();
    expect(missing).toBeUndefined();
    expect(claim).toMatchObject({ outcome: 'claimed', record: { attempts: 2 } });
    expect(await repository.get(inProgress)).toMatchObject({ status: 'VALIDATING', workerId: 'worker-a' });
  });

  it('lists the versions in a status through the GSI, page by page', async () => {
    // Prepare: a table of its own, so other tests' files do not show up.
    const ownNames = resourceNamesFor(uniquePrefix('ls'));
    await bootstrapResources(clients, { names: ownNames });
    const { repository, clock } = repositoryWithClock(ownNames.processedFilesTable);
    const failedKeys: string[] = [];
    for (let index = 0; index < 5; index++) {
      const input = claimInput();
      await repository.claim(input);
      clock.ms += 1_000;
      const status = index % 2 === 0 ? FileStatus.FAILED : FileStatus.SUCCESS;
      await repository.complete(input, input.workerId, { status });
      if (status === FileStatus.FAILED) failedKeys.push(input.sourceKey);
    }

    // Act
    const first = await repository.listByStatus(FileStatus.FAILED, { limit: 2 });
    const second = await repository.listByStatus(FileStatus.FAILED, { limit: 2, cursor: first.cursor });
    const newestFirst = await repository.listByStatus(FileStatus.FAILED, { newestFirst: true });
    const none = await repository.listByStatus(FileStatus.DEFERRED);

    // Assess
    expect(first.records.map((record) => record.sourceKey)).toEqual(failedKeys.slice(0, 2));
    expect(first.cursor).toEqual(expect.any(String));
    expect(second.records.map((record) => record.sourceKey)).toEqual(failedKeys.slice(2));
    expect(newestFirst.records.map((record) => record.sourceKey)).toEqual([...failedKeys].reverse());
    expect(newestFirst.cursor).toBeUndefined();
    expect(none.records).toEqual([]);
  });

  it('lists only the versions of a status written since a moment, when asked', async () => {
    // Prepare: a table of its own; files deferred at START, START + 10 s and START + 20 s
    const ownNames = resourceNamesFor(uniquePrefix('since'));
    await bootstrapResources(clients, { names: ownNames });
    const { repository, clock } = repositoryWithClock(ownNames.processedFilesTable);
    const deferredKeys: string[] = [];
    for (let index = 0; index < 3; index++) {
      const input = claimInput();
      await repository.claim(input);
      await repository.defer(input, input.workerId, { deferredUntil: clock.ms + 60_000 });
      deferredKeys.push(input.sourceKey);
      clock.ms += 10_000;
    }

    // Act
    const recent = await repository.listByStatus(FileStatus.DEFERRED, { updatedSince: START_MS + 10_000 });
    const paged = await repository.listByStatus(FileStatus.DEFERRED, {
      updatedSince: START_MS + 1,
      limit: 1,
    });
    const rest = await repository.listByStatus(FileStatus.DEFERRED, {
      updatedSince: START_MS + 1,
      cursor: paged.cursor,
    });

    // Assess
    expect(recent.records.map((record) => record.sourceKey)).toEqual(deferredKeys.slice(1));
    expect(paged.records.map((record) => record.sourceKey)).toEqual([deferredKeys[1]]);
    expect(rest.records.map((record) => record.sourceKey)).toEqual([deferredKeys[2]]);
  });

  it('picks the version with the newest event time as the latest of a key', async () => {
    // Prepare: versions recorded out of order; the newest event has the smallest ETag.
    const { repository } = repositoryWithClock();
    const sourceKey = `raw/products/${randomUUID()}.csv`;
    const versions = [
      { objectVersion: 'b-etag', eventTime: '2025-04-01T10:00:00.000Z' },
      { objectVersion: 'a-etag', eventTime: '2025-04-01T12:00:00.000Z' },
      { objectVersion: 'c-etag', eventTime: '2025-04-01T11:00:00.000Z' },
    ];
    for (const version of versions) await repository.claim(claimInput({ sourceKey, ...version }));

    // Act
    const latest = await repository.latestVersion(sourceKey);
    const unknown = await repository.latestVersion(`raw/products/${randomUUID()}.csv`);

    // Assess
    expect(latest).toMatchObject({
      sourceKey,
      objectVersion: 'a-etag',
      eventTime: '2025-04-01T12:00:00.000Z',
    });
    expect(unknown).toBeUndefined();
  });
});

describe('LineageRepository.claimForTransform on DynamoDB Local', () => {
  /** A version the validator claimed and marked VALIDATED (lease released). */
  async function validatedVersion(repository: LineageRepository): Promise<ClaimInput> {
    const input = claimInput();
    await repository.claim(input);
    await repository.complete(input, input.workerId, { status: FileStatus.VALIDATED, rowsTotal: 3 });
    return input;
  }

  it('claims a VALIDATED version for the transformer, whose fenced writes then work', async () => {
    // Prepare
    const { repository, clock } = repositoryWithClock();
    const input = await validatedVersion(repository);
    clock.ms += 1_000;

    // Act
    const claim = await repository.claimForTransform({
      ...input,
      workerId: 'transformer-1',
      leaseMs: LEASE_MS,
    });
    const renewed = await repository.renewLease(input, 'transformer-1', LEASE_MS);
    const finished = await repository.complete(input, 'transformer-1', {
      status: FileStatus.SUCCESS,
      timings: { transformMs: 12 },
    });

    // Assess
    expect(claim).toMatchObject({
      outcome: 'claimed',
      record: {
        status: 'TRANSFORMING',
        workerId: 'transformer-1',
        leaseExpiresAt: clock.ms + LEASE_MS,
        attempts: 1,
        rowsTotal: 3,
      },
    });
    expect(renewed).toBe(clock.ms + LEASE_MS);
    expect(finished).toMatchObject({ status: 'SUCCESS', timings: { transformMs: 12 } });
    expect(finished.workerId).toBeUndefined();
    expect(finished.leaseExpiresAt).toBeUndefined();
  });

  it.each([FileStatus.SUCCESS, FileStatus.FAILED])(
    'answers done to a duplicate transform message after %s',
    async (status) => {
      // Prepare
      const { repository } = repositoryWithClock();
      const input = await validatedVersion(repository);
      await repository.claimForTransform({ ...input, workerId: 'transformer-1', leaseMs: LEASE_MS });
      await repository.complete(input, 'transformer-1', { status });

      // Act
      const duplicate = await repository.claimForTransform({
        ...input,
        workerId: 'transformer-2',
        leaseMs: LEASE_MS,
      });

      // Assess
      expect(duplicate).toMatchObject({ outcome: 'done', record: { status } });
      expect(await repository.get(input)).toMatchObject({ status });
    },
  );

  it('claims a transform that failed for good again (a redrive), but not a file the validator rejected', async () => {
    // Prepare: one accepted file the transformer ended FAILED, one file the validator rejected
    const { repository } = repositoryWithClock();
    const accepted = claimInput();
    await repository.claim(accepted);
    await repository.complete(accepted, accepted.workerId, {
      status: FileStatus.VALIDATED,
      verdict: 'ACCEPTED',
    });
    await repository.claimForTransform({ ...accepted, workerId: 'transformer-1', leaseMs: LEASE_MS });
    const lastError = {
      code: 'KPI_OVERFLOW',
      message: 'total_revenue_cents is not a safe integer',
      retryable: false,
    };
    await repository.complete(accepted, 'transformer-1', { status: FileStatus.FAILED, lastError });
    const rejected = claimInput();
    await repository.claim(rejected);
    await repository.complete(rejected, rejected.workerId, {
      status: FileStatus.FAILED,
      verdict: 'REJECTED',
    });

    // Act
    const retried = await repository.claimForTransform({
      ...accepted,
      workerId: 'transformer-2',
      leaseMs: LEASE_MS,
    });
    const untouched = await repository.claimForTransform({
      ...rejected,
      workerId: 'transformer-2',
      leaseMs: LEASE_MS,
    });

    // Assess
    expect(retried).toMatchObject({
      outcome: 'claimed',
      record: { status: 'TRANSFORMING', workerId: 'transformer-2', lastError },
    });
    expect(untouched).toMatchObject({ outcome: 'done', record: { status: 'FAILED', verdict: 'REJECTED' } });
  });

  it('stores the transformer counts beside the validator timings', async () => {
    // Prepare
    const { repository } = repositoryWithClock();
    const input = claimInput();
    await repository.claim(input);
    await repository.complete(input, input.workerId, {
      status: FileStatus.VALIDATED,
      timings: { validateMs: 40 },
    });
    const claim = await repository.claimForTransform({
      ...input,
      workerId: 'transformer-1',
      leaseMs: LEASE_MS,
    });
    const transformCounts = {
      dates_recomputed: 3,
      dates_already_current: 1,
      orders_aggregated: 120,
      items_aggregated: 310,
      kpi_rows_written: 24,
      kpi_rows_deleted: 2,
    };

    // Act
    const finished = await repository.complete(input, 'transformer-1', {
      status: FileStatus.SUCCESS,
      timings: { ...claim.record.timings, transformMs: 15 },
      transformCounts,
    });

    // Assess
    expect(finished.timings).toEqual({ validateMs: 40, transformMs: 15 });
    expect(finished.transformCounts).toEqual(transformCounts);
    expect(await repository.get(input)).toMatchObject({ transformCounts });
  });

  it('gives busy under a live transformer lease, and claims once that lease expired', async () => {
    // Prepare
    const { repository, clock } = repositoryWithClock();
    const input = await validatedVersion(repository);
    await repository.claimForTransform({ ...input, workerId: 'transformer-1', leaseMs: LEASE_MS });

    // Act
    clock.ms += LEASE_MS - 1;
    const whileLive = await repository.claimForTransform({
      ...input,
      workerId: 'transformer-2',
      leaseMs: LEASE_MS,
    });
    clock.ms += 1;
    const afterExpiry = await repository.claimForTransform({
      ...input,
      workerId: 'transformer-2',
      leaseMs: LEASE_MS,
    });
    const oldOwner = repository.complete(input, 'transformer-1', { status: FileStatus.SUCCESS });

    // Assess
    expect(whileLive).toMatchObject({
      outcome: 'busy',
      workerId: 'transformer-1',
      leaseExpiresAt: START_MS + LEASE_MS,
    });
    expect(afterExpiry).toMatchObject({
      outcome: 'claimed',
      record: { status: 'TRANSFORMING', workerId: 'transformer-2', leaseExpiresAt: clock.ms + LEASE_MS },
    });
    await expect(oldOwner).rejects.toMatchObject({ code: 'LEASE_LOST', currentWorkerId: 'transformer-2' });
  });

  it('lets the transformer holding a live lease re-enter only when it asks to', async () => {
    // Prepare
    const { repository } = repositoryWithClock();
    const input = await validatedVersion(repository);
    const transformer = { ...input, workerId: 'transformer-1', leaseMs: LEASE_MS };
    await repository.claimForTransform(transformer);

    // Act
    const duplicate = await repository.claimForTransform(transformer);
    const other = await repository.claimForTransform({
      ...transformer,
      workerId: 'transformer-2',
      reenter: true,
    });
    const reentry = await repository.claimForTransform({ ...transformer, reenter: true });

    // Assess
    expect(duplicate).toMatchObject({ outcome: 'busy', workerId: 'transformer-1' });
    expect(other).toMatchObject({ outcome: 'busy', workerId: 'transformer-1' });
    expect(reentry).toMatchObject({
      outcome: 'claimed',
      record: { status: 'TRANSFORMING', workerId: 'transformer-1' },
    });
  });

  it('lets exactly one of several racing transformers claim a version', async () => {
    // Prepare
    const { repository } = repositoryWithClock();
    const input = await validatedVersion(repository);

    // Act
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        repository.claimForTransform({ ...input, workerId: `transformer-${index}`, leaseMs: LEASE_MS }),
      ),
    );

    // Assess
    expect(results.filter((result) => result.outcome === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'busy')).toHaveLength(5);
  });

  it('answers busy while a validator holds the version, and refuses it once that lease lapsed (retryable) or when never seen (permanent)', async () => {
    // Prepare: a validator claimed the version and is still working on it
    const { repository, clock } = repositoryWithClock();
    const validating = claimInput();
    await repository.claim(validating);
    const transformClaim = { ...validating, workerId: 'transformer-1', leaseMs: LEASE_MS };

    // Act
    const early = await repository.claimForTransform(transformClaim);
    clock.ms += LEASE_MS + 1;
    const abandoned = repository.claimForTransform(transformClaim);
    const unknown = repository.claimForTransform({
      sourceKey: `raw/orders/${randomUUID()}.csv`,
      objectVersion: 'etag-1',
      workerId: 'transformer-1',
      leaseMs: LEASE_MS,
    });

    // Assess: busy until the validator's lease ends, then not validated
    expect(early).toMatchObject({
      outcome: 'busy',
      workerId: 'worker-a',
      leaseExpiresAt: START_MS + LEASE_MS,
      record: { status: 'VALIDATING' },
    });
    await expect(abandoned).rejects.toMatchObject({
      code: 'LINEAGE_NOT_VALIDATED',
      status: 'VALIDATING',
      retryable: true,
    });
    await expect(unknown).rejects.toMatchObject({ code: 'LINEAGE_NOT_VALIDATED', retryable: false });
    expect(await repository.get(validating)).toMatchObject({ status: 'VALIDATING', workerId: 'worker-a' });
  });
});
