import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  type CategoryKpiAttributes,
  createAwsClients,
  KpiRepository,
  LineageRepository,
  listStoredAnomalies,
  type OrderKpiAttributes,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import { type Anomaly, FileStatus, type LineageRecord } from '@storeflow/core';
import { SeededRandom } from '@storeflow/datagen';
import { anomalyTable } from '../anomalyListing.js';
import { ExitCode, UsageError } from '../cliErrors.js';
import { parseCommandLine, positiveIntegerOption, printJson, rejectPositionals } from '../commandLine.js';
import { createProgress, type Progress } from '../demo/progress.js';
import { anyServiceAlive, type DemoRun, readDemoRun, removeDemoRun, writeDemoRun } from '../demo/runState.js';
import {
  pipelineServiceEnv,
  type RunningService,
  type ServiceName,
  serviceExitedError,
  startServiceProcess,
  stopServiceProcesses,
} from '../demo/serviceProcesses.js';
import { stopCommand } from '../demo/stopCommand.js';
import { formatTable } from '../formatTable.js';
import { categoryKpiTable, dailyKpiTable } from '../kpiTables.js';
import { writeQualityReportPage } from '../qualityReportPage.js';
import { planUploads } from '../uploadPlan.js';
import { writeGeneratedData } from './generate.js';
import { liveState, startStackDaemon, stopStackDaemon } from './stack.js';
import { findDataFiles, uploadFile } from './upload.js';

export const DEMO_USAGE = `Usage: storeflow demo [options]

Runs the whole pipeline on this machine and prints what it made of the data: the embedded AWS
stack (S3, SQS, DynamoDB), the validator and the transformer as separate processes, a generated
data set (or yours), then every file's verdict and the KPI tables, and writes the quality report page
(<dir>/report/index.html). Stops everything at the end.

Options:
  --data <dir>            upload every .csv, .jsonl, .ndjson (optionally .gz) under <dir>
                          instead of generated data; routed to datasets as 'upload' does
  --orders <n>            orders to generate (default: generate's, 3000)
  --days <n>              days the generated orders span (default: generate's, 30)
  --seed <n>              seed of the generator and of --shuffle (default 1)
  --shuffle               upload in random order (items may arrive before their orders)
  --workers <n>           processes per service (default 1)
  --grace-seconds <n>     the validator's late-reference window for this run (default 60)
  --timeout-seconds <n>   fail when files are not final by then (default 900)
  --keep                  leave the stack and services running; end them with --stop
  --stop                  stop what a --keep run left running (give the same --dir)
  --json                  print one JSON document on stdout; progress goes to stderr
  --dir <dir>             where data, logs and state go (default .demo)
  -h, --help              show this help

Exit codes: 0 every file reached SUCCESS or FAILED (a FAILED verdict is a result, not an
error), 1 bad usage, a step failed, a service process stopped, or files were not final in time.`;

const DEMO_PREFIX = 'storeflow-demo';
const POLL_MS = 500;

interface DemoOptions {
  demoDir: string;
  data: string | undefined;
  orders: number | undefined;
  days: number | undefined;
  seed: number;
  shuffle: boolean;
  workers: number;
  graceSeconds: number;
  timeoutSeconds: number;
  keep: boolean;
  json: boolean;
}

/** The `--json` document: a public interface, documented in packages/cli/README.md. */
export interface DemoResult {
  files: {
    key: string;
    dataset: string;
    status: string;
    rows: { total: number; accepted: number; rejected: number };
    errorCodes: Record<string, number>;
  }[];
  categoryKpis: CategoryKpiAttributes[];
  dailyKpis: OrderKpiAttributes[];
  /** The stored anomalies, as `storeflow anomalies --json` prints them. */
  anomalies: Anomaly[];
  /** The quality report page written at the end. */
  report: { html: string };
}

export async function demoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    data: { type: 'string' },
    orders: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    shuffle: { type: 'boolean', default: false },
    workers: { type: 'string' },
    'grace-seconds': { type: 'string' },
    'timeout-seconds': { type: 'string' },
    keep: { type: 'boolean', default: false },
    stop: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    dir: { type: 'string', default: '.demo' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(DEMO_USAGE);
    return ExitCode.OK;
  }
  rejectPositionals(positionals);
  const demoDir = path.resolve(values.dir);
  if (values.stop) return stopKeptRun(demoDir);
  return runDemo({
    demoDir,
    data: values.data === undefined ? undefined : path.resolve(values.data),
    orders: positiveIntegerOption(values.orders, '--orders'),
    days: positiveIntegerOption(values.days, '--days'),
    seed: positiveIntegerOption(values.seed, '--seed') ?? 1,
    shuffle: values.shuffle,
    workers: positiveIntegerOption(values.workers, '--workers') ?? 1,
    graceSeconds: positiveIntegerOption(values['grace-seconds'], '--grace-seconds') ?? 60,
    timeoutSeconds: positiveIntegerOption(values['timeout-seconds'], '--timeout-seconds') ?? 900,
    keep: values.keep,
    json: values.json,
  });
}

async function runDemo(options: DemoOptions): Promise<number> {
  const progress = createProgress(process.stderr);
  const { demoDir } = options;
  const stackStateDir = path.join(demoDir, 'stack');
  const previous = await readDemoRun(demoDir);
  if ((previous !== undefined && anyServiceAlive(previous)) || (await liveState(stackStateDir))) {
    throw new UsageError(
      `a demo started with --keep is still running in ${demoDir}; stop it first: ${stopCommand(demoDir, process.env)}`,
    );
  }
  const logDir = path.join(demoDir, 'logs');
  const dataDir = options.data ?? path.join(demoDir, 'data');
  await rm(logDir, { recursive: true, force: true });
  if (options.data === undefined) await rm(dataDir, { recursive: true, force: true });
  await mkdir(logDir, { recursive: true });

  const names = resourceNamesFor(DEMO_PREFIX);
  const services: RunningService[] = [];
  // Aborted, with the error to report, when a service process ends while the demo needs it.
  const serviceStopped = new AbortController();
  let stackStarted = false;
  let keepRunning = false;
  // Ctrl-C must not leave a JVM and four node processes behind.
  const interrupt = () => {
    progress.step('interrupted: stopping what the demo started');
    cleanUp().then(
      () => process.exit(130),
      (error: unknown) => {
        progress.step(`could not stop everything: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  const cleanUp = async () => {
    await stopServiceProcesses(services);
    if (stackStarted) await stopStackDaemon(stackStateDir);
    await removeDemoRun(demoDir);
  };
  process.once('SIGINT', interrupt);
  try {
    let files = options.data;
    if (files === undefined) {
      const manifest = await writeGeneratedData({
        out: dataDir,
        seed: options.seed,
        ...(options.orders === undefined ? {} : { orders: options.orders }),
        ...(options.days === undefined ? {} : { days: options.days }),
      });
      progress.step(
        `generated ${manifest.totals.orders.rows.total} orders over ${manifest.options.days} days ` +
          `in ${manifest.files.length} files (${dataDir}; expectations in manifest.json)`,
      );
      files = dataDir;
    }
    const planned = planUploads(await findDataFiles(files));
    // The same --seed replays the same arrival order.
    const ordered = options.shuffle
      ? new SeededRandom(String(options.seed), 'arrival-order').shuffle(planned)
      : planned;

    progress.step('starting the embedded AWS stack (S3, SQS, DynamoDB) and creating the resources');
    const { env: stackEnv } = await startStackDaemon(stackStateDir, {
      s3Port: undefined,
      dynamodbPort: undefined,
      dataDir: undefined,
      names,
    });
    stackStarted = true;
    const serviceEnv = pipelineServiceEnv(stackEnv, {
      prefix: DEMO_PREFIX,
      referenceGraceSeconds: options.graceSeconds,
    });
    for (const service of ['validator', 'transformer'] as ServiceName[]) {
      for (let index = 1; index <= options.workers; index++) {
        const { service: started, exited } = await startServiceProcess(service, index, serviceEnv, logDir);
        services.push(started);
        exited.then((exit) => {
          if (!serviceStopped.signal.aborted) serviceStopped.abort(serviceExitedError(started, exit));
        });
        progress.step(
          `  ${started.name} running (pid ${started.pid}): metrics ${started.metricsUrl}, log ${started.logFile}`,
        );
      }
    }
    serviceStopped.signal.throwIfAborted();

    const clients = createAwsClients(resolveAwsConnection(stackEnv));
    try {
      progress.step(`uploading ${ordered.length} files${options.shuffle ? ' in random order' : ''}`);
      const uploaded: { key: string; eTag: string }[] = [];
      for (const file of ordered) {
        const eTag = await untilAborted(uploadFile(clients, names.bucket, file), serviceStopped.signal);
        uploaded.push({ key: file.key, eTag });
        progress.advance(uploaded.length, ordered.length, `uploaded (${file.key})`);
      }

      progress.step('waiting for every file to be validated, transformed and archived');
      const lineage = new LineageRepository({ clients, tableName: names.processedFilesTable });
      const records = await waitUntilFinal(lineage, uploaded, {
        timeoutMs: options.timeoutSeconds * 1000,
        progress,
        signal: serviceStopped.signal,
      });

      const kpis = new KpiRepository({
        clients,
        categoryTableName: names.categoryKpisTable,
        orderTableName: names.orderKpisTable,
      });
      const html = await writeQualityReportPage({ clients, names }, path.join(demoDir, 'report'));
      progress.step(`wrote the quality report: ${html}`);
      const collected = await collectResult(
        records,
        kpis,
        await listStoredAnomalies(clients, names.qualityTable),
      );
      const result: DemoResult = { ...collected, report: { html } };
      if (options.json) printJson(result);
      else printReadable(result, { names, logDir, dataDir, kept: options.keep });
    } finally {
      clients.destroy();
    }

    if (options.keep) {
      const run: DemoRun = {
        prefix: DEMO_PREFIX,
        stackStateDir,
        services,
        startedAt: new Date().toISOString(),
      };
      await writeDemoRun(demoDir, run);
      keepRunning = true;
      progress.step(
        `left running: the stack (variables in ${path.join(stackStateDir, 'stack.env')}, prefix ${DEMO_PREFIX}) ` +
          `and ${services.length} service processes; stop them with: ${stopCommand(demoDir, process.env)}`,
      );
    }
    return ExitCode.OK;
  } finally {
    process.removeListener('SIGINT', interrupt);
    if (!keepRunning) {
      progress.step('stopping the services and the stack');
      await cleanUp();
    }
  }
}

async function stopKeptRun(demoDir: string): Promise<number> {
  const run = await readDemoRun(demoDir);
  const stackStateDir = run?.stackStateDir ?? path.join(demoDir, 'stack');
  const killed = run === undefined ? [] : await stopServiceProcesses(run.services);
  const stackStopped = await stopStackDaemon(stackStateDir);
  await removeDemoRun(demoDir);
  if (run === undefined && !stackStopped) console.log(`no demo is running in ${demoDir}`);
  else
    console.log(`demo stopped${killed.length > 0 ? ` (killed after the grace: ${killed.join(', ')})` : ''}`);
  return ExitCode.OK;
}

const FINAL = new Set<string>([FileStatus.SUCCESS, FileStatus.FAILED]);

/**
 * Polls lineage until every uploaded version is SUCCESS or FAILED, showing how far it got.
 *
 * @throws the signal's reason once it is aborted (a service stopped), checked at every poll
 */
async function waitUntilFinal(
  lineage: LineageRepository,
  uploaded: readonly { key: string; eTag: string }[],
  { timeoutMs, progress, signal }: { timeoutMs: number; progress: Progress; signal: AbortSignal },
): Promise<LineageRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const latest = new Map<string, LineageRecord>();
  for (;;) {
    signal.throwIfAborted();
    await Promise.all(
      uploaded
        .filter(({ key }) => !FINAL.has(latest.get(key)?.status ?? ''))
        .map(async ({ key, eTag }) => {
          const record = await lineage.get({ sourceKey: key, objectVersion: eTag });
          if (record !== undefined) latest.set(key, record);
        }),
    );
    const byStatus = new Map<string, number>();
    for (const { key } of uploaded) {
      const status = latest.get(key)?.status ?? 'WAITING';
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    }
    const finished = (byStatus.get(FileStatus.SUCCESS) ?? 0) + (byStatus.get(FileStatus.FAILED) ?? 0);
    const detail = [...byStatus]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${count} ${status.toLowerCase()}`)
      .join(', ');
    progress.advance(finished, uploaded.length, `final (${detail})`);
    if (finished === uploaded.length) return uploaded.map(({ key }) => latest.get(key) as LineageRecord);
    if (Date.now() > deadline) {
      const waiting = uploaded.filter(({ key }) => !FINAL.has(latest.get(key)?.status ?? ''));
      throw new Error(
        `${waiting.length} files were not final after ${timeoutMs / 1000} s (first: ${waiting[0]?.key}, ` +
          `${latest.get(waiting[0]?.key ?? '')?.status ?? 'never seen'}); see the service logs, or raise --timeout-seconds`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `work`, or the signal's reason as soon as it is aborted, whichever comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function collectResult(
  records: readonly LineageRecord[],
  kpis: KpiRepository,
  anomalies: Anomaly[],
): Promise<Omit<DemoResult, 'report'>> {
  const withoutProvenance = <Row extends { provenance: unknown }>({ provenance: _, ...row }: Row) => row;
  const [daily, categories] = await Promise.all([kpis.listOrderKpis({}), kpis.listCategoryKpis({})]);
  return {
    files: records.map((record) => ({
      key: record.sourceKey,
      dataset: record.dataset,
      status: record.status,
      rows: {
        total: record.rowsTotal ?? 0,
        accepted: record.rowsAccepted ?? 0,
        rejected: record.rowsRejected ?? 0,
      },
      errorCodes: { ...(record.ruleCounts ?? {}) },
    })),
    categoryKpis: categories
      .map(withoutProvenance)
      .sort((a, b) => a.order_date.localeCompare(b.order_date) || a.category.localeCompare(b.category)),
    dailyKpis: daily.map(withoutProvenance).sort((a, b) => a.order_date.localeCompare(b.order_date)),
    anomalies,
  };
}

function printReadable(
  result: DemoResult,
  where: { names: ReturnType<typeof resourceNamesFor>; logDir: string; dataDir: string; kept: boolean },
): void {
  const topCodes = (codes: Record<string, number>) =>
    Object.entries(codes)
      .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))
      .slice(0, 3)
      .map(([code, count]) => `${code}×${count}`)
      .join(' ');
  console.log('\nFiles');
  console.log(
    formatTable(
      [
        { header: 'KEY' },
        { header: 'DATASET' },
        { header: 'STATUS' },
        { header: 'ROWS', align: 'right' },
        { header: 'ACCEPTED', align: 'right' },
        { header: 'REJECTED', align: 'right' },
        { header: 'TOP ERROR CODES' },
      ],
      result.files.map((file) => [
        file.key,
        file.dataset,
        file.status,
        String(file.rows.total),
        String(file.rows.accepted),
        String(file.rows.rejected),
        topCodes(file.errorCodes),
      ]),
    ),
  );
  console.log('Daily KPIs (OrderKPIs)');
  console.log(dailyKpiTable(result.dailyKpis));
  console.log('Category KPIs by day (CategoryKPIs)');
  console.log(categoryKpiTable(result.categoryKpis));
  console.log('Anomalies');
  console.log(result.anomalies.length === 0 ? '  none\n' : anomalyTable(result.anomalies));
  const bucket = where.names.bucket;
  console.log(
    [
      'Where to look',
      `  validation reports  s3://${bucket}/validation-reports/   (storeflow report <key>)`,
      `  rejected rows       s3://${bucket}/rejected/`,
      `  archived raw files  s3://${bucket}/processed/ and s3://${bucket}/failed/`,
      `  quality report      ${result.report.html}   (open it in a browser)`,
      `  service logs        ${where.logDir}`,
      `  input data          ${where.dataDir}`,
      where.kept
        ? ''
        : '  (the stack stops now: run the demo with --keep to look inside with status, report and kpis)\n',
    ].join('\n'),
  );
}
