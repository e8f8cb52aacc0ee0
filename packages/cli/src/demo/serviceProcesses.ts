import { type ChildProcess, spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort, httpAnswers, isProcessAlive, waitFor } from '@storeflow/local-stack/ports';
import { SERVICE_MALLOC_ENV, SERVICE_NODE_FLAGS } from '@storeflow/runtime';

export type ServiceName = 'validator' | 'transformer';

/** A service process the demo started, as `run.json` records it. */
export interface RunningService {
  readonly name: string;
  readonly pid: number;
  readonly metricsUrl: string;
  readonly logFile: string;
}

/** How a service process ended: its exit code, or the signal that ended it. */
export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started service, and the end of its process, which the demo watches for a crash. */
export interface StartedService {
  readonly service: RunningService;
  /** Resolves when the process ends, for whatever reason; never rejects. */
  readonly exited: Promise<ServiceExit>;
}

/**
 * The environment of the services of a pipeline on the embedded stack (demo, bench, chaos): the
 * stack's endpoints, queues and alerts topic, the resource prefix, short retry delays, so items that arrive
 * before their orders are retried within seconds, and a short shutdown grace, so a stopping
 * service exits within seconds: its long-poll wait stays below the grace (3 s waits, whose
 * empty receives cost nothing on the emulator). The transformers publish no quality report page.
 */
export function pipelineServiceEnv(
  stackEnv: Readonly<Record<string, string>>,
  options: { prefix: string; referenceGraceSeconds: number },
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...stackEnv,
    VALIDATOR_QUEUE_URL: stackEnv.STOREFLOW_INGEST_QUEUE_URL ?? '',
    VALIDATOR_TRANSFORM_QUEUE_URL: stackEnv.STOREFLOW_TRANSFORM_QUEUE_URL ?? '',
    VALIDATOR_RESOURCE_PREFIX: options.prefix,
    VALIDATOR_REFERENCE_GRACE_SECONDS: String(options.referenceGraceSeconds),
    VALIDATOR_DEFERRAL_BASE_SECONDS: '2',
    VALIDATOR_SHUTDOWN_GRACE_SECONDS: '5',
    TRANSFORMER_QUEUE_URL: stackEnv.STOREFLOW_TRANSFORM_QUEUE_URL ?? '',
    TRANSFORMER_RESOURCE_PREFIX: options.prefix,
    TRANSFORMER_HELD_DATE_RETRY_SECONDS: '1',
    TRANSFORMER_SHUTDOWN_GRACE_SECONDS: '5',
    // The demo writes the page itself at the end; the bench and the chaos suite measure without it.
    TRANSFORMER_REPORT_INTERVAL_SECONDS: '0',
    VALIDATOR_ALERTS_TOPIC_ARN: stackEnv.STOREFLOW_ALERTS_TOPIC_ARN ?? '',
    TRANSFORMER_ALERTS_TOPIC_ARN: stackEnv.STOREFLOW_ALERTS_TOPIC_ARN ?? '',
  };
}

const ENTRY_POINTS: Record<ServiceName, string> = {
  validator: fileURLToPath(import.meta.resolve('@storeflow/validator/main')),
  transformer: fileURLToPath(import.meta.resolve('@storeflow/transformer/main')),
};

const ENV_PREFIX: Record<ServiceName, string> = { validator: 'VALIDATOR', transformer: 'TRANSFORMER' };

// A JVM-backed stack on a loaded two-core machine can make the first start slow.
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 40_000;

/**
 * Starts one service process as Fargate would run it: its own `node dist/main.js` with the images'
 * Node flags and allocator settings, configured by environment only, logs appended to `logFile`, `/metrics` on a free loopback port. Detached, so
 * a `--keep` run can leave it behind; resolves once `/healthz` answers.
 *
 * @throws Error with the log's last line when the process exits or stays unhealthy
 */
export async function startServiceProcess(
  service: ServiceName,
  index: number,
  env: Readonly<Record<string, string>>,
  logDir: string,
): Promise<StartedService> {
  const name = `${service}-${index}`;
  const logFile = path.join(logDir, `${name}.log`);
  const port = await findFreePort();
  const prefix = ENV_PREFIX[service];
  const log = await open(logFile, 'a');
  let child: ChildProcess;
  let exited: Promise<ServiceExit>;
  try {
    child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ENTRY_POINTS[service]], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: {
        ...SERVICE_MALLOC_ENV,
        ...env,
        [`${prefix}_METRICS_PORT`]: String(port),
        [`${prefix}_METRICS_HOST`]: '127.0.0.1',
        [`${prefix}_WORKER_ID`]: `demo-${name}`,
      },
    });
    // Listened to before the first await, so not even an instant exit goes unseen.
    const started = child;
    exited = new Promise((resolve) => {
      started.once('exit', (code, signal) => resolve({ code, signal }));
    });
  } finally {
    await log.close();
  }
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const healthy = await Promise.race([
    waitFor(() => httpAnswers(`http://127.0.0.1:${port}/healthz`), READY_TIMEOUT_MS),
    exited.then(() => false),
  ]);
  if (!healthy || child.pid === undefined) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw new Error(`${name} did not start: ${await lastLine(logFile)} (log: ${logFile})`);
  }
  // Unreferenced, the child still reports its exit while the demo runs, and no longer holds it open.
  child.unref();
  return { service: { name, pid: child.pid, metricsUrl, logFile }, exited };
}

/** The one-line error for a service that ended while the demo needed it. */
export function serviceExitedError(service: RunningService, exit: ServiceExit): Error {
  const how = exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
  return new Error(
    `${service.name} stopped unexpectedly (${how}) while the demo was running; see its log ${service.logFile}`,
  );
}

/**
 * SIGTERM, then waits for the graceful drain the services do; SIGKILL when that does not end.
 *
 * @returns the names of services that had to be killed
 */
export async function stopServiceProcesses(services: readonly RunningService[]): Promise<string[]> {
  const killed: string[] = [];
  await Promise.all(
    services.map(async (service) => {
      if (!isProcessAlive(service.pid)) return;
      process.kill(service.pid, 'SIGTERM');
      if (await waitFor(async () => !isProcessAlive(service.pid), STOP_GRACE_MS)) return;
      process.kill(service.pid, 'SIGKILL');
      killed.push(service.name);
    }),
  );
  return killed;
}

async function lastLine(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8');
  const lines = text.trimEnd().split('\n');
  const line = lines[lines.length - 1] ?? '';
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return [entry.msg, entry.err?.message].filter(Boolean).join(': ') || line;
  } catch {
    return line === '' ? 'it printed nothing' : line;
  }
}
