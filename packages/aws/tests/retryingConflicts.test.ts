import { retryingConflicts } from '../src/dynamodb/conditionalWrite.js';
import { WriteContentionError } from '../src/index.js';

const QUICK = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

/** An error shaped as the SDK's for DynamoDB's error of that name. */
function sdkError(name: string): Error {
  const error = new Error(`${name} from the service`);
  error.name = name;
  return error;
}

/** A write that is refused with `failures` in order, then answers `done`. */
function writeRefusedWith(...failures: Error[]) {
  let calls = 0;
  return {
    run: async () => {
      calls += 1;
      const failure = failures[calls - 1];
      if (failure !== undefined) throw failure;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('retryingConflicts', () => {
  it('sends a write again while a transaction holds its item, then returns its answer', async () => {
    // Prepare
    const write = writeRefusedWith(
      sdkError('TransactionConflictException'),
      sdkError('TransactionConflictException'),
    );

    // Act
    const answer = await retryingConflicts('UpdateItem', write.run, QUICK);

    // Assess
    expect(answer).toBe('done');
    expect(write.calls()).toBe(3);
  });

  it('gives up after the policy attempts with a retryable contention error naming the write', async () => {
    // Prepare
    const write = writeRefusedWith(
      ...Array.from({ length: 4 }, () => sdkError('TransactionConflictException')),
    );

    // Act
    const failure = await retryingConflicts('UpdateItem', write.run, QUICK).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(WriteContentionError);
    expect(failure).toMatchObject({ retryable: true, reasons: ['TransactionConflict'], attempts: 4 });
    expect((failure as Error).message).toContain('UpdateItem');
    expect(write.calls()).toBe(4);
  });

  it('throws any other failure at once, as it came', async () => {
    // Prepare
    const refused = sdkError('ValidationException');
    const write = writeRefusedWith(refused);

    // Act
    const failure = await retryingConflicts('UpdateItem', write.run, QUICK).catch((error: unknown) => error);

    // Assess
    expect(failure).toBe(refused);
    expect(write.calls()).toBe(1);
  });
});
