import { GetQueueAttributesCommand, type QueueAttributeName } from '@aws-sdk/client-sqs';
import { type AwsClients, callAws } from './createAwsClients.js';
import { AwsCallError, ResourceConflictError } from './errors.js';

/** How many messages of one queue are in each state (SQS's approximate counts). */
export interface QueueDepth {
  /** Waiting to be received: `ApproximateNumberOfMessages`. */
  visible: number;
  /** Received and not yet deleted or released: `ApproximateNumberOfMessagesNotVisible`. */
  inFlight: number;
  /** Sent with a delay that has not passed yet: `ApproximateNumberOfMessagesDelayed`. */
  delayed: number;
}

/** The depth of a work queue and of the dead-letter queue it redrives to. */
export interface QueueDepths {
  source: QueueDepth;
  deadLetter: QueueDepth;
}

export interface QueueDepthReaderOptions {
  clients: AwsClients;
  /** The queue the service consumes; its redrive policy names the dead-letter queue. */
  queueUrl: string;
  /** Both reads together must answer within this, so a hung endpoint cannot stall a scrape. */
  timeoutMs?: number;
}

const DEPTH_ATTRIBUTES: QueueAttributeName[] = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

/**
 * Reads the depth of a queue and of its dead-letter queue with `GetQueueAttributes` (the caller
 * needs `sqs:GetQueueAttributes` on both). The dead-letter queue is the one the source queue's
 * redrive policy names at the time of the read, so no setting can disagree with the queue.
 *
 * @example
 * const reader = new QueueDepthReader({ clients, queueUrl: config.queueUrl });
 * const { source, deadLetter } = await reader.read(); // { visible, inFlight, delayed } each
 */
export class QueueDepthReader {
  readonly #clients: AwsClients;
  readonly #queueUrl: string;
  readonly #timeoutMs: number;

  constructor(options: QueueDepthReaderOptions) {
    this.#clients = options.clients;
    this.#queueUrl = options.queueUrl;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * @throws AwsCallError or EndpointUnreachableError when SQS does not answer as expected,
   *   ResourceConflictError when the queue has no (or an unreadable) redrive policy
   */
  async read(): Promise<QueueDepths> {
    const abortSignal = AbortSignal.timeout(this.#timeoutMs);
    const source = await this.#attributes(
      this.#queueUrl,
      [...DEPTH_ATTRIBUTES, 'RedrivePolicy'],
      abortSignal,
    );
    const deadLetterUrl = deadLetterQueueUrl(this.#queueUrl, source.RedrivePolicy);
    const deadLetter = await this.#attributes(deadLetterUrl, DEPTH_ATTRIBUTES, abortSignal);
    return { source: depthOf(source), deadLetter: depthOf(deadLetter) };
  }

  async #attributes(
    queueUrl: string,
    names: QueueAttributeName[],
    abortSignal: AbortSignal,
  ): Promise<Partial<Record<string, string>>> {
    const answer = await callAws(this.#clients, 'SQS', 'GetQueueAttributes', () =>
      this.#clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }), {
        abortSignal,
      }),
    );
    return answer.Attributes ?? {};
  }
}

function depthOf(attributes: Partial<Record<string, string>>): QueueDepth {
  return {
    visible: count(attributes, 'ApproximateNumberOfMessages'),
    inFlight: count(attributes, 'ApproximateNumberOfMessagesNotVisible'),
    delayed: count(attributes, 'ApproximateNumberOfMessagesDelayed'),
  };
}

function count(attributes: Partial<Record<string, string>>, name: string): number {
  const value = Number(attributes[name] ?? Number.NaN);
  if (!Number.isInteger(value) || value < 0) {
    throw new AwsCallError(
      'GetQueueAttributes',
      new Error(`the answer has no count ${name} (got ${String(attributes[name])})`),
      false,
    );
  }
  return value;
}

/**
 * The URL of the dead-letter queue a redrive policy names. SQS requires a dead-letter queue to be
 * in the same account and region as its source queue, so its URL is the source's with the last
 * path segment (the queue name) replaced: this holds for AWS's, LocalStack's and fauxqs's URLs.
 *
 * @param redrivePolicy the source queue's `RedrivePolicy` attribute (JSON)
 * @throws ResourceConflictError when there is no policy, or it names no SQS queue
 */
export function deadLetterQueueUrl(sourceQueueUrl: string, redrivePolicy: string | undefined): string {
  if (redrivePolicy === undefined || redrivePolicy === '') {
    throw new ResourceConflictError(
      sourceQueueUrl,
      'has no redrive policy, so it has no dead-letter queue to report on (bootstrap or the CDK stack set one)',
    );
  }
  let targetArn: unknown;
  try {
    targetArn = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
  } catch (error) {
    throw new ResourceConflictError(
      sourceQueueUrl,
      `has a redrive policy that is not JSON: ${String(error)}`,
    );
  }
  const queueName =
    typeof targetArn === 'string' ? /^arn:[^:]+:sqs:[^:]*:[^:]*:([^:/]+)$/.exec(targetArn)?.[1] : undefined;
  if (queueName === undefined) {
    throw new ResourceConflictError(
      sourceQueueUrl,
      `has a redrive policy whose deadLetterTargetArn is not an SQS queue ARN: ${String(targetArn)}`,
    );
  }
  const url = new URL(sourceQueueUrl);
  url.pathname = url.pathname.replace(/[^/]+\/?$/, queueName);
  return url.toString();
}
