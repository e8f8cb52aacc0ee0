import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsClients,
  createAwsClients,
  LineageRepository,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import { type Dataset, FileStatus } from '@storeflow/core';
import {
  findDataFiles,
  pipelineServiceEnv,
  planUploads,
  type RunningService,
  startServiceProcess,
  startStackDaemon,
  stopServiceProcesses,
  stopStackDaemon,
  uploadFile,
} from './demoModules.js';
import { childPidsOf, commandLineOf, peakRssOf } from './processMemory.js';
import type { DataSet } from './types.js';

const PREFIX = 'storeflow-bench';
const POLL_MS = 1000;
/** A million items take tens of minutes on two loaded cores; beyond this something is stuck. */
const TIMEOUT_MS = 3 * 3_600_000;

/** What one pipeline run measured. */
export interface PipelineReport {
  /** From the first upload until every file was SUCCESS or FAILED. */
  readonly wallMs: number;
  /** From the first upload until the dataset's last file was final. */
  readonly datasetWallMs: Readonly<Record<Dataset, number>>;
  readonly failedFiles: number;
  /** Peak RSS per process, bytes, read just before they were stopped. */
  readonly peakRssBytes: Readonly<Record<string, number>>;
}

/**
 * The whole pipeline on the embedded stack, as the demo runs it: the stack (S3 and SQS emulator
 * plus the DynamoDB Local JVM) and one validator and one transformer, each a process of its own;
 * products, orders and items uploaded in that order, then lineage polled until every file is final.
 */
export async function runPipeline(dataSet: DataSet, log: (line: string) => void): Promise<PipelineReport> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-bench-pipeline-'));
  const stateDir = path.join(workDir, 'stack');
  const logDir = path.join(workDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const names = resourceNamesFor(PREFIX);
  const services: RunningService[] = [];
  let stackStarted = false;
  let clients: AwsClients | undefined;
  try {
    const { state, env: stackEnv } = await startStackDaemon(stateDir, {
      s3Port: undefined,
      dynamodbPort: undefined,
      dataDir: undefined,
      names,
    });
    stackStarted = true;
    // The demo's settings: items that arrive before their orders are retried soon.
    const serviceEnv = pipelineServiceEnv(stackEnv, { prefix: PREFIX, referenceGraceSeconds: 3600 });
    const serviceStopped = new AbortController();
    for (const service of ['validator', 'transformer'] as const) {
      const { service: started, exited } = await startServiceProcess(service, 1, serviceEnv, logDir);
      services.push(started);
      exited.then((exit) => {
        serviceStopped.abort(
          new Error(`${started.name} exited (${exit.code ?? exit.signal}); log: ${started.logFile}`),
        );
      });
    }
    clients = createAwsClients(resolveAwsConnection(stackEnv));
    const planned = planUploads(await findDataFiles(dataSet.dir));
    const startedMs = performance.now();
    const uploaded: { key: string; eTag: string; dataset: Dataset }[] = [];
    for (const file of planned) {
      serviceStopped.signal.throwIfAborted();
      uploaded.push({
        key: file.key,
        dataset: file.dataset,
        eTag: await uploadFile(clients, names.bucket, file),
      });
    }
    log(`pipeline: ${uploaded.length} files uploaded, waiting until all are final`);
    const lineage = new LineageRepository({ clients, tableName: names.processedFilesTable });
    const finalAt = new Map<string, { atMs: number; failed: boolean }>();
    const deadline = startedMs + TIMEOUT_MS;
    while (finalAt.size < uploaded.length) {
      serviceStopped.signal.throwIfAborted();
      if (performance.now() > deadline) throw new Error(`files not final after ${TIMEOUT_MS / 1000} s`);
      for (const file of uploaded.filter(({ key }) => !finalAt.has(key))) {
        const record = await lineage.get({ sourceKey: file.key, objectVersion: file.eTag });
        if (record?.status === FileStatus.SUCCESS || record?.status === FileStatus.FAILED) {
          finalAt.set(file.key, { atMs: performance.now(), failed: record.status === FileStatus.FAILED });
        }
      }
      if (finalAt.size < uploaded.length) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const wallMs = performance.now() - startedMs;
    const datasetWallMs = { products: 0, orders: 0, order_items: 0 } as Record<Dataset, number>;
    for (const file of uploaded) {
      const done = (finalAt.get(file.key)?.atMs ?? startedMs) - startedMs;
      datasetWallMs[file.dataset] = Math.max(datasetWallMs[file.dataset], done);
    }
    const peakRssBytes: Record<string, number> = {};
    for (const service of services) {
      const bytes = await peakRssOf(service.pid);
      if (bytes !== undefined) peakRssBytes[service.name] = bytes;
    }
    const stackBytes = await peakRssOf(state.pid);
    if (stackBytes !== undefined) peakRssBytes['stack (S3, SQS)'] = stackBytes;
    for (const child of await childPidsOf(state.pid)) {
      if (!(await commandLineOf(child)).includes('java')) continue;
      const bytes = await peakRssOf(child);
      if (bytes !== undefined) peakRssBytes['DynamoDB Local JVM'] = bytes;
    }
    const failedFiles = [...finalAt.values()].filter((entry) => entry.failed).length;
    return { wallMs, datasetWallMs, failedFiles, peakRssBytes };
  } finally {
    clients?.destroy();
    await stopServiceProcesses(services);
    if (stackStarted) await stopStackDaemon(stateDir);
    await rm(workDir, { recursive: true, force: true });
  }
}
