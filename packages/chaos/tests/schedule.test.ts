import { ArrivalKind, pickVictim, planArrivals, planFaults } from '../src/schedule.js';

const FILES = Array.from({ length: 40 }, (_, index) => `file-${index}`);

describe('planArrivals', () => {
  it('uploads every file once first, duplicates only after their first upload, re-uploads within the storm', () => {
    // Act
    const plan = planArrivals(FILES, 'seed', 60_000);
    // Assess
    const firsts = plan.initial.filter((arrival) => arrival.kind === ArrivalKind.FIRST);
    expect(firsts.map((arrival) => arrival.file).sort()).toEqual([...FILES].sort());
    for (const [index, arrival] of plan.initial.entries()) {
      if (arrival.kind !== ArrivalKind.DUPLICATE) continue;
      const first = plan.initial.findIndex(
        (other) => other.file === arrival.file && other.kind === ArrivalKind.FIRST,
      );
      expect(first).toBeLessThan(index);
    }
    expect(plan.initial.some((arrival) => arrival.kind === ArrivalKind.DUPLICATE)).toBe(true);
    expect(plan.late.length).toBeGreaterThan(0);
    for (const arrival of plan.late) {
      expect(arrival.kind).toBe(ArrivalKind.REUPLOAD);
      expect(arrival.atMs).toBeGreaterThanOrEqual(0);
      expect(arrival.atMs).toBeLessThanOrEqual(48_000);
    }
    const times = plan.late.map((arrival) => arrival.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('replays the same plan for the same seed and another for another seed', () => {
    // Act
    const once = planArrivals(FILES, 'seed', 60_000);
    const again = planArrivals(FILES, 'seed', 60_000);
    const other = planArrivals(FILES, 'other', 60_000);
    // Assess
    expect(again).toEqual(once);
    expect(other.initial).not.toEqual(once.initial);
  });

  it('shuffles: the first uploads are not in the given order', () => {
    const plan = planArrivals(FILES, 'seed', 60_000);
    const firsts = plan.initial.filter((arrival) => arrival.kind === ArrivalKind.FIRST);
    expect(firsts.map((arrival) => arrival.file)).not.toEqual(FILES);
  });
});

describe('planFaults', () => {
  it('kills within the given interval until the storm ends, and places the pauses at their offsets', () => {
    // Act
    const faults = planFaults({
      seed: 'seed',
      stormMs: 60_000,
      killEverySeconds: { min: 1, max: 4 },
      pauses: [{ emulator: 'dynamodb', atSeconds: 20, forSeconds: 10 }],
    });
    // Assess
    const kills = faults.filter((fault) => fault.kind === 'kill');
    expect(kills.length).toBeGreaterThanOrEqual(12); // 60 s at most 4 s apart, the first after at most 4 s
    expect(kills.length).toBeLessThanOrEqual(60);
    let previous = 0;
    for (const kill of kills) {
      expect(kill.atMs - previous).toBeGreaterThanOrEqual(1000);
      expect(kill.atMs - previous).toBeLessThanOrEqual(4000);
      expect(kill.pick).toBeGreaterThanOrEqual(0);
      expect(kill.pick).toBeLessThan(1);
      previous = kill.atMs;
    }
    expect(previous).toBeLessThan(60_000);
    expect(faults.filter((fault) => fault.kind === 'pause')).toEqual([
      { kind: 'pause', atMs: 20_000, emulator: 'dynamodb', forMs: 10_000 },
    ]);
    const times = faults.map((fault) => fault.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('kills at a fixed interval when min and max are equal', () => {
    const faults = planFaults({
      seed: 's',
      stormMs: 10_000,
      killEverySeconds: { min: 2, max: 2 },
      pauses: [],
    });
    expect(faults.map((fault) => fault.atMs)).toEqual([2000, 4000, 6000, 8000]);
  });
});

describe('pickVictim', () => {
  it.each([
    [0, 'a'],
    [0.34, 'b'],
    [0.999, 'c'],
  ])('maps pick %d to one of the candidates', (pick, victim) => {
    expect(pickVictim(['a', 'b', 'c'], pick)).toBe(victim);
  });

  it('has no victim without candidates', () => {
    expect(pickVictim([], 0.5)).toBeUndefined();
  });
});
