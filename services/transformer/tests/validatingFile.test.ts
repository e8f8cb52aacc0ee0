import type { MessageOutcome } from '@storeflow/aws';
import { createRecordingLogger } from '@storeflow/testing';
import {
  VALIDATED_FILE_KEY as KEY,
  NOW_MS,
  stubbedTransformHandler,
  validatedMessage,
} from './stubbedAttempt.js';

// The validator announces a file a moment before it records VALIDATED, so a transformer can
// receive the message while the file is still VALIDATING under the validator's live lease. That
// state cannot be held still on a real stack; lineage is a stub answering the claim as the
// repository does for it.

/**
 * A handler whose claims find the file busy with `status` the first `busyClaims` times (every
 * time when undefined), then done (another attempt finished it); `claims` counts them.
 */
function handlerWhoseClaimFinds(status: 'VALIDATING' | 'TRANSFORMING', busyClaims?: number) {
  const claims = { count: 0 };
  const lineage = {
    claimForTransform: async () => {
      claims.count += 1;
      if (busyClaims !== undefined && claims.count > busyClaims) {
        return { outcome: 'done', record: { ...KEY, status: 'SUCCESS' } };
      }
      return {
        outcome: 'busy',
        record: { ...KEY, status, workerId: 'holder-1' },
        workerId: 'holder-1',
        leaseExpiresAt: NOW_MS + 30_000,
      };
    },
  };
  const handler = stubbedTransformHandler({
    lineage,
    environment: { TRANSFORMER_HELD_DATE_RETRY_SECONDS: '2' },
  });
  return { handler, claims };
}

describe('a transform message for a file the validator is still recording', () => {
  it('is requeued unchanged after the held-date delay, spending no receive and logging no warning', async () => {
    // Prepare
    const log = createRecordingLogger();
    const message = validatedMessage(log);

    const { handler, claims } = handlerWhoseClaimFinds('VALIDATING');

    // Act
    const outcome = await handler(message, new AbortController().signal);

    // Assess: a requeue is a new message, so the receive count starts again; before it, the
    // claim was asked again four times
    expect(outcome).toEqual<MessageOutcome>({ kind: 'requeue', delaySeconds: 2, body: message.body });
    expect(claims.count).toBe(5);
    expect(log.messages('warn')).toEqual([]);
  });

  it('goes on in the same delivery once the validator has recorded the file, within the rechecks', async () => {
    // Prepare: the validator records the file between the second and the third claim
    const message = validatedMessage(createRecordingLogger());
    const { handler, claims } = handlerWhoseClaimFinds('VALIDATING', 2);

    // Act
    const outcome = await handler(message, new AbortController().signal);

    // Assess: the third claim found the file finished by then, so no requeue
    expect(outcome).toEqual<MessageOutcome>({ kind: 'done' });
    expect(claims.count).toBe(3);
  });

  it('still waits out another transformer holding the file, until its lease ends, spending no receive', async () => {
    // Prepare
    const message = validatedMessage(createRecordingLogger());

    const { handler, claims } = handlerWhoseClaimFinds('TRANSFORMING');

    // Act
    const outcome = await handler(message, new AbortController().signal);

    // Assess: 30 s of lease left, and no recheck: another transformer's lease is not a moment
    expect(outcome).toEqual<MessageOutcome>({ kind: 'requeue', delaySeconds: 30, body: message.body });
    expect(claims.count).toBe(1);
  });
});
