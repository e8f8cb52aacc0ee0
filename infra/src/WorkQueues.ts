import { QUEUE_DEFAULTS, type ResourceNames } from '@storeflow/aws';
import { Aws, Duration } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IDependable } from 'constructs';

export interface WorkQueuesProps {
  names: ResourceNames;
  /** The data bucket's ARN, built from its name so the queue policy does not depend on the bucket. */
  bucketArn: string;
}

/**
 * The two work queues and their dead-letter queues, with the attributes bootstrapResources gives
 * them (packages/aws/src/bootstrapResources.ts, QUEUE_DEFAULTS): visibility, long polling,
 * retention and the redrive count. All four are encrypted with SQS-managed keys and refuse
 * plain-HTTP requests.
 */
export class WorkQueues extends Construct {
  readonly ingest: Queue;
  readonly ingestDeadLetter: Queue;
  readonly transform: Queue;
  readonly transformDeadLetter: Queue;
  /** The ingest queue's policy, which must exist before the bucket's notification is created. */
  readonly ingestPolicy: IDependable;

  constructor(scope: Construct, id: string, props: WorkQueuesProps) {
    super(scope, id);
    const { names } = props;
    this.ingestDeadLetter = this.#deadLetterQueue('IngestDeadLetter', names.ingestDeadLetterQueue);
    this.transformDeadLetter = this.#deadLetterQueue('TransformDeadLetter', names.transformDeadLetterQueue);
    this.ingest = this.#workQueue('Ingest', names.ingestQueue, this.ingestDeadLetter);
    this.transform = this.#workQueue('Transform', names.transformQueue, this.transformDeadLetter);
    const { policyDependable } = this.ingest.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowBucketNotifications',
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.ingest.queueArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': props.bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    if (policyDependable === undefined) throw new Error('SQS queues always accept resource policies');
    this.ingestPolicy = policyDependable;
  }

  #deadLetterQueue(id: string, queueName: string): Queue {
    return new Queue(this, id, {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.deadLetterRetentionSeconds),
    });
  }

  #workQueue(id: string, queueName: string, deadLetter: Queue): Queue {
    return new Queue(this, id, {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(QUEUE_DEFAULTS.visibilityTimeoutSeconds),
      receiveMessageWaitTime: Duration.seconds(QUEUE_DEFAULTS.receiveWaitTimeSeconds),
      retentionPeriod: Duration.seconds(QUEUE_DEFAULTS.messageRetentionSeconds),
      deadLetterQueue: { queue: deadLetter, maxReceiveCount: QUEUE_DEFAULTS.maxReceiveCount },
    });
  }
}
