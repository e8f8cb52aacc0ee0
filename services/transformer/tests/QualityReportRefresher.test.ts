import { QualityReportRefresher, type Schedule } from '../src/QualityReportRefresher.js';

const INTERVAL_MS = 300_000;

/** A refresher on a hand-moved clock and timer, whose refreshes end when the test says. */
function refresherUnderTest() {
  let nowMs = 1_000_000;
  const timers: { at: number; work: () => void; cancelled: boolean }[] = [];
  const schedule: Schedule = (work, delayMs) => {
    const timer = { at: nowMs + delayMs, work, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  const refreshes: { startedAt: number; finish: (error?: Error) => void }[] = [];
  const outcomes: string[] = [];
  const refresher = new QualityReportRefresher({
    intervalMs: INTERVAL_MS,
    now: () => nowMs,
    schedule,
    refresh: () =>
      new Promise<void>((resolve, reject) => {
        refreshes.push({
          startedAt: nowMs,
          finish: (error) => (error === undefined ? resolve() : reject(error)),
        });
      }),
    onSuccess: () => outcomes.push('published'),
    onFailure: (error) => outcomes.push(`failed: ${(error as Error).message}`),
  });
  /** Moves the clock and runs the timers that came due. */
  const advance = (ms: number) => {
    nowMs += ms;
    for (const timer of timers.filter((pending) => !pending.cancelled && pending.at <= nowMs)) {
      timer.cancelled = true;
      timer.work();
    }
  };
  const pendingTimers = () => timers.filter((timer) => !timer.cancelled).map((timer) => timer.at);
  return { refresher, refreshes, outcomes, advance, pendingTimers, start: nowMs };
}

describe('QualityReportRefresher', () => {
  it('refreshes after the first file at once, and covers the files of the next interval with one refresh at its end', async () => {
    // Prepare
    const { refresher, refreshes, outcomes, advance, pendingTimers, start } = refresherUnderTest();

    // Act: a file, its refresh done, then three files within the interval
    refresher.fileFinished();
    refreshes[0]?.finish();
    await refresher.settled();
    advance(10_000);
    refresher.fileFinished();
    advance(50_000);
    refresher.fileFinished();
    refresher.fileFinished();

    // Assess: one refresh so far, one waiting for the end of the interval
    expect(refreshes.map((refresh) => refresh.startedAt)).toEqual([start]);
    expect(pendingTimers()).toEqual([start + INTERVAL_MS]);

    // Act: the interval ends
    advance(INTERVAL_MS);
    refreshes[1]?.finish();
    await refresher.settled();

    // Assess
    expect(refreshes.map((refresh) => refresh.startedAt)).toEqual([start, start + 360_000]);
    expect(pendingTimers()).toEqual([]);
    expect(outcomes).toEqual(['published', 'published']);
  });

  it('runs one refresh at a time and follows up on files finished during it', async () => {
    // Prepare
    const { refresher, refreshes, advance, pendingTimers, start } = refresherUnderTest();

    // Act: a file starts a refresh; two more finish while it reads
    refresher.fileFinished();
    advance(1_000);
    refresher.fileFinished();
    refresher.fileFinished();

    // Assess: still the one refresh
    expect(refreshes).toHaveLength(1);

    // Act: it ends
    refreshes[0]?.finish();
    await refresher.settled();

    // Assess: the files it may have missed get a refresh once the interval is up
    expect(pendingTimers()).toEqual([start + INTERVAL_MS]);
  });

  it('reports a failed refresh and tries again with a later file', async () => {
    // Prepare
    const { refresher, refreshes, outcomes, advance } = refresherUnderTest();

    // Act
    refresher.fileFinished();
    refreshes[0]?.finish(new Error('S3 unavailable'));
    await refresher.settled();
    advance(INTERVAL_MS);
    refresher.fileFinished();
    refreshes[1]?.finish();
    await refresher.settled();

    // Assess
    expect(outcomes).toEqual(['failed: S3 unavailable', 'published']);
  });

  it('drops a waiting refresh when cancelled', async () => {
    // Prepare
    const { refresher, refreshes, advance, pendingTimers } = refresherUnderTest();
    refresher.fileFinished();
    refreshes[0]?.finish();
    await refresher.settled();
    refresher.fileFinished();

    // Act
    refresher.cancel();
    advance(INTERVAL_MS);

    // Assess
    expect(pendingTimers()).toEqual([]);
    expect(refreshes).toHaveLength(1);
  });

  it('refuses an interval that is not positive: 0 means no refresher at all', () => {
    expect(
      () =>
        new QualityReportRefresher({
          intervalMs: 0,
          now: Date.now,
          refresh: async () => {},
          onSuccess: () => {},
          onFailure: () => {},
        }),
    ).toThrow('intervalMs must be > 0, got 0');
  });
});
