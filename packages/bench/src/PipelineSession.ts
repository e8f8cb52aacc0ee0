import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsClients,
  type AwsRequestTally,
  bootstrapResources,
  createAwsClients,
  LineageRepository,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import {
  findDataFiles,
  type PlannedUpload,
  pipelineServiceEnv,
  planUploads,
  type RunningService,
  startServiceProcess,
  startStackDaemon,
  stopServiceProcesses,
  stopStackDaemon,
  uploadFile,
} from '@storeflow/cli/pipeline';
import { type Dataset, FileStatus, isPipelineDataset } from '@storeflow/core';
import { parseAwsRequestTallies } from './awsCosts.js';
import {
  childPidsOf,
  commandLineOf,
  cpuSecondsOf,
  jitCompilerCpuSecondsOf,
  peakRssOf,
} from './processMemory.js';

const PREFIX = 'storeflow-bench';
const WARM_UP_PREFIX = 'storeflow-bench-warm-up';
const POLL_MS = 1000;

/** A file the session uploaded: its lineage identity and when it was sent. */
export interface UploadedFile {
  readonly key: string;
  readonly eTag: string;
  readonly dataset: Dataset;
  /** `performance.now()` once the upload finished. */
  readonly uploadedAtMs: number;
}

/**
 * When a file became SUCCESS or FAILED, on the `performance.now()` clock: the `updatedAt` of its
 * final lineage record (the services run on this machine, so they share its clock).
 */
export interface FinalFile {
  readonly atMs: number;
  readonly failed: boolean;
}

/**
 * When a file became final on the `performance.now()` clock (whose zero is `timeOrigin`, epoch
 * ms): the `updatedAt` of its final lineage record, not `seenAtMs`, when a poll found it, which a
 * poll a second apart would make up to a second late; never later than `seenAtMs`, should the
 * clocks disagree.
 */
export function finalTimeOf(updatedAt: string, seenAtMs: number, timeOrigin: number): number {
  return Math.min(seenAtMs, Date.parse(updatedAt) - timeOrigin);
}

/** The key of {@link PipelineSession.cpuSeconds} for the JVM's JIT compiler threads. */
const JIT_COMPILERS = 'DynamoDB Local JIT compilers';

/**
 * The whole pipeline on the embedded stack, as the demo runs it: the stack (S3 and SQS emulator
 * plus the DynamoDB Local JVM) and one validator and one transformer, each a process of its own.
 * Every bench scenario on the pipeline starts one, uploads, waits, measures, and stops it.
 */
export class PipelineSession {
  readonly names: ResourceNames = resourceNamesFor(PREFIX);
  readonly #workDir: string;
  readonly #services: RunningService[] = [];
  readonly #serviceStopped = new AbortController();
  #stackPid: number | undefined;
  #stackEnv: Record<string, string> = {};
  #clients: AwsClients | undefined;

  private constructor(workDir: string) {
    this.#workDir = workDir;
  }

  /** Starts the stack and both services; stops whatever started if a later step fails. */
  static async start(): Promise<PipelineSession> {
    const session = new PipelineSession(await mkdtemp(path.join(tmpdir(), 'storeflow-bench-pipeline-')));
    try {
      await session.#start();
      return session;
    } catch (error) {
      await session.stop();
      throw error;
    }
  }

  get #stateDir(): string {
    return path.join(this.#workDir, 'stack');
  }

  async #start(): Promise<void> {
    const logDir = path.join(this.#workDir, 'logs');
    await mkdir(logDir, { recursive: true });
    const { state, env: stackEnv } = await startStackDaemon(this.#stateDir, {
      s3Port: undefined,
      dynamodbPort: undefined,
      dataDir: undefined,
      names: this.names,
    });
    this.#stackPid = state.pid;
    this.#stackEnv = stackEnv;
    this.#clients = createAwsClients(resolveAwsConnection(stackEnv));
    await startServices(stackEnv, PREFIX, 1, logDir, this.#services, this.#serviceStopped);
  }

  /**
   * Runs `files` through the pipeline to their end on this session's stack, under tables, bucket
   * and queues of their own (prefix `storeflow-bench-warm-up`) and with a validator and a
   * transformer of their own, stopped afterwards. What the session measures next finds the stack
   * warm (DynamoDB Local's JVM has compiled the code those requests take, as on a stack that has
   * been up a while) and its own tables as empty as before.
   *
   * @throws Error when a service exits or `timeoutMs` passes first
   */
  async warmUp(files: readonly PlannedUpload[], timeoutMs: number): Promise<void> {
    const names = resourceNamesFor(WARM_UP_PREFIX);
    const resources = await bootstrapResources(this.clients, { names });
    const stackEnv = {
      ...this.#stackEnv,
      STOREFLOW_BUCKET: resources.bucket,
      STOREFLOW_INGEST_QUEUE_URL: resources.ingestQueue.url,
      STOREFLOW_TRANSFORM_QUEUE_URL: resources.transformQueue.url,
      STOREFLOW_ALERTS_TOPIC_ARN: resources.alertsTopicArn,
    };
    const logDir = path.join(this.#workDir, 'warm-up-logs');
    await mkdir(logDir, { recursive: true });
    const services: RunningService[] = [];
    const stopped = new AbortController();
    const failed = AbortSignal.any([this.#serviceStopped.signal, stopped.signal]);
    try {
      // Numbered 2, so their worker ids and logs are not the measured services'.
      await startServices(stackEnv, WARM_UP_PREFIX, 2, logDir, services, stopped);
      const uploaded = await this.#upload(names, files, failed);
      await this.#waitUntilFinal(names, uploaded, timeoutMs, failed);
    } finally {
      await stopServiceProcesses(services);
    }
  }

  /** The bench's own clients on the stack (their requests are not the services'). */
  get clients(): AwsClients {
    if (this.#clients === undefined) throw new Error('the pipeline session is not started');
    return this.#clients;
  }

  /** The files under `dir` in the order the demo uploads them: products, orders, then items. */
  async plan(dir: string): Promise<PlannedUpload[]> {
    return planUploads(await findDataFiles(dir));
  }

  /** Uploads `files` one after the other. */
  async upload(files: readonly PlannedUpload[]): Promise<UploadedFile[]> {
    return this.#upload(this.names, files, this.#serviceStopped.signal);
  }

  async #upload(
    names: ResourceNames,
    files: readonly PlannedUpload[],
    failed: AbortSignal,
  ): Promise<UploadedFile[]> {
    const uploaded: UploadedFile[] = [];
    for (const file of files) {
      failed.throwIfAborted();
      const { dataset } = file;
      // The bench's data sets hold the pipeline's three datasets only.
      if (!isPipelineDataset(dataset)) throw new Error(`${file.key}: the bench uploads no ${dataset} files`);
      const eTag = await uploadFile(this.clients, names.bucket, file);
      uploaded.push({ key: file.key, dataset, eTag, uploadedAtMs: performance.now() });
    }
    return uploaded;
  }

  /**
   * Polls lineage until every file of `uploaded` is SUCCESS or FAILED.
   *
   * @throws Error when a service exits or `timeoutMs` passes first
   */
  async waitUntilFinal(
    uploaded: readonly UploadedFile[],
    timeoutMs: number,
  ): Promise<Map<string, FinalFile>> {
    return this.#waitUntilFinal(this.names, uploaded, timeoutMs, this.#serviceStopped.signal);
  }

  async #waitUntilFinal(
    names: ResourceNames,
    uploaded: readonly UploadedFile[],
    timeoutMs: number,
    failed: AbortSignal,
  ): Promise<Map<string, FinalFile>> {
    const lineage = new LineageRepository({
      clients: this.clients,
      tableName: names.processedFilesTable,
    });
    const finalAt = new Map<string, FinalFile>();
    const deadline = performance.now() + timeoutMs;
    while (finalAt.size < uploaded.length) {
      failed.throwIfAborted();
      if (performance.now() > deadline) throw new Error(`files not final after ${timeoutMs / 1000} s`);
      for (const file of uploaded.filter(({ key }) => !finalAt.has(key))) {
        const record = await lineage.get({ sourceKey: file.key, objectVersion: file.eTag });
        if (record?.status === FileStatus.SUCCESS || record?.status === FileStatus.FAILED) {
          finalAt.set(file.key, {
            atMs: finalTimeOf(record.updatedAt, performance.now(), performance.timeOrigin),
            failed: record.status === FileStatus.FAILED,
          });
        }
      }
      if (finalAt.size < uploaded.length) await pauseUnless(failed, POLL_MS);
    }
    return finalAt;
  }

  /** Waits `ms`, or throws at once if a service has exited. */
  async pause(ms: number): Promise<void> {
    await pauseUnless(this.#serviceStopped.signal, ms);
  }

  /** Each service's `/metrics` text, by service name. */
  async scrapeMetrics(): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    for (const service of this.#services) {
      const response = await fetch(service.metricsUrl);
      if (!response.ok) throw new Error(`${service.metricsUrl} answered ${response.status}`);
      texts.set(service.name, await response.text());
    }
    return texts;
  }

  /** The AWS requests each service has sent so far, read from its `/metrics`. */
  async awsRequests(): Promise<Map<string, AwsRequestTally[]>> {
    const texts = await this.scrapeMetrics();
    return new Map([...texts].map(([name, text]) => [name, parseAwsRequestTallies(text)]));
  }

  /** Peak RSS per process (each service, the stack, the DynamoDB Local JVM), bytes. */
  async peakRssBytes(): Promise<Record<string, number>> {
    return this.#perProcess(peakRssOf);
  }

  /**
   * CPU seconds used so far per process (each service, the stack, the DynamoDB Local JVM), and
   * of the JVM's the part its JIT compiler threads used (`DynamoDB Local JIT compilers`).
   */
  async cpuSeconds(): Promise<Record<string, number>> {
    const seconds = await this.#perProcess(cpuSecondsOf);
    const jvm = await this.#jvmPid();
    const compiling = jvm === undefined ? undefined : await jitCompilerCpuSecondsOf(jvm);
    return compiling === undefined ? seconds : { ...seconds, [JIT_COMPILERS]: compiling };
  }

  async #perProcess(measure: (pid: number) => Promise<number | undefined>): Promise<Record<string, number>> {
    const values: Record<string, number> = {};
    for (const service of this.#services) {
      const value = await measure(service.pid);
      if (value !== undefined) values[service.name] = value;
    }
    if (this.#stackPid === undefined) return values;
    const stackValue = await measure(this.#stackPid);
    if (stackValue !== undefined) values['stack (S3, SQS)'] = stackValue;
    const jvm = await this.#jvmPid();
    const jvmValue = jvm === undefined ? undefined : await measure(jvm);
    if (jvmValue !== undefined) values['DynamoDB Local JVM'] = jvmValue;
    return values;
  }

  /** The DynamoDB Local JVM: the stack's child process that runs java, if it is running. */
  async #jvmPid(): Promise<number | undefined> {
    if (this.#stackPid === undefined) return undefined;
    for (const child of await childPidsOf(this.#stackPid)) {
      if ((await commandLineOf(child)).includes('java')) return child;
    }
    return undefined;
  }

  /** Stops the services and the stack and removes the session's files. */
  async stop(): Promise<void> {
    this.#clients?.destroy();
    await stopServiceProcesses(this.#services);
    if (this.#stackPid !== undefined) await stopStackDaemon(this.#stateDir);
    await rm(this.#workDir, { recursive: true, force: true });
  }
}

/**
 * Starts a validator and a transformer numbered `index` with the demo's settings on `prefix`'s
 * resources, adding them to `running` as they start; a service that exits aborts `stopped`.
 */
async function startServices(
  stackEnv: Readonly<Record<string, string>>,
  prefix: string,
  index: number,
  logDir: string,
  running: RunningService[],
  stopped: AbortController,
): Promise<void> {
  // The demo's settings: items that arrive before their orders are retried soon.
  const serviceEnv = pipelineServiceEnv(stackEnv, { prefix, referenceGraceSeconds: 3600 });
  for (const service of ['validator', 'transformer'] as const) {
    const { service: started, exited } = await startServiceProcess(service, index, serviceEnv, logDir);
    running.push(started);
    exited.then((exit) => {
      stopped.abort(
        new Error(`${started.name} exited (${exit.code ?? exit.signal}); log: ${started.logFile}`),
      );
    });
  }
}

/** Waits `ms`, or throws at once if `failed` is aborted (a service has exited). */
async function pauseUnless(failed: AbortSignal, ms: number): Promise<void> {
  failed.throwIfAborted();
  await new Promise((resolve) => setTimeout(resolve, ms));
}
