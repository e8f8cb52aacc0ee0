import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageSystemAttributeName,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { type AwsClients, callAws } from './createAwsClients.js';
import { AwsCallError } from './errors.js';

export interface RedriveOptions {
  fromQueueUrl: string;
  toQueueUrl: string;
  /** Stop after this many messages; default: until the dead-letter queue answers empty. */
  maxMessages?: number;
  /** Visibility while a batch is being moved; a crash mid-batch makes it visible again. */
  visibilityTimeoutSeconds?: number;
  onProgress?: (moved: number) => void;
}

/**
 * Moves messages from a dead-letter queue back to its source queue: receive, send, then delete.
 * This is what `StartMessageMoveTask` does on AWS, done by hand so it also works on emulators
 * that lack it. A message is deleted only after its copy was accepted, so a crash can duplicate a
 * message (the services are idempotent) but never lose one.
 *
 * @returns the number of messages moved
 */
export async function redriveDeadLetters(clients: AwsClients, options: RedriveOptions): Promise<number> {
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  while (moved < limit) {
    const batchSize = Math.min(10, limit - moved);
    const received = await callAws(clients, 'SQS', 'ReceiveMessage', () =>
      clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.fromQueueUrl,
          MaxNumberOfMessages: batchSize,
          WaitTimeSeconds: 1,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['MessageGroupId' as MessageSystemAttributeName],
        }),
      ),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    await moveBatch(clients, messages, options);
    moved += messages.length;
    options.onProgress?.(moved);
  }
  return moved;
}

async function moveBatch(clients: AwsClients, messages: Message[], options: RedriveOptions): Promise<void> {
  const sent = await callAws(clients, 'SQS', 'SendMessageBatch', () =>
    clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: options.toQueueUrl,
        Entries: messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          MessageAttributes: message.MessageAttributes,
        })),
      }),
    ),
  );
  const failed = sent.Failed ?? [];
  // Only the messages whose copy was accepted are deleted; the rest stay in the DLQ.
  const delivered = new Set((sent.Successful ?? []).map((entry) => entry.Id));
  const toDelete = messages
    .map((message, index) => ({ message, id: String(index) }))
    .filter(({ id }) => delivered.has(id));
  if (toDelete.length > 0) {
    await callAws(clients, 'SQS', 'DeleteMessageBatch', () =>
      clients.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.fromQueueUrl,
          Entries: toDelete.map(({ message, id }) => ({ Id: id, ReceiptHandle: message.ReceiptHandle })),
        }),
      ),
    );
  }
  if (failed.length > 0) {
    const first = failed[0];
    throw new AwsCallError(
      'SendMessageBatch',
      Object.assign(new Error(first?.Message ?? 'message rejected'), {
        name: first?.Code ?? 'BatchEntryFailed',
      }),
      first?.SenderFault !== true,
    );
  }
}
