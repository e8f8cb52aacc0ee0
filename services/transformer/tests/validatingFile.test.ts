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

function handlerWhoseClaimFinds(status: 'VALIDATING' | 'TRANSFORMING') {
  const lineage = {
    claimForTransform: async () => ({
      outcome: 'busy',
      record: { ...KEY, status, workerId: 'holder-1' },
      workerId: 'holder-1',
      leaseExpiresAt: NOW_MS + 30_000,
    }),
  };
  return stubbedTransformHandler({ lineage, environment: { TRANSFORMER_HELD_DATE_RETRY_SECONDS: '2' } });
}

describe('a transform message for a file the validator is still recording', () => {
  it('is requeued unchanged after the held-date delay, spending no receive and logging no warning', async () => {
    // Prepare
    const log = createRecordingLogger();
    const message = validatedMessage(log);

    // Act
    const outcome = await handlerWhoseClaimFinds('VALIDATING')(message, new AbortController().signal);

    // Assess: a requeue is a new message, so the receive count starts again
    expect(outcome).toEqual<MessageOutcome>({ kind: 'requeue', delaySeconds: 2, body: message.body });
    expect(log.messages('warn')).toEqual([]);
  });

  it('still waits out another transformer holding the file, until its lease ends, spending no receive', async () => {
    // Prepare
    const message = validatedMessage(createRecordingLogger());

    // Act
    const outcome = await handlerWhoseClaimFinds('TRANSFORMING')(message, new AbortController().signal);

    // Assess: 30 s of lease left
    expect(outcome).toEqual<MessageOutcome>({ kind: 'requeue', delaySeconds: 30, body: message.body });
  });
});
