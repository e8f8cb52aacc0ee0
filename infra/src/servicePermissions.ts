import { BucketPrefix } from './bucketLayout.js';

/** Object-level S3 actions on some prefixes of the data bucket. */
export interface ObjectGrant {
  sid: string;
  actions: string[];
  prefixes: BucketPrefix[];
}

/** Actions on whole resources: the bucket itself, queues, tables, indexes. */
export interface ResourceGrant {
  sid: string;
  actions: string[];
  resources: string[];
}

/** Everything one service's task role may do. */
export interface ServicePermissions {
  objects: ObjectGrant[];
  resources: ResourceGrant[];
}

/** The ARNs the grants point at. */
export interface PipelineArns {
  bucket: string;
  ingestQueue: string;
  ingestDeadLetterQueue: string;
  transformQueue: string;
  transformDeadLetterQueue: string;
  processedFilesTable: string;
  /** The ProcessedFiles index the quality report lists lineage through, status by status. */
  processedFilesByStatusIndex: string;
  referenceTable: string;
  categoryKpisTable: string;
  orderKpisTable: string;
  kpiDatesTable: string;
  /** File profiles, daily row counts and anomalies (`pk`, `sk`). */
  qualityTable: string;
  /** The CategoryKPIs index a date's recompute queries for the rows to replace. */
  categoryKpisByDateIndex: string;
  alertsTopic: string;
  /** The KMS key the alerts topic is encrypted with. */
  alertsTopicKey: string;
}

// Consuming a queue with SqsPoller: receive, delete, heartbeats and releases (visibility), and
// re-sends of deferred or waiting work to the same queue.
const CONSUME_QUEUE = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:SendMessage',
];

// QueueDepthReader, at each metrics scrape: the consumed queue's depth and redrive policy, then
// the depth of the dead-letter queue the policy names.
const READ_QUEUE_DEPTHS = ['sqs:GetQueueAttributes'];

/**
 * SnsAlertSink: publishing to the alerts topic, which SNS encrypts with the topic's own key on the
 * publisher's behalf (a data key generated, and decrypted to check it).
 */
function publishAlerts(arns: PipelineArns): ResourceGrant[] {
  return [
    { sid: 'PublishAlerts', actions: ['sns:Publish'], resources: [arns.alertsTopic] },
    {
      sid: 'EncryptAlerts',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [arns.alertsTopicKey],
    },
  ];
}

// LineageRepository: conditional updates, and a consistent read when a condition fails.
const LINEAGE = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];

/**
 * The validator's grants, read off the aws package adapters it uses (services/validator/src
 * imports no AWS SDK client itself: RawObjectSource, SilverStore, JsonLinesUpload, putJsonObject,
 * archiveObject, sendQueueMessage, LineageRepository, ReferenceStore, SourceVersionStore,
 * FileProfileStore, and readContractObjects with `contractsFromBucket`).
 *
 * It has nothing on the KPI tables or KpiDates: it never computes KPIs.
 */
export function validatorPermissions(
  arns: PipelineArns,
  options: { contractsFromBucket?: boolean } = {},
): ServicePermissions {
  return {
    objects: [
      ...(options.contractsFromBucket === true
        ? [
            {
              // readContractObjects: the contracts under contracts/, at start and at each refresh;
              // their listing is ListDataBucket's, below.
              sid: 'ReadDataContracts',
              actions: ['s3:GetObject'],
              prefixes: [BucketPrefix.CONTRACTS],
            },
          ]
        : []),
      {
        // HeadObject and GetObject of the input; reading back the silver parts it wrote to record
        // references; HeadObject of an archive copy to confirm it before deleting the source.
        sid: 'ReadInputSilverAndArchives',
        actions: ['s3:GetObject'],
        prefixes: [BucketPrefix.RAW, BucketPrefix.SILVER, BucketPrefix.PROCESSED, BucketPrefix.FAILED],
      },
      {
        // Silver parts, rejected rows (a multipart upload), reports, error documents, and the
        // archive copies of rejected files (failed/) and of re-uploads of finished ones (processed/).
        sid: 'WriteOutputsAndArchives',
        actions: ['s3:PutObject'],
        prefixes: [
          BucketPrefix.SILVER,
          BucketPrefix.REJECTED,
          BucketPrefix.VALIDATION_REPORTS,
          BucketPrefix.FAILED,
          BucketPrefix.PROCESSED,
        ],
      },
      {
        // A rejected-rows upload abandoned when its file is deferred or fails midway.
        sid: 'AbortRejectedRowsUpload',
        actions: ['s3:AbortMultipartUpload'],
        prefixes: [BucketPrefix.REJECTED],
      },
      {
        // The archived raw object, and the silver parts of versions that were rejected or replaced.
        sid: 'DeleteArchivedInputAndStaleParts',
        actions: ['s3:DeleteObject'],
        prefixes: [BucketPrefix.RAW, BucketPrefix.SILVER],
      },
    ],
    resources: [
      {
        // ListObjectsV2 of a version's silver parts (and of contracts/ with contractsFromBucket);
        // it also makes HeadObject of a missing key answer 404 (handled as "already archived")
        // instead of 403.
        sid: 'ListDataBucket',
        actions: ['s3:ListBucket'],
        resources: [arns.bucket],
      },
      { sid: 'ConsumeIngestQueue', actions: CONSUME_QUEUE, resources: [arns.ingestQueue] },
      {
        sid: 'ReadIngestQueueDepths',
        actions: READ_QUEUE_DEPTHS,
        resources: [arns.ingestQueue, arns.ingestDeadLetterQueue],
      },
      { sid: 'AnnounceValidatedFiles', actions: ['sqs:SendMessage'], resources: [arns.transformQueue] },
      { sid: 'TrackLineage', actions: LINEAGE, resources: [arns.processedFilesTable] },
      {
        // ReferenceStore (conditional puts, batched lookups) and SourceVersionStore.commit.
        sid: 'RecordAndLookUpReferences',
        actions: ['dynamodb:PutItem', 'dynamodb:BatchGetItem'],
        resources: [arns.referenceTable],
      },
      {
        // FileProfileStore: the dataset's recent profiles (Query), a conditional put of the file's
        // own (with a consistent read when the condition fails), and clearing its pending alerts.
        sid: 'RecordFileProfiles',
        actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [arns.qualityTable],
      },
      ...publishAlerts(arns),
    ],
  };
}

/**
 * The transformer's grants, read off the aws package adapters services/transformer/src uses
 * (SilverStore, archiveObject, LineageRepository, SourceVersionStore, KpiRepository,
 * DateRecomputeCoordinator, and the quality stores of the date judge) and the quality report it
 * refreshes (gatherQualityReport, publishQualityReport). It reads the References table (each source's current version) but
 * never writes it.
 */
export function transformerPermissions(arns: PipelineArns): ServicePermissions {
  return {
    objects: [
      {
        // Silver parts of a date; HeadObject and the copy source of the raw object; HeadObject of
        // the processed/ copy to confirm it before deleting the source.
        sid: 'ReadSilverAndArchiveSource',
        actions: ['s3:GetObject'],
        prefixes: [BucketPrefix.SILVER, BucketPrefix.RAW, BucketPrefix.PROCESSED],
      },
      { sid: 'WriteProcessedArchive', actions: ['s3:PutObject'], prefixes: [BucketPrefix.PROCESSED] },
      {
        // The quality report reads the newest validation reports of each dataset...
        sid: 'ReadValidationReportsForQualityReport',
        actions: ['s3:GetObject'],
        prefixes: [BucketPrefix.VALIDATION_REPORTS],
      },
      // ...and replaces its page.
      { sid: 'PublishQualityReport', actions: ['s3:PutObject'], prefixes: [BucketPrefix.QUALITY] },
      { sid: 'DeleteArchivedInput', actions: ['s3:DeleteObject'], prefixes: [BucketPrefix.RAW] },
    ],
    resources: [
      {
        // ListObjectsV2 of a date's silver partition; 404 rather than 403 for a missing raw object.
        sid: 'ListDataBucket',
        actions: ['s3:ListBucket'],
        resources: [arns.bucket],
      },
      { sid: 'ConsumeTransformQueue', actions: CONSUME_QUEUE, resources: [arns.transformQueue] },
      {
        sid: 'ReadTransformQueueDepths',
        actions: READ_QUEUE_DEPTHS,
        resources: [arns.transformQueue, arns.transformDeadLetterQueue],
      },
      { sid: 'TrackLineage', actions: LINEAGE, resources: [arns.processedFilesTable] },
      {
        // DateRecomputeCoordinator: tickets and leases by conditional update, consistent reads;
        // the lease fence is a ConditionCheck inside each KPI write transaction.
        sid: 'CoordinateDateRecomputes',
        actions: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [arns.kpiDatesTable],
      },
      {
        // KpiRepository.replaceDate: is there a stored row, then puts and deletes in
        // TransactWriteItems (which IAM authorises action by action).
        sid: 'ReplaceOrderKpis',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [arns.orderKpisTable],
      },
      {
        // KpiRepository.orderKpisOf: the anomaly judge reads the weeks around recomputed dates.
        sid: 'ReadOrderKpisAroundDates',
        actions: ['dynamodb:BatchGetItem'],
        resources: [arns.orderKpisTable],
      },
      {
        sid: 'ReplaceCategoryKpis',
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [arns.categoryKpisTable],
      },
      {
        // The categories stored for a date, to delete those that disappeared.
        sid: 'FindCategoryKpisOfDate',
        actions: ['dynamodb:Query'],
        resources: [arns.categoryKpisByDateIndex],
      },
      {
        // The quality report: every lineage record, through the status index (listLineage)...
        sid: 'ListLineageForQualityReport',
        actions: ['dynamodb:Query'],
        resources: [arns.processedFilesByStatusIndex],
      },
      {
        // ...and the daily KPIs (KpiRepository.listOrderKpis, a Scan).
        sid: 'ReadDailyKpisForQualityReport',
        actions: ['dynamodb:Scan'],
        resources: [arns.orderKpisTable],
      },
      {
        // SourceVersionStore.current: which version of each source counts.
        sid: 'ReadSourceVersions',
        actions: ['dynamodb:BatchGetItem'],
        resources: [arns.referenceTable],
      },
      {
        // The date judge after a recompute: a date's row counts and current anomalies written
        // (put, or deleted when none are left), the days before it read by Query.
        sid: 'JudgeDates',
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [arns.qualityTable],
      },
      ...publishAlerts(arns),
    ],
  };
}
