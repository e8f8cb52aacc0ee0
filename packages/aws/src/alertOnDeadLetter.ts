import type { Alert, AlertSink } from '@storeflow/core';
import type { MessageHandler, QueueMessage } from './SqsPoller.js';

/** The file a dead-lettered message was about, as a `dead-letter` alert names it. */
export type DeadLetterFile = NonNullable<Extract<Alert, { kind: 'dead-letter' }>['file']>;

export interface DeadLetterAlertOptions {
  /** Where the alert goes; a publish failure is logged on the message's logger, never thrown. */
  alerts: AlertSink;
  /** `validator` or `transformer`: whose queue gives up on the message. */
  service: string;
  /** The consumed queue's redrive `maxReceiveCount`: the receive with this count is the last. */
  maxReceiveCount: number;
  /** The file a message body names, when it names exactly one and its version is known. */
  fileOf(body: string): DeadLetterFile | undefined;
}

/**
 * Wraps a queue handler so that a message about to land in its dead-letter queue raises one
 * `dead-letter` alert: its attempt on the last receive the redrive policy allows failed (and the
 * poller will not run it again through a dependency outage), or asked to come back later, so the
 * message expires into the DLQ at its next receive. A stopped attempt is left alone: it is handed
 * back for another worker and raises nothing here (one stopped on the last receive still moves to
 * the DLQ, and the queue's DLQ alarm reports it).
 *
 * The handler's outcome or error passes through unchanged: the alert only announces what the
 * queue's redrive policy does anyway.
 *
 * @example
 * const handle = alertOnDeadLetter(createIngestHandler(deps), {
 *   alerts, service: 'validator', maxReceiveCount: config.maxReceiveCount, fileOf: ingestMessageFile });
 */
export function alertOnDeadLetter(handle: MessageHandler, options: DeadLetterAlertOptions): MessageHandler {
  return async (message, signal) => {
    const lastReceive = message.receiveCount >= options.maxReceiveCount;
    try {
      const outcome = await handle(message, signal);
      if (lastReceive && outcome.kind === 'retryLater') await publishDeadLetter(message, options);
      return outcome;
    } catch (error) {
      if (lastReceive && !signal.aborted && !message.runsAgainAfter(error)) {
        await publishDeadLetter(message, options);
      }
      throw error;
    }
  };
}

async function publishDeadLetter(message: QueueMessage, options: DeadLetterAlertOptions): Promise<void> {
  const file = options.fileOf(message.body);
  try {
    await options.alerts.publish({
      kind: 'dead-letter',
      service: options.service,
      messageId: message.messageId,
      receiveCount: message.receiveCount,
      ...(file === undefined ? {} : { file }),
    });
  } catch (error) {
    // The handler's own outcome must stand; the lost alert is reported here instead.
    message.log.error({ err: error }, 'dead-letter alert could not be published; it is lost');
  }
}
