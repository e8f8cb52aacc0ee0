import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  DateRecomputeCoordinator,
  type FencedWrite,
  fencedWriteAll,
  KpiDateLeaseLostError,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';
import { storedCategoriesOf } from './helpers/storedCategories.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let names: ResourceNames;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  names = resourceNamesFor(uniquePrefix('kd'));
  await bootstrapResources(clients, { names });
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

const START_MS = Date.parse('2025-04-01T10:00:00.000Z');
const LEASE_MS = 60_000;

/** A coordinator whose clock the test moves by hand. */
function coordinatorWithClock() {
  const clock = { ms: START_MS };
  const coordinator = new DateRecomputeCoordinator({
    clients,
    tableName: names.kpiDatesTable,
    now: () => clock.ms,
  });
  return { coordinator, clock };
}

let dateCounter = 0;
function uniqueDate(): string {
  dateCounter += 1;
  return `2030-01-${String(dateCounter).padStart(2, '0')}`;
}

let dayCounter = 0;
/** `count` consecutive dates no other test uses, from 2031-01-01 on. */
function uniqueDates(count: number): string[] {
  const first = Date.UTC(2031, 0, 1) + dayCounter * 86_400_000;
  dayCounter += count;
  return Array.from({ length: count }, (_, day) =>
    new Date(first + day * 86_400_000).toISOString().slice(0, 10),
  );
}

/** The DynamoDB requests of `operation` the test's clients have made so far. */
function requestsOf(operation: string): number {
  return clients.requests.tallies().find((tally) => tally.operation === operation)?.requests ?? 0;
}

describe('DateRecomputeCoordinator on DynamoDB Local', () => {
  it('hands out strictly increasing tickets, also to concurrent requests', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const date = uniqueDate();

    // Act
    const first = await coordinator.request(date);
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => coordinator.request(date)));
    const state = await coordinator.state(date);

    // Assess
    expect(first).toBe(1);
    expect([...concurrent].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(state).toEqual({ requestedSeq: 9, computedSeq: 0 });
  });

  it('takes the tickets of many dates in two requests a group of 25, each the requested_seq it left', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const dates = uniqueDates(60);
    for (const date of dates.slice(0, 10)) await coordinator.request(date);
    const transactionsBefore = requestsOf('TransactWriteItems');
    const readsBefore = requestsOf('BatchGetItem');

    // Act
    const tickets = await coordinator.requestAll([...dates, dates[0] as string]);

    // Assess: one increment per date, duplicates taken once, in three groups
    expect([...tickets.keys()].sort()).toEqual(dates);
    for (const [index, date] of dates.entries()) {
      const expected = index < 10 ? 2 : 1;
      expect(tickets.get(date)).toBe(expected);
      expect(await coordinator.state(date)).toEqual({ requestedSeq: expected, computedSeq: 0 });
    }
    expect(requestsOf('TransactWriteItems') - transactionsBefore).toBe(3);
    expect(requestsOf('BatchGetItem') - readsBefore).toBe(3);
  });

  it('takes a single date ticket with one UpdateItem', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const [date] = uniqueDates(1) as [string];
    const updatesBefore = requestsOf('UpdateItem');
    const transactionsBefore = requestsOf('TransactWriteItems');

    // Act
    const tickets = await coordinator.requestAll([date, date]);

    // Assess
    expect(tickets).toEqual(new Map([[date, 1]]));
    expect(requestsOf('UpdateItem') - updatesBefore).toBe(1);
    expect(requestsOf('TransactWriteItems')).toBe(transactionsBefore);
  });

  it('hands out grouped tickets no run that acquired before them covers, also to concurrent callers', async () => {
    // Prepare: each date held by a run that acquired with an earlier ticket
    const { coordinator } = coordinatorWithClock();
    const dates = uniqueDates(30);
    const runs = new Map<string, number>();
    for (const date of dates) {
      await coordinator.request(date);
      const acquired = await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);
      if (acquired.outcome !== 'acquired') throw new Error(`worker-a should hold ${date}`);
      runs.set(date, acquired.seq);
    }

    // Act: two tasks take tickets of the same dates at once, while the runs go on
    const [mine, theirs] = await Promise.all([coordinator.requestAll(dates), coordinator.requestAll(dates)]);

    // Assess
    for (const date of dates) {
      const seq = runs.get(date) as number;
      const state = await coordinator.state(date);
      expect(state.requestedSeq).toBe(seq + 2);
      for (const tickets of [mine, theirs]) {
        const ticket = tickets.get(date) as number;
        expect(ticket).toBeGreaterThan(seq); // the running run does not cover it: the date runs again
        expect(ticket).toBeLessThanOrEqual(state.requestedSeq);
      }
      await coordinator.complete(date, 'worker-a', seq);
      expect(
        await coordinator.acquireUnlessCovered(date, 'worker-b', LEASE_MS, mine.get(date) as number),
      ).toMatchObject({ outcome: 'acquired', seq: seq + 2 });
    }
  });

  it('reads a date never requested as zeros', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();

    // Act
    const state = await coordinator.state(uniqueDate());

    // Assess
    expect(state).toEqual({ requestedSeq: 0, computedSeq: 0 });
  });

  it('lets exactly one of several racing workers acquire; the others see the holder', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const date = uniqueDate();
    await coordinator.request(date);

    // Act
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => coordinator.tryAcquire(date, `worker-${index}`, LEASE_MS)),
    );

    // Assess
    const acquired = results.filter((result) => result.outcome === 'acquired');
    expect(acquired).toHaveLength(1);
    expect(acquired[0]).toMatchObject({ seq: 1, leaseExpiresAt: START_MS + LEASE_MS });
    const state = await coordinator.state(date);
    for (const result of results.filter((candidate) => candidate.outcome === 'held')) {
      expect(result).toEqual({
        outcome: 'held',
        holder: state.leaseHolder,
        leaseExpiresAt: START_MS + LEASE_MS,
      });
    }
  });

  it('makes a request during a recompute run again: its ticket is above the holder seq', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const date = uniqueDate();
    const ticketA = await coordinator.request(date);
    const holder = await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);
    if (holder.outcome !== 'acquired') throw new Error('worker-a should have acquired');

    // Act
    const ticketB = await coordinator.request(date); // arrives while worker-a recomputes
    const blocked = await coordinator.tryAcquire(date, 'worker-b', LEASE_MS);
    const afterA = await coordinator.complete(date, 'worker-a', holder.seq);
    const next = await coordinator.tryAcquire(date, 'worker-b', LEASE_MS);

    // Assess
    expect(holder.seq).toBe(ticketA);
    expect(ticketB).toBeGreaterThan(holder.seq);
    expect(blocked).toMatchObject({ outcome: 'held', holder: 'worker-a' });
    expect(afterA).toEqual({ requestedSeq: ticketB, computedSeq: ticketA });
    expect(afterA.computedSeq).toBeLessThan(ticketB); // B is not done: dirty, run again
    expect(next).toMatchObject({ outcome: 'acquired', seq: ticketB });
    const afterB = await coordinator.complete(date, 'worker-b', ticketB);
    expect(afterB.computedSeq).toBeGreaterThanOrEqual(ticketB);
    expect(afterB.leaseHolder).toBeUndefined();
  });

  it('acquires for a ticket only while it is not covered, reading coverage with the lease', async () => {
    // Prepare: worker-a covers ticket A; ticket B arrives after its acquisition
    const { coordinator } = coordinatorWithClock();
    const date = uniqueDate();
    const ticketA = await coordinator.request(date);
    const holder = await coordinator.acquireUnlessCovered(date, 'worker-a', LEASE_MS, ticketA);
    if (holder.outcome !== 'acquired') throw new Error('worker-a should have acquired');
    const ticketB = await coordinator.request(date);

    // Act
    const whileHeld = await coordinator.acquireUnlessCovered(date, 'worker-b', LEASE_MS, ticketB);
    await coordinator.complete(date, 'worker-a', holder.seq);
    const coveredA = await coordinator.acquireUnlessCovered(date, 'worker-b', LEASE_MS, ticketA);
    const afterCovered = await coordinator.state(date);
    const dirtyB = await coordinator.acquireUnlessCovered(date, 'worker-b', LEASE_MS, ticketB);

    // Assess: a covered ticket writes nothing, not even the lease; an uncovered one acquires
    expect(whileHeld).toMatchObject({ outcome: 'held', holder: 'worker-a' });
    expect(coveredA).toEqual({ outcome: 'covered' });
    expect(afterCovered).toEqual({ requestedSeq: ticketB, computedSeq: ticketA });
    expect(dirtyB).toMatchObject({ outcome: 'acquired', seq: ticketB });
  });

  it('lets another worker take over an expired lease; the old holder then fails typed and retryable', async () => {
    // Prepare
    const { coordinator, clock } = coordinatorWithClock();
    const date = uniqueDate();
    await coordinator.request(date);
    const first = await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);
    clock.ms += LEASE_MS + 1;
    await coordinator.request(date);

    // Act
    const takeover = await coordinator.tryAcquire(date, 'worker-b', LEASE_MS);
    const renew = coordinator.renew(date, 'worker-a', LEASE_MS);
    const lateComplete = coordinator.complete(date, 'worker-a', 1);

    // Assess
    expect(first).toMatchObject({ outcome: 'acquired', seq: 1 });
    expect(takeover).toEqual({ outcome: 'acquired', seq: 2, leaseExpiresAt: clock.ms + LEASE_MS });
    await expect(renew).rejects.toBeInstanceOf(KpiDateLeaseLostError);
    await expect(lateComplete).rejects.toMatchObject({
      code: 'KPI_DATE_LEASE_LOST',
      retryable: true,
      currentHolder: 'worker-b',
    });
    expect(await coordinator.state(date)).toMatchObject({ computedSeq: 0, leaseHolder: 'worker-b' });
  });

  it('renews a held lease and fails complete by a worker that never held it', async () => {
    // Prepare
    const { coordinator, clock } = coordinatorWithClock();
    const date = uniqueDate();
    await coordinator.request(date);
    await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);
    clock.ms += 10_000;

    // Act
    const renewedUntil = await coordinator.renew(date, 'worker-a', LEASE_MS);
    const intruder = coordinator.complete(date, 'worker-x', 1);

    // Assess
    expect(renewedUntil).toBe(clock.ms + LEASE_MS);
    await expect(intruder).rejects.toMatchObject({ code: 'KPI_DATE_LEASE_LOST', currentHolder: 'worker-a' });
    expect(await coordinator.state(date)).toEqual({
      requestedSeq: 1,
      computedSeq: 0,
      leaseHolder: 'worker-a',
      leaseExpiresAt: clock.ms + LEASE_MS,
    });
  });

  it('never lowers computed_seq: completing with a smaller seq only releases the lease', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const date = uniqueDate();
    for (let index = 0; index < 5; index++) await coordinator.request(date);
    const first = await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);
    if (first.outcome !== 'acquired') throw new Error('worker-a should have acquired');
    await coordinator.complete(date, 'worker-a', first.seq);
    await coordinator.tryAcquire(date, 'worker-b', LEASE_MS);

    // Act
    const afterStale = await coordinator.complete(date, 'worker-b', 2);

    // Assess
    expect(first.seq).toBe(5);
    expect(afterStale).toEqual({ requestedSeq: 5, computedSeq: 5 });
  });

  it('refuses to complete with a seq that was never handed out', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const date = uniqueDate();
    await coordinator.request(date);
    await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);

    // Act
    const attempt = coordinator.complete(date, 'worker-a', 99);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'seq' });
    expect(await coordinator.state(date)).toMatchObject({ computedSeq: 0, leaseHolder: 'worker-a' });
  });
  it('completes the date and releases its lease in the last write made under completingFence', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const [date, empty] = [uniqueDate(), uniqueDate()];
    for (const day of [date, date, empty]) await coordinator.request(day);
    const held = await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);
    const heldEmpty = await coordinator.tryAcquire(empty, 'worker-a', LEASE_MS);
    if (held.outcome !== 'acquired' || heldEmpty.outcome !== 'acquired')
      throw new Error('worker-a should hold both');

    // Act: 150 rows (two transactions), and a batch with nothing to write
    await fencedWriteAll(
      clients,
      markers(date, 150),
      coordinator.completingFence(date, 'worker-a', held.seq),
    );
    await fencedWriteAll(clients, [], coordinator.completingFence(empty, 'worker-a', heldEmpty.seq));

    // Assess
    expect(await coordinator.state(date)).toEqual({ requestedSeq: 2, computedSeq: 2 });
    expect(await coordinator.state(empty)).toEqual({ requestedSeq: 1, computedSeq: 1 });
    expect(await storedMarkers(date)).toBe(150);
  });

  it('lands nothing and completes nothing under the completingFence of a lease taken over', async () => {
    // Prepare
    const { coordinator, clock } = coordinatorWithClock();
    const date = uniqueDate();
    await coordinator.request(date);
    const stale = await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);
    if (stale.outcome !== 'acquired') throw new Error('worker-a should have acquired');
    clock.ms += LEASE_MS + 1;
    await coordinator.tryAcquire(date, 'worker-b', LEASE_MS);

    // Act
    const attempt = fencedWriteAll(
      clients,
      markers(date, 3),
      coordinator.completingFence(date, 'worker-a', stale.seq),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(KpiDateLeaseLostError);
    expect(await coordinator.state(date)).toMatchObject({ computedSeq: 0, leaseHolder: 'worker-b' });
    expect(await storedMarkers(date)).toBe(0);
  });

  it('refuses, writing nothing, to complete with a seq never handed out under completingFence', async () => {
    // Prepare
    const { coordinator } = coordinatorWithClock();
    const date = uniqueDate();
    await coordinator.request(date);
    await coordinator.tryAcquire(date, 'worker-a', LEASE_MS);

    // Act
    const attempt = fencedWriteAll(
      clients,
      markers(date, 3),
      coordinator.completingFence(date, 'worker-a', 99),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'KPI_DATE_LEASE_LOST' });
    expect(await coordinator.state(date)).toMatchObject({ computedSeq: 0, leaseHolder: 'worker-a' });
    expect(await storedMarkers(date)).toBe(0);
  });
});

/** `count` rows of the date in the CategoryKPIs table, standing for a recompute's writes. */
function markers(orderDate: string, count: number): FencedWrite[] {
  return Array.from({ length: count }, (_, index) => ({
    table: names.categoryKpisTable,
    put: { category: { S: `marker-${index}` }, order_date: { S: orderDate } },
  }));
}

async function storedMarkers(orderDate: string): Promise<number> {
  return (await storedCategoriesOf(clients, names.categoryKpisTable, orderDate)).length;
}
