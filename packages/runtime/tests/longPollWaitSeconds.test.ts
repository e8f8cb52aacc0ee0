import { longPollWaitSeconds } from '../src/longPollWaitSeconds.js';

describe('longPollWaitSeconds', () => {
  it('waits the SQS maximum of 20 s when the grace leaves room for it and the hand-back', () => {
    expect(longPollWaitSeconds(25)).toBe(20);
    expect(longPollWaitSeconds(115)).toBe(20);
  });

  it('ends the wait 2 s before a shorter grace, so the hand-back fits', () => {
    expect(longPollWaitSeconds(10)).toBe(8);
    expect(longPollWaitSeconds(3)).toBe(1);
  });

  it('never waits less than 1 s, which would spin on an empty queue', () => {
    expect(longPollWaitSeconds(1)).toBe(1);
  });
});
