import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AdjustmentType, type ScalingInterval } from 'aws-cdk-lib/aws-applicationautoscaling';
import { MathExpression, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import type { ISecurityGroup, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import {
  ContainerImage,
  CpuArchitecture,
  FargatePlatformVersion,
  FargateService,
  FargateTaskDefinition,
  type ICluster,
  LogDriver,
  OperatingSystemFamily,
  PropagatedTagSource,
  type ScalableTaskCount,
  Secret,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { collectorConfig } from './collectorConfig.js';
import type { ServicePermissions } from './servicePermissions.js';
import type { WorkerSettings } from './settings.js';

/** The optional metrics sidecar: where it writes and which collector build runs. */
export interface CollectorSidecar {
  image: string;
  workspaceArn: string;
  /** `<workspace prometheus endpoint>api/v1/remote_write`. */
  remoteWriteUrl: string;
}

export interface WorkerServiceProps {
  component: 'validator' | 'transformer';
  resourcePrefix: string;
  cluster: ICluster;
  image: ContainerImage;
  sizing: WorkerSettings;
  /** The service's own configuration variables (see its config.ts and README). */
  environment: Record<string, string>;
  /** The port of `/metrics`, `/healthz` and `/readyz`; it must match the environment's. */
  metricsPort: number;
  stopTimeoutSeconds: number;
  logRetentionDays: number;
  /** The queue the service consumes: its backlog and in-flight messages drive scaling. */
  queue: IQueue;
  bucketName: string;
  permissions: ServicePermissions;
  subnets: SubnetSelection;
  assignPublicIp: boolean;
  securityGroup: ISecurityGroup;
  fargateSpot: boolean;
  collector?: CollectorSidecar;
}

/**
 * One queue worker on Fargate: task definition, task role with exactly the grants given, log
 * group, health check on `/healthz`, and step scaling on the queue's backlog (from zero if the
 * minimum is zero), in only once no message is waiting or being worked on. ECS sends SIGTERM and
 * waits `stopTimeoutSeconds` before SIGKILL, so the service's shutdown grace must be shorter
 * (settings.ts keeps the margin).
 */
export class WorkerService extends Construct {
  readonly service: FargateService;
  readonly taskDefinition: FargateTaskDefinition;
  readonly logGroup: LogGroup;
  readonly scaling: ScalableTaskCount;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const name = `${props.resourcePrefix}-${props.component}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/storeflow/${props.resourcePrefix}/${props.component}`,
      retention: props.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      family: name,
      cpu: props.sizing.cpu,
      memoryLimitMiB: props.sizing.memoryMiB,
      runtimePlatform: {
        operatingSystemFamily: OperatingSystemFamily.LINUX,
        cpuArchitecture: CpuArchitecture.X86_64,
      },
    });
    this.taskDefinition.addContainer('Worker', {
      containerName: props.component,
      image: props.image,
      essential: true,
      // The SDK falls back to us-east-1 without a region; the task's own region is the right one.
      environment: { AWS_REGION: Aws.REGION, ...props.environment },
      logging: LogDriver.awsLogs({ logGroup: this.logGroup, streamPrefix: props.component }),
      portMappings: [{ containerPort: props.metricsPort, name: 'metrics' }],
      healthCheck: {
        // The image has Node but no curl; Node's fetch is enough for a liveness probe.
        command: ['CMD', 'node', '-e', healthProbe(props.metricsPort)],
        interval: Duration.seconds(HEALTH_CHECK.intervalSeconds),
        timeout: Duration.seconds(5),
        retries: HEALTH_CHECK.retries,
        startPeriod: Duration.seconds(HEALTH_CHECK.startPeriodSeconds),
      },
      stopTimeout: Duration.seconds(props.stopTimeoutSeconds),
    });
    this.#grant(props.bucketName, props.permissions);
    if (props.collector !== undefined) this.#addCollector(props, props.collector);
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken, granted when the image comes from ECR, has no resource-level permissions; ' +
        'the image pull itself is limited to the repository.',
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds queue URLs, the resource prefix and tuning numbers, none of them secret; ' +
        'the collector configuration, the one larger value, comes from SSM.',
    });

    this.service = new FargateService(this, 'Service', {
      serviceName: name,
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.subnets,
      securityGroups: [props.securityGroup],
      assignPublicIp: props.assignPublicIp,
      platformVersion: FargatePlatformVersion.LATEST,
      // New tasks start before old ones stop; a deployment whose tasks never get healthy rolls back.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      capacityProviderStrategies: props.fargateSpot
        ? [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]
        : undefined,
      enableECSManagedTags: true,
      propagateTags: PropagatedTagSource.SERVICE,
    });
    this.scaling = this.service.autoScaleTaskCount({
      minCapacity: props.sizing.minCapacity,
      maxCapacity: props.sizing.maxCapacity,
    });
    this.#scaleOnBacklog(props.queue);
  }

  #grant(bucketName: string, permissions: ServicePermissions): void {
    const role = this.taskDefinition.taskRole;
    for (const grant of permissions.objects) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: grant.sid,
          actions: grant.actions,
          resources: grant.prefixes.map((prefix) => objectArn(bucketName, prefix)),
        }),
      );
    }
    for (const grant of permissions.resources) {
      role.addToPrincipalPolicy(
        new PolicyStatement({ sid: grant.sid, actions: grant.actions, resources: grant.resources }),
      );
    }
    const prefixes = new Set(permissions.objects.flatMap((grant) => grant.prefixes));
    for (const prefix of prefixes) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketName}/${prefix}*]`,
        reason: `Object keys under ${prefix} are created per file at run time; the grant is limited to that prefix of the pipeline's bucket.`,
      });
    }
  }

  #addCollector(props: WorkerServiceProps, collector: CollectorSidecar): void {
    const config = new StringParameter(this, 'CollectorConfig', {
      parameterName: `/storeflow/${props.resourcePrefix}/${props.component}/collector-config`,
      description: `ADOT collector configuration of the ${props.component} tasks`,
      stringValue: collectorConfig({
        job: `storeflow-${props.component}`,
        metricsPort: props.metricsPort,
        remoteWriteUrl: collector.remoteWriteUrl,
        region: Aws.REGION,
        scrapeIntervalSeconds: 30,
      }),
    });
    this.taskDefinition.addContainer('Collector', {
      containerName: 'adot-collector',
      image: ContainerImage.fromRegistry(collector.image),
      // Losing metrics must not stop the pipeline: the worker keeps running if the collector exits.
      essential: false,
      memoryReservationMiB: 128,
      secrets: { AOT_CONFIG_CONTENT: Secret.fromSsmParameter(config) },
      logging: LogDriver.awsLogs({ logGroup: this.logGroup, streamPrefix: 'collector' }),
    });
    this.taskDefinition.taskRole.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'RemoteWriteMetrics',
        actions: ['aps:RemoteWrite'],
        resources: [collector.workspaceArn],
      }),
    );
  }

  /**
   * Scale out within a minute of messages waiting (nobody had capacity to take them), faster the
   * longer the queue. Scale in by half only after ten minutes in which no message was waiting
   * and none was being worked on (ApproximateNumberOfMessagesNotVisible: a long file stays
   * invisible for as long as its task works on it). ECS, not the service, picks the task to stop,
   * so scaling in on the visible backlog alone could stop the task in the middle of a long file,
   * and again after its retry. SQS's metrics lag by about a minute, so a task that has just taken
   * a message can still be stopped; like any task stopped busy (deployments, Spot), it hands the
   * message back at SIGTERM.
   */
  #scaleOnBacklog(queue: IQueue): void {
    const period = Duration.minutes(1);
    const waiting = queue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM });
    const scaleOut: ScalingInterval[] = [
      { upper: 0, change: 0 },
      { lower: 1, change: 1 },
      { lower: 10, change: 2 },
      { lower: 100, change: 5 },
    ];
    this.scaling.scaleOnMetric('ScaleOutOnBacklog', {
      metric: waiting,
      scalingSteps: scaleOut,
      adjustmentType: AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.seconds(60),
      evaluationPeriods: 1,
    });
    const waitingOrInFlight = new MathExpression({
      expression: 'waiting + inFlight',
      usingMetrics: {
        waiting,
        inFlight: queue.metricApproximateNumberOfMessagesNotVisible({ period, statistic: Stats.MAXIMUM }),
      },
      label: 'Messages waiting or being worked on',
      period,
    });
    this.scaling.scaleOnMetric('ScaleInWhenDrained', {
      metric: waitingOrInFlight,
      scalingSteps: [
        { upper: 0, change: -50 },
        { lower: 1, change: 0 },
      ],
      adjustmentType: AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
      minAdjustmentMagnitude: 1,
      cooldown: Duration.minutes(5),
      evaluationPeriods: 10,
    });
  }
}

/**
 * The container health check's timing. `/healthz` fails once the poll loop, a slot free, has
 * completed no receive for the services' stall bound (`*_HEALTH_STALL_SECONDS`, 60 s): the queue
 * is unreachable or the loop is stuck. ECS replaces the task after `retries` failed probes in a
 * row, `intervalSeconds` apart, so only after the bound plus 9 minutes, 10 minutes in all: a
 * queue outage shorter than the services' outage budget (10 minutes by default) leaves every
 * task in place, since a replacement could not reach the queue either and would cut the
 * in-flight work riding the outage out. An outage of S3 or DynamoDB alone never fails the check:
 * receives go on completing, and a task whose slots are all busy is healthy. The price is a
 * stuck task found 10 minutes late; a task that crashes is replaced at once, as is a deployment
 * whose tasks exit (the circuit breaker).
 */
const HEALTH_CHECK = { intervalSeconds: 60, retries: 10, startPeriodSeconds: 60 } as const;

/** ARN of every object under one prefix of the bucket, by name so no token hides the prefix. */
export function objectArn(bucketName: string, prefix: string): string {
  return `arn:${Aws.PARTITION}:s3:::${bucketName}/${prefix}*`;
}

/** A one-line Node script: exit 0 when `/healthz` answers 2xx, 1 otherwise. */
export function healthProbe(port: number): string {
  return `fetch('http://127.0.0.1:${port}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
}
