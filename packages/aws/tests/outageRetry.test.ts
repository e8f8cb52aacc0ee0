import { createRecordingLogger } from '@storeflow/testing';
import {
  EndpointUnreachableError,
  LeaseLostError,
  OutageRetry,
  type OutageRetryOptions,
} from '../src/index.js';

const BACKOFF = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

function outage(): EndpointUnreachableError {
  return new EndpointUnreachableError('DYNAMODB', 'http://127.0.0.1:8000');
}

/**
 * An OutageRetry on a fake clock: `sleep` records each wait and moves the clock by it, and the
 * jitter always takes the whole backoff, so the waits are the backoff's ceilings.
 */
function fakeRetry(overrides: Partial<OutageRetryOptions> = {}) {
  let clockMs = 0;
  const waits: number[] = [];
  const retries: number[] = [];
  const log = createRecordingLogger();
  const controller = new AbortController();
  const retry = new OutageRetry({
    budgetMs: 60_000,
    backoff: BACKOFF,
    signal: controller.signal,
    log,
    now: () => clockMs,
    sleep: async (ms) => {
      waits.push(ms);
      clockMs += ms;
    },
    random: () => 1,
    onRetry: () => retries.push(clockMs),
    ...overrides,
  });
  return {
    retry,
    waits,
    retries,
    log,
    controller,
    advance: (ms: number) => {
      clockMs += ms;
    },
  };
}

/** A handler that fails with each of `failures` in turn, then returns 'done'. */
function failingWith(failures: unknown[]) {
  const runs: number[] = [];
  const work = async (reruns: number) => {
    runs.push(reruns);
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    return 'done';
  };
  return { work, runs };
}

describe('OutageRetry', () => {
  it('runs the work again through an outage, backing off exponentially, and returns its result', async () => {
    // Prepare
    const { retry, waits, retries } = fakeRetry();
    const { work, runs } = failingWith([outage(), outage(), outage()]);

    // Act
    const result = await retry.run(work);

    // Assess
    expect(result).toBe('done');
    expect(runs).toEqual([0, 1, 2, 3]);
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    expect(retries).toHaveLength(3);
  });

  it('caps each wait at the backoff ceiling', async () => {
    // Prepare
    const { retry, waits } = fakeRetry({ budgetMs: 600_000 });
    const { work } = failingWith(Array.from({ length: 7 }, outage));

    // Act
    await retry.run(work);

    // Assess
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('fails the attempt with the last outage once the budget from the first outage is spent', async () => {
    // Prepare: a 10 s budget; waits of 1, 2 and 4 s leave 3 s, so the fourth wait is cut to 3 s.
    const { retry, waits } = fakeRetry({ budgetMs: 10_000 });
    const failures = Array.from({ length: 10 }, outage);
    const last = failures[4];
    const { work, runs } = failingWith(failures);

    // Act
    const result = retry.run(work);

    // Assess
    await expect(result).rejects.toBe(last);
    expect(waits).toEqual([1_000, 2_000, 4_000, 3_000]);
    expect(runs).toEqual([0, 1, 2, 3, 4]);
  });

  it('counts the budget from the first outage, not from the first run', async () => {
    // Prepare: the first run takes 50 s before the outage hits it.
    const { retry, advance } = fakeRetry({ budgetMs: 10_000 });
    let runs = 0;

    // Act
    const result = await retry.run(async () => {
      runs += 1;
      if (runs === 1) {
        advance(50_000);
        throw outage();
      }
      return 'done';
    });

    // Assess
    expect(result).toBe('done');
  });

  it("passes any other failure on at once: it is the file's own", async () => {
    // Prepare
    const { retry, waits } = fakeRetry();
    const lost = new LeaseLostError({ sourceKey: 'raw/a.csv', objectVersion: 'e' }, 'me', 'other');
    const { work, runs } = failingWith([lost]);

    // Act
    const result = retry.run(work);

    // Assess
    await expect(result).rejects.toBe(lost);
    expect(runs).toEqual([0]);
    expect(waits).toEqual([]);
  });

  it('with a zero budget never runs again', async () => {
    // Prepare
    const { retry } = fakeRetry({ budgetMs: 0 });
    const failure = outage();
    const { work, runs } = failingWith([failure]);

    // Act
    const result = retry.run(work);

    // Assess
    await expect(result).rejects.toBe(failure);
    expect(runs).toEqual([0]);
    expect(retry.willRunAgainAfter(failure)).toBe(false);
  });

  it('answers the failure policy as it then acts, even when the budget ends in between', async () => {
    // Prepare: the handler asks just before the budget ends; the loop sees the error after it.
    const { retry, advance } = fakeRetry({ budgetMs: 10_000 });
    const failure = outage();
    let asked: boolean | undefined;
    let runs = 0;

    // Act
    const result = await retry.run(async () => {
      runs += 1;
      if (runs === 1) {
        retry.willRunAgainAfter(outage());
        advance(9_999);
        asked = retry.willRunAgainAfter(failure);
        advance(5_000);
        throw failure;
      }
      return 'done';
    });

    // Assess: the policy was told "runs again", so the loop ran it again.
    expect(asked).toBe(true);
    expect(result).toBe('done');
    expect(runs).toBe(2);
  });

  it('ends a wait at once when the attempt is stopped, and passes the failure on', async () => {
    // Prepare: a sleep that only ends when the signal aborts.
    const controller = new AbortController();
    const { retry } = fakeRetry({
      signal: controller.signal,
      sleep: (_ms, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    });
    const failure = outage();
    const { work, runs } = failingWith([failure]);

    // Act
    const result = retry.run(work);
    await Promise.resolve();
    controller.abort();

    // Assess
    await expect(result).rejects.toBe(failure);
    expect(runs).toEqual([0]);
    expect(retry.willRunAgainAfter(failure)).toBe(false);
  });

  it('logs one warning when the outage starts and one info line when a run gets through it', async () => {
    // Prepare
    const { retry, log } = fakeRetry();
    const { work } = failingWith([outage(), outage(), outage()]);

    // Act
    await retry.run(work);

    // Assess
    expect(log.messages('warn')).toEqual([
      'dependency outage; running the message again in place until it recovers',
    ]);
    expect(log.messages('info')).toEqual(['dependency outage over; the message ran through it']);
  });

  it('logs a warning when the budget runs out, and nothing for an attempt with no outage', async () => {
    // Prepare
    const spent = fakeRetry({ budgetMs: 2_000 });
    const clean = fakeRetry();

    // Act
    await spent.retry.run(failingWith(Array.from({ length: 5 }, outage)).work).catch(() => undefined);
    await clean.retry.run(failingWith([]).work);

    // Assess
    expect(spent.log.messages('warn')).toEqual([
      'dependency outage; running the message again in place until it recovers',
      'dependency outage outlasted the budget; the attempt fails',
    ]);
    expect(clean.log.messages('warn')).toEqual([]);
    expect(clean.log.messages('info')).toEqual([]);
  });
});
