import { closeBeside } from '../src/coreApproach.js';

describe('closeBeside', () => {
  it('closes, then rethrows the validation error itself when closing succeeds', async () => {
    // Prepare
    const failure = new Error('validation failed');
    let closed = false;
    // Act
    const outcome = closeBeside(async () => {
      closed = true;
    }, failure);
    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(closed).toBe(true);
  });

  it('throws both errors when closing fails too, the validation error first', async () => {
    // Prepare
    const failure = new Error('validation failed');
    const closeFailure = new Error('EBADF');
    // Act
    const outcome = closeBeside(async () => {
      throw closeFailure;
    }, failure);
    // Assess
    await expect(outcome).rejects.toMatchObject({ errors: [failure, closeFailure] });
  });
});
