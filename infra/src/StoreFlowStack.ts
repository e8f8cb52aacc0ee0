import path from 'node:path';
import { QUEUE_DEFAULTS, resourceNamesFor } from '@storeflow/aws';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnWorkspace } from 'aws-cdk-lib/aws-aps';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Cluster, ContainerImage, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AlertsTopic } from './AlertsTopic.js';
import { BucketPrefix } from './bucketLayout.js';
import { DataBucket } from './DataBucket.js';
import { InvalidSettingError } from './errors.js';
import { PipelineTables, TableIndex } from './PipelineTables.js';
import { QueueAlarms } from './QueueAlarms.js';
import { type PipelineArns, transformerPermissions, validatorPermissions } from './servicePermissions.js';
import {
  resolveSettings,
  type StoreFlowOptions,
  type StoreFlowSettings,
  stopTimeoutSeconds,
} from './settings.js';
import { type CollectorSidecar, WorkerService } from './WorkerService.js';
import { WorkQueues } from './WorkQueues.js';

/** The two service images. */
export interface ServiceImages {
  validator: ContainerImage;
  transformer: ContainerImage;
}

/** Images already pushed to ECR, by repository name and tag (what the deploy workflow does). */
export interface EcrImages {
  tag: string;
  validatorRepository: string;
  transformerRepository: string;
}

export interface StoreFlowStackProps extends StackProps, StoreFlowOptions {
  /**
   * Images to run as they are; tests pass registry images so synthesis never builds anything.
   * @default - built from docker/validator.Dockerfile and docker/transformer.Dockerfile as CDK assets
   */
  images?: ServiceImages;
  /** Run images from ECR instead (exclusive with `images`). */
  ecrImages?: EcrImages;
}

/**
 * The services' default metrics ports (their config.ts). The stack sets them explicitly, so the
 * health checks and the collector sidecars are sure to probe the port the service listens on.
 */
export const MetricsPort = { VALIDATOR: 9464, TRANSFORMER: 9465 } as const;

/** Repository root: the Docker build context of both images. */
const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The whole pipeline on AWS, mirroring what bootstrapResources creates for development (same
 * names from the same prefix, same keys, same queue attributes), plus what production adds: the
 * two Fargate services with least-privilege task roles and backlog scaling, a VPC, access logs,
 * archive lifecycle, log retention and alarms. Environment-agnostic: synthesises without an account.
 */
export class StoreFlowStack extends Stack {
  readonly settings: StoreFlowSettings;
  readonly dataBucket: Bucket;
  readonly queues: WorkQueues;
  readonly tables: PipelineTables;
  readonly validator: WorkerService;
  readonly transformer: WorkerService;
  readonly alerts: AlertsTopic;
  readonly alarms: QueueAlarms;

  constructor(scope: Construct, id: string, props: StoreFlowStackProps = {}) {
    // Settings first: a bad prefix should be reported as such, not as the stack name it makes.
    const settings = resolveSettings(props);
    if (props.images !== undefined && props.ecrImages !== undefined) {
      throw new InvalidSettingError(
        'imageTag',
        props.ecrImages.tag,
        'give either images or ecrImages, not both',
      );
    }
    super(scope, id, props);
    this.settings = settings;
    const prefix = settings.resourcePrefix;
    const names = resourceNamesFor(prefix, { bucket: settings.bucketName });

    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Server access logs can only be delivered to buckets encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the access logs; logging its own access would log the log deliveries.',
    });

    this.dataBucket = new DataBucket(this, 'Data', {
      bucketName: names.bucket,
      lifecycle: settings.lifecycle,
      accessLogs: logs,
    }).bucket;
    const bucketArn = `arn:${Aws.PARTITION}:s3:::${names.bucket}`;

    this.queues = new WorkQueues(this, 'Queues', { names, bucketArn });
    this.#notifyIngestOfRawObjects();
    this.tables = new PipelineTables(this, 'Tables', names);

    const vpc = new Vpc(this, 'Network', {
      maxAzs: 2,
      natGateways: settings.natGateways,
      subnetConfiguration:
        settings.natGateways === 0
          ? [{ name: 'public', subnetType: SubnetType.PUBLIC }]
          : [
              { name: 'public', subnetType: SubnetType.PUBLIC },
              { name: 'workers', subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            ],
      // S3 and DynamoDB traffic, the bulk of it, stays off the NAT gateway (and its per-GB charge).
      gatewayEndpoints: {
        S3: { service: GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
      flowLogs: {
        All: {
          destination: FlowLogDestination.toS3(logs, 'vpc-flow-logs/'),
          trafficType: FlowLogTrafficType.ALL,
        },
      },
    });
    const workers = new SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc,
      description: 'StoreFlow workers: no inbound; HTTPS out to AWS APIs',
      allowAllOutbound: false,
    });
    workers.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'AWS APIs and image registries over HTTPS');

    const cluster = new Cluster(this, 'Cluster', {
      clusterName: prefix,
      vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
      enableFargateCapacityProviders: settings.fargateSpot,
    });

    this.alerts = new AlertsTopic(this, 'Alerts', {
      topicName: names.alertsTopic,
      resourcePrefix: prefix,
      alertEmail: settings.alertEmail,
    });
    const alertsTopicArn = this.alerts.topic.topicArn;

    const images = props.images ?? this.#images(props.ecrImages);
    const collector = settings.prometheus
      ? this.#metricsWorkspace(prefix, settings.collectorImage)
      : undefined;
    const arns: PipelineArns = {
      bucket: bucketArn,
      ingestQueue: this.queues.ingest.queueArn,
      ingestDeadLetterQueue: this.queues.ingestDeadLetter.queueArn,
      transformQueue: this.queues.transform.queueArn,
      transformDeadLetterQueue: this.queues.transformDeadLetter.queueArn,
      processedFilesTable: this.tables.processedFiles.tableArn,
      processedFilesByStatusIndex: `${this.tables.processedFiles.tableArn}/index/${TableIndex.PROCESSED_FILES_BY_STATUS}`,
      referenceTable: this.tables.references.tableArn,
      categoryKpisTable: this.tables.categoryKpis.tableArn,
      orderKpisTable: this.tables.orderKpis.tableArn,
      kpiDatesTable: this.tables.kpiDates.tableArn,
      qualityTable: this.tables.quality.tableArn,
      categoryKpisByDateIndex: `${this.tables.categoryKpis.tableArn}/index/${TableIndex.CATEGORY_KPIS_BY_DATE}`,
      alertsTopic: alertsTopicArn,
      alertsTopicKey: this.alerts.key.keyArn,
    };
    const shared = {
      resourcePrefix: prefix,
      cluster,
      stopTimeoutSeconds: stopTimeoutSeconds(settings),
      logRetentionDays: settings.logRetentionDays,
      bucketName: names.bucket,
      subnets: {
        subnetType: settings.natGateways === 0 ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS,
      },
      assignPublicIp: settings.natGateways === 0,
      securityGroup: workers,
      fargateSpot: settings.fargateSpot,
      ...(collector === undefined ? {} : { collector }),
    };
    this.validator = new WorkerService(this, 'Validator', {
      ...shared,
      component: 'validator',
      image: images.validator,
      sizing: settings.validator,
      metricsPort: MetricsPort.VALIDATOR,
      queue: this.queues.ingest,
      permissions: validatorPermissions(arns, { contractsFromBucket: settings.contractsFromBucket }),
      environment: validatorEnvironment(settings, {
        queueUrl: this.queues.ingest.queueUrl,
        transformQueueUrl: this.queues.transform.queueUrl,
        alertsTopicArn,
      }),
    });
    this.transformer = new WorkerService(this, 'Transformer', {
      ...shared,
      component: 'transformer',
      image: images.transformer,
      sizing: settings.transformer,
      metricsPort: MetricsPort.TRANSFORMER,
      queue: this.queues.transform,
      permissions: transformerPermissions(arns),
      environment: transformerEnvironment(settings, {
        queueUrl: this.queues.transform.queueUrl,
        alertsTopicArn,
      }),
    });

    this.alarms = new QueueAlarms(this, 'Alarms', {
      resourcePrefix: prefix,
      oldestMessageAlarmSeconds: settings.oldestMessageAlarmSeconds,
      topic: this.alerts.topic,
      queues: [
        { name: 'ingest', queue: this.queues.ingest, deadLetter: this.queues.ingestDeadLetter },
        { name: 'transform', queue: this.queues.transform, deadLetter: this.queues.transformDeadLetter },
      ],
    });

    new CfnOutput(this, 'BucketName', { value: names.bucket, description: 'Upload extracts under raw/' });
    new CfnOutput(this, 'IngestQueueUrl', { value: this.queues.ingest.queueUrl });
    new CfnOutput(this, 'TransformQueueUrl', { value: this.queues.transform.queueUrl });
    new CfnOutput(this, 'AlertsTopicArn', {
      value: alertsTopicArn,
      description: 'Service alerts and queue alarms; subscribe here (README, Alerts)',
    });
  }

  /**
   * `s3:ObjectCreated:*` under raw/ to the ingest queue, declared on the bucket itself instead of
   * through CDK's notification custom resource (a Lambda function): the queue policy names the
   * bucket by ARN, so the bucket can simply depend on the policy S3 checks when it is created.
   */
  #notifyIngestOfRawObjects(): void {
    const bucket = this.dataBucket.node.defaultChild as CfnBucket;
    bucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: this.queues.ingest.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: BucketPrefix.RAW }] } },
        },
      ],
    };
    bucket.node.addDependency(this.queues.ingestPolicy);
  }

  #images(ecr: EcrImages | undefined): ServiceImages {
    if (ecr !== undefined) {
      return {
        validator: ContainerImage.fromEcrRepository(
          Repository.fromRepositoryName(this, 'ValidatorRepository', ecr.validatorRepository),
          ecr.tag,
        ),
        transformer: ContainerImage.fromEcrRepository(
          Repository.fromRepositoryName(this, 'TransformerRepository', ecr.transformerRepository),
          ecr.tag,
        ),
      };
    }
    const asset = (component: string) =>
      ContainerImage.fromAsset(REPOSITORY_ROOT, {
        file: `docker/${component}.Dockerfile`,
        platform: Platform.LINUX_AMD64,
        // What goes into the build context is the repository's .dockerignore, which CDK applies.
      });
    return { validator: asset('validator'), transformer: asset('transformer') };
  }

  #metricsWorkspace(prefix: string, image: string): CollectorSidecar {
    const workspace = new CfnWorkspace(this, 'MetricsWorkspace', { alias: `${prefix}-metrics` });
    return {
      image,
      workspaceArn: workspace.attrArn,
      remoteWriteUrl: `${workspace.attrPrometheusEndpoint}api/v1/remote_write`,
    };
  }
}

/**
 * The validator's environment (services/validator/src/config.ts, VALIDATOR_ENV). Settings that
 * must agree with the stack are set explicitly; the rest keep the service's defaults. With
 * `contractsFromBucket`, `VALIDATOR_CONTRACTS` is `s3://<bucket>/contracts/` (else the image's
 * own /app/contracts), and a refresh period is passed when set.
 */
export function validatorEnvironment(
  settings: StoreFlowSettings,
  targets: { queueUrl: string; transformQueueUrl: string; alertsTopicArn: string },
): Record<string, string> {
  return {
    VALIDATOR_QUEUE_URL: targets.queueUrl,
    VALIDATOR_TRANSFORM_QUEUE_URL: targets.transformQueueUrl,
    VALIDATOR_ALERTS_TOPIC_ARN: targets.alertsTopicArn,
    VALIDATOR_RESOURCE_PREFIX: settings.resourcePrefix,
    VALIDATOR_CONCURRENCY: String(settings.validator.concurrency),
    // The poller's heartbeats and the lineage lease are sized from the queue's visibility timeout.
    VALIDATOR_VISIBILITY_TIMEOUT_SECONDS: String(QUEUE_DEFAULTS.visibilityTimeoutSeconds),
    VALIDATOR_SHUTDOWN_GRACE_SECONDS: String(settings.shutdownGraceSeconds),
    VALIDATOR_METRICS_PORT: String(MetricsPort.VALIDATOR),
    ...(settings.contractsFromBucket
      ? { VALIDATOR_CONTRACTS: `s3://${settings.bucketName}/${BucketPrefix.CONTRACTS}` }
      : {}),
    ...(settings.contractsRefreshSeconds > 0
      ? { VALIDATOR_CONTRACTS_REFRESH_SECONDS: String(settings.contractsRefreshSeconds) }
      : {}),
  };
}

/** The transformer's environment (services/transformer/src/config.ts, TRANSFORMER_ENV). */
export function transformerEnvironment(
  settings: StoreFlowSettings,
  targets: { queueUrl: string; alertsTopicArn: string },
): Record<string, string> {
  return {
    TRANSFORMER_QUEUE_URL: targets.queueUrl,
    TRANSFORMER_ALERTS_TOPIC_ARN: targets.alertsTopicArn,
    TRANSFORMER_RESOURCE_PREFIX: settings.resourcePrefix,
    TRANSFORMER_CONCURRENCY: String(settings.transformer.concurrency),
    TRANSFORMER_VISIBILITY_TIMEOUT_SECONDS: String(QUEUE_DEFAULTS.visibilityTimeoutSeconds),
    TRANSFORMER_SHUTDOWN_GRACE_SECONDS: String(settings.shutdownGraceSeconds),
    TRANSFORMER_METRICS_PORT: String(MetricsPort.TRANSFORMER),
  };
}
