import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  type LifecycleRule,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BucketPrefix } from './bucketLayout.js';
import type { ArchiveLifecycle } from './settings.js';

export interface DataBucketProps {
  bucketName: string;
  lifecycle: ArchiveLifecycle;
  /** Receives the server access logs, under `data-bucket/`. */
  accessLogs: IBucket;
}

/**
 * The pipeline's one bucket: private, TLS only, encrypted at rest, kept when the stack is deleted.
 *
 * Versioning stays off on purpose: the services identify an object version by its ETag (they read
 * with `If-Match: "<ETag>"`), while on a versioned bucket S3 events carry version ids, which the
 * services would then use as the version and fail their conditional reads.
 */
export class DataBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: lifecycleRules(props.lifecycle),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** The bucket's lifecycle: archives age out as configured; silver, raw and reports stay. */
export function lifecycleRules(lifecycle: ArchiveLifecycle): LifecycleRule[] {
  const expiry = (days: number) => (days === 0 ? {} : { expiration: Duration.days(days) });
  return [
    {
      id: 'abort-incomplete-multipart-uploads',
      // Rejected-rows uploads of tasks that died mid-file would otherwise be billed forever.
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    },
    {
      id: 'processed-archive',
      prefix: BucketPrefix.PROCESSED,
      transitions: [
        {
          storageClass: StorageClass.INFREQUENT_ACCESS,
          transitionAfter: Duration.days(lifecycle.processedTransitionDays),
        },
      ],
      ...expiry(lifecycle.processedExpirationDays),
    },
    ...(lifecycle.failedExpirationDays === 0
      ? []
      : [{ id: 'failed-archive', prefix: BucketPrefix.FAILED, ...expiry(lifecycle.failedExpirationDays) }]),
    ...(lifecycle.rejectedExpirationDays === 0
      ? []
      : [
          {
            id: 'rejected-rows',
            prefix: BucketPrefix.REJECTED,
            ...expiry(lifecycle.rejectedExpirationDays),
          },
        ]),
  ];
}
