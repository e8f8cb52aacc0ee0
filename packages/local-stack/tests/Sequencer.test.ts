import { Sequencer } from '../src/Sequencer.js';

describe('Sequencer', () => {
  it('returns strictly increasing upper-case hex values per bucket within one millisecond', () => {
    // Prepare
    const sequencer = new Sequencer(() => 1_700_000_000_000);

    // Act
    const values = Array.from({ length: 5 }, () => sequencer.next('bucket'));

    // Assess
    for (const value of values) expect(value).toMatch(/^[0-9A-F]{18}$/);
    expect([...values].sort()).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
  });

  it('keeps increasing when the clock goes backwards', () => {
    // Prepare
    let now = 1_700_000_000_000;
    const sequencer = new Sequencer(() => now);
    const first = sequencer.next('bucket');
    now -= 10_000;

    // Act
    const second = sequencer.next('bucket');

    // Assess
    expect(BigInt(`0x${second}`)).toBeGreaterThan(BigInt(`0x${first}`));
  });

  it('gives a later start a larger value, so order holds across restarts', () => {
    // Prepare
    const before = new Sequencer(() => 1_700_000_000_000);
    const after = new Sequencer(() => 1_700_000_000_001);

    // Act
    const last = Array.from({ length: 100 }, () => before.next('bucket')).at(-1) ?? '';
    const next = after.next('bucket');

    // Assess
    expect(next > last).toBe(true);
  });

  it('counts each bucket separately', () => {
    // Prepare
    const sequencer = new Sequencer(() => 1_700_000_000_000);
    sequencer.next('a');
    sequencer.next('a');

    // Act
    const first = sequencer.next('b');

    // Assess
    expect(first).toBe(new Sequencer(() => 1_700_000_000_000).next('b'));
  });
});
