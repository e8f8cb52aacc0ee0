import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import {
  type AwsClients,
  createAwsClients,
  KpiRepository,
  LineageRepository,
  QueueDepthReader,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import {
  findDataFiles,
  type PlannedUpload,
  pipelineServiceEnv,
  planUploads,
  startStackDaemon,
  stateFiles,
  stopStackDaemon,
  uploadFile,
} from '@storeflow/cli/pipeline';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { expectedKpis, SAMPLE_DATA_DIR, type SampleFile, sampleFiles } from '@storeflow/testing';
import type { ChaosOptions, Emulator } from './chaosOptions.js';
import { type ChaosReport, chaosFailures, type ServiceLogSummary } from './chaosReport.js';
import { emulatorPid } from './emulatorProcesses.js';
import { ChaosHarnessError } from './errors.js';
import { compareKpis } from './kpiOracle.js';
import { type LogStats, mergeLogStats, redeliveryCounts, scanServiceLog } from './logStats.js';
import { type Arrival, ArrivalKind, type Fault, planArrivals, planFaults } from './schedule.js';
import { SERVICES, WorkerPool } from './WorkerPool.js';

const PREFIX = 'storeflow-chaos';
const POLL_MS = 1_000;
/** The queues must read empty this many polls in a row: one read can fall between a receive and a send. */
const QUIET_POLLS = 3;
const UPLOAD_RETRY_MS = 1_000;
/** The harness's own uploads outlast any pause it makes (a paused S3 fails them until SIGCONT). */
const UPLOAD_ATTEMPTS = 600;

/** The versions a run uploaded: one entry per key and ETag, however often it was uploaded. */
type UploadedVersions = Map<string, { sourceKey: string; objectVersion: string }>;

/**
 * One chaos run: the stack, the workers, the sample uploaded in a seeded order with duplicates,
 * the storm of kills and pauses, the wait until every file is final, and the checks.
 * Everything it started is stopped before it returns or throws.
 *
 * @throws ChaosHarnessError when the run cannot be carried out (then it says nothing of the pipeline)
 */
export async function runChaos(options: ChaosOptions, log: (line: string) => void): Promise<ChaosReport> {
  const runDir = path.join(options.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${options.seed}`);
  const stateDir = path.join(runDir, 'stack');
  const logDir = path.join(runDir, 'logs');
  await mkdir(logDir, { recursive: true });
  log(`run directory ${runDir}`);

  const uploads = planUploads(await findDataFiles(SAMPLE_DATA_DIR));
  const sample = await sampleFiles();
  assertSameFiles(uploads, sample);
  const oracle = expectedKpis(sample);
  const stormMs = options.durationSeconds * 1000;
  const arrivals = planArrivals(uploads, options.seed, stormMs);
  const faults = planFaults({
    seed: options.seed,
    stormMs,
    killEverySeconds: options.killEverySeconds,
    pauses: options.pauses,
  });

  const names = resourceNamesFor(PREFIX);
  const paused = new Map<Emulator, number>();
  let stackStarted = false;
  let pool: WorkerPool | undefined;
  let clients: AwsClients | undefined;
  // Ctrl-C must not leave a stopped emulator, a JVM and worker processes behind.
  const interrupt = () => {
    log('interrupted: stopping what the run started');
    cleanUp().then(
      () => process.exit(130),
      (error: unknown) => {
        log(`could not stop everything: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  const cleanUp = async () => {
    for (const pid of paused.values()) process.kill(pid, 'SIGCONT');
    paused.clear();
    clients?.destroy();
    await pool?.stop();
    if (!stackStarted) return;
    stackStarted = false;
    // Stopping the stack removes its state directory, log included; the run keeps a copy.
    try {
      await copyFile(stateFiles(stateDir).log, path.join(logDir, 'stack.log'));
    } finally {
      await stopStackDaemon(stateDir);
    }
  };
  process.once('SIGINT', interrupt);
  try {
    log('starting the embedded stack and creating the resources');
    const { env: stackEnv } = await startStackDaemon(stateDir, {
      s3Port: undefined,
      dynamodbPort: undefined,
      dataDir: undefined,
      names,
    });
    stackStarted = true;
    pool = new WorkerPool({
      perService: options.workers,
      env: pipelineServiceEnv(stackEnv, { prefix: PREFIX, referenceGraceSeconds: options.graceSeconds }),
      logDir,
      log,
    });
    log(`starting ${options.workers} validator and ${options.workers} transformer processes`);
    await pool.start();
    clients = createAwsClients(resolveAwsConnection(stackEnv));
    const versions: UploadedVersions = new Map();
    const upload = uploader(clients, names.bucket, versions, log);

    log(`storm of ${options.durationSeconds} s begins with the upload of ${arrivals.initial.length} files`);
    const stormStart = Date.now();
    // Aborted when the storm cannot go on, so no upload outlives the run.
    const stormFailed = new AbortController();
    const initialBurst = (async () => {
      for (const arrival of arrivals.initial) await upload(arrival, stormFailed.signal);
    })();
    const lateUploads = (async () => {
      for (const arrival of arrivals.late) {
        await sleepUntil(stormStart + arrival.atMs, stormFailed.signal);
        await upload(arrival, stormFailed.signal);
      }
    })();
    let storm: StormResult;
    try {
      storm = await runStorm(faults, { stormStart, pool, stateDir, paused, log });
    } catch (error) {
      stormFailed.abort(error);
      await Promise.allSettled([initialBurst, lateUploads]);
      throw error;
    }
    await Promise.all([initialBurst, lateUploads]);
    await pool.settled();
    log(`storm over: ${storm.pauses.length} pauses; waiting until every file is final`);

    const lineage = new LineageRepository({ clients, tableName: names.processedFilesTable });
    const depthReaders = {
      ingest: new QueueDepthReader({ clients, queueUrl: stackEnv.STOREFLOW_INGEST_QUEUE_URL ?? '' }),
      transform: new QueueDepthReader({ clients, queueUrl: stackEnv.STOREFLOW_TRANSFORM_QUEUE_URL ?? '' }),
    };
    const records = await waitUntilFinal(lineage, [...versions.values()], {
      deadline: Date.now() + options.timeoutSeconds * 1000,
      queuesQuiet: async () => {
        const depths = await Promise.all(Object.values(depthReaders).map((reader) => reader.read()));
        return depths.every(({ source }) => source.visible + source.inFlight + source.delayed === 0);
      },
      pool,
      log,
    });

    const kpis = new KpiRepository({
      clients,
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    });
    const [daily, categories] = await Promise.all([kpis.listOrderKpis({}), kpis.listCategoryKpis({})]);
    const comparison = compareKpis(oracle, {
      daily: daily.map(({ provenance: _provenance, ...row }) => row),
      categories: categories.map(({ provenance: _provenance, ...row }) => row),
    });
    const deadLetterDepths: Record<string, number> = {};
    for (const [queue, reader] of Object.entries(depthReaders)) {
      const { deadLetter } = await reader.read();
      deadLetterDepths[`${queue}-dlq`] = deadLetter.visible + deadLetter.inFlight + deadLetter.delayed;
    }
    await pool.stop();

    const filesByStatus: Record<string, number> = {};
    for (const version of versions.values()) {
      const status = records.get(versionId(version))?.status ?? 'WAITING';
      filesByStatus[status] = (filesByStatus[status] ?? 0) + 1;
    }
    const report = {
      options: {
        durationSeconds: options.durationSeconds,
        workers: options.workers,
        killEverySeconds: options.killEverySeconds,
        pauses: options.pauses,
        seed: options.seed,
        graceSeconds: options.graceSeconds,
        timeoutSeconds: options.timeoutSeconds,
      },
      runDir,
      faults: {
        kills: pool.kills,
        skippedKills: storm.skippedKills,
        pauses: storm.pauses,
        unexpectedExits: pool.unexpectedExits,
      },
      uploads: {
        first: countKind(arrivals.initial, ArrivalKind.FIRST),
        duplicate: countKind(arrivals.initial, ArrivalKind.DUPLICATE),
        reupload: arrivals.late.length,
      },
      filesByStatus,
      files: versions.size,
      drainMs: drainMs([...records.values()], versions.size, storm.lastFaultEndMs),
      kpis: comparison,
      deadLetterDepths,
      logs: await serviceLogSummaries(logDir),
    };
    return { ...report, failures: chaosFailures(report) };
  } finally {
    process.removeListener('SIGINT', interrupt);
    await cleanUp();
  }
}

/** The sample files the oracle reads must be exactly the ones uploaded, or its KPIs prove nothing. */
function assertSameFiles(uploads: readonly PlannedUpload[], sample: readonly SampleFile[]): void {
  const oracleKeys = sample.map((file) => file.key).sort();
  const uploadKeys = uploads.map((upload) => upload.key).sort();
  if (oracleKeys.join('\n') !== uploadKeys.join('\n')) {
    throw new ChaosHarnessError(
      `the oracle reads ${oracleKeys.length} files and the upload plan has ${uploadKeys.length} under ${SAMPLE_DATA_DIR}; they must be the same`,
    );
  }
}

/** Uploads one arrival, retrying while the storm makes S3 fail, and records the version. */
function uploader(
  clients: AwsClients,
  bucket: string,
  versions: UploadedVersions,
  log: (line: string) => void,
): (arrival: Arrival<PlannedUpload>, signal: AbortSignal) => Promise<void> {
  return async ({ file }, signal) => {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      try {
        const objectVersion = await uploadFile(clients, bucket, file);
        const version = { sourceKey: file.key, objectVersion };
        versions.set(versionId(version), version);
        return;
      } catch (error) {
        if (attempt >= UPLOAD_ATTEMPTS) {
          throw new ChaosHarnessError(`could not upload ${file.key}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        log(`upload of ${file.key} failed (${(error as Error).message}); retrying`);
        await sleep(UPLOAD_RETRY_MS, signal);
      }
    }
  };
}

interface StormResult {
  readonly skippedKills: number;
  readonly pauses: { emulator: Emulator; atMs: number; forMs: number }[];
  /** Epoch ms at which the last kill happened or the last pause ended. */
  readonly lastFaultEndMs: number;
}

/** Plays the faults at their times; pauses run alongside the kills and have ended when it resolves. */
async function runStorm(
  faults: readonly Fault[],
  context: {
    stormStart: number;
    pool: WorkerPool;
    stateDir: string;
    paused: Map<Emulator, number>;
    log: (line: string) => void;
  },
): Promise<StormResult> {
  const { stormStart, pool, log } = context;
  let skippedKills = 0;
  let lastFaultEndMs = stormStart;
  const pauses: StormResult['pauses'] = [];
  const runningPauses: Promise<void>[] = [];
  for (const fault of faults) {
    await sleepUntil(stormStart + fault.atMs);
    pool.assertHealthy();
    if (fault.kind === 'kill') {
      const killed = pool.kill(fault.pick);
      if (killed === undefined) {
        skippedKills += 1;
        continue;
      }
      lastFaultEndMs = Math.max(lastFaultEndMs, Date.now());
      log(`${killed} killed`);
      continue;
    }
    runningPauses.push(
      pauseEmulator(fault.emulator, fault.forMs, context).then(() => {
        lastFaultEndMs = Math.max(lastFaultEndMs, Date.now());
      }),
    );
    pauses.push({ emulator: fault.emulator, atMs: fault.atMs, forMs: fault.forMs });
  }
  await Promise.all(runningPauses);
  return { skippedKills, pauses, lastFaultEndMs };
}

/** SIGSTOP, then SIGCONT `forMs` later; the pid is kept in `paused` so a cleanup can resume it. */
async function pauseEmulator(
  emulator: Emulator,
  forMs: number,
  context: { stateDir: string; paused: Map<Emulator, number>; log: (line: string) => void },
): Promise<void> {
  const pid = await emulatorPid(context.stateDir, emulator);
  process.kill(pid, 'SIGSTOP');
  context.paused.set(emulator, pid);
  context.log(`${emulator} (pid ${pid}) paused for ${forMs / 1000} s`);
  try {
    await sleep(forMs);
  } finally {
    if (context.paused.delete(emulator)) process.kill(pid, 'SIGCONT');
    context.log(`${emulator} resumed`);
  }
}

/**
 * Polls lineage until every uploaded version is SUCCESS or FAILED and both work queues stay
 * empty for a few polls (so re-uploads of final files have been handled too), or the deadline.
 *
 * @returns the latest record of every version seen, final or not
 */
async function waitUntilFinal(
  lineage: LineageRepository,
  versions: readonly { sourceKey: string; objectVersion: string }[],
  context: {
    deadline: number;
    queuesQuiet: () => Promise<boolean>;
    pool: WorkerPool;
    log: (line: string) => void;
  },
): Promise<Map<string, LineageRecord>> {
  const latest = new Map<string, LineageRecord>();
  const isFinal = (record: LineageRecord | undefined) =>
    record?.status === FileStatus.SUCCESS || record?.status === FileStatus.FAILED;
  let quietPolls = 0;
  let reported = -1;
  while (Date.now() < context.deadline) {
    context.pool.assertHealthy();
    for (const version of versions.filter((entry) => !isFinal(latest.get(versionId(entry))))) {
      const record = await lineage.get(version);
      if (record !== undefined) latest.set(versionId(version), record);
    }
    const final = versions.filter((version) => isFinal(latest.get(versionId(version)))).length;
    if (final !== reported) context.log(`${final} of ${versions.length} files final`);
    reported = final;
    quietPolls = final === versions.length && (await context.queuesQuiet()) ? quietPolls + 1 : 0;
    if (quietPolls >= QUIET_POLLS) return latest;
    await sleep(POLL_MS);
  }
  context.log('timed out waiting for the files to become final');
  return latest;
}

/** From the last fault to the last file becoming final (its record's last update), never below 0. */
function drainMs(
  records: readonly LineageRecord[],
  files: number,
  lastFaultEndMs: number,
): number | undefined {
  const final = records.filter(
    (record) => record.status === FileStatus.SUCCESS || record.status === FileStatus.FAILED,
  );
  if (final.length < files) return undefined;
  const lastFinalMs = Math.max(...final.map((record) => Date.parse(record.updatedAt)));
  return Math.max(0, lastFinalMs - lastFaultEndMs);
}

/** Warn and error lines and redeliveries per service, over all its processes' logs. */
async function serviceLogSummaries(logDir: string): Promise<Record<string, ServiceLogSummary>> {
  const names = await readdir(logDir);
  const summaries: Record<string, ServiceLogSummary> = {};
  for (const service of SERVICES) {
    const stats: LogStats[] = [];
    for (const name of names.filter((file) => file.startsWith(`${service}-`) && file.endsWith('.log'))) {
      stats.push(scanServiceLog(await readFile(path.join(logDir, name), 'utf8')));
    }
    const merged = mergeLogStats(stats);
    const redeliveries = redeliveryCounts(merged);
    summaries[service] = {
      warnLines: merged.warnLines,
      errorLines: merged.errorLines,
      otherLines: merged.otherLines,
      redeliveredMessages: redeliveries.messages,
      redeliveries: redeliveries.deliveries,
      maxReceiveCount: merged.maxReceiveCount,
    };
  }
  return summaries;
}

function versionId(version: { sourceKey: string; objectVersion: string }): string {
  return `${version.sourceKey} ${version.objectVersion}`;
}

function countKind(arrivals: readonly Arrival<unknown>[], kind: ArrivalKind): number {
  return arrivals.filter((arrival) => arrival.kind === kind).length;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return setTimeout(ms, undefined, { signal });
}

function sleepUntil(epochMs: number, signal?: AbortSignal): Promise<void> {
  return sleep(Math.max(0, epochMs - Date.now()), signal);
}
