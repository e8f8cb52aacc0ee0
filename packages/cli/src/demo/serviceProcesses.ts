import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort, httpAnswers, isProcessAlive, waitFor } from '@storeflow/local-stack/ports';

export type ServiceName = 'validator' | 'transformer';

/** A service process the demo started, as `run.json` records it. */
export interface RunningService {
  readonly name: string;
  readonly pid: number;
  readonly metricsUrl: string;
  readonly logFile: string;
}

const ENTRY_POINTS: Record<ServiceName, string> = {
  validator: fileURLToPath(import.meta.resolve('@storeflow/validator/dist/main.js')),
  transformer: fileURLToPath(import.meta.resolve('@storeflow/transformer/dist/main.js')),
};

const ENV_PREFIX: Record<ServiceName, string> = { validator: 'VALIDATOR', transformer: 'TRANSFORMER' };

// A JVM-backed stack on a loaded two-core machine can make the first start slow.
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 40_000;

/**
 * Starts one service process as Fargate would run it: its own `node dist/main.js`, configured by
 * environment only, logs appended to `logFile`, `/metrics` on a free loopback port. Detached, so
 * a `--keep` run can leave it behind; resolves once `/healthz` answers.
 *
 * @throws Error with the log's last lines when the process exits or stays unhealthy
 */
export async function startServiceProcess(
  service: ServiceName,
  index: number,
  env: Readonly<Record<string, string>>,
  logDir: string,
): Promise<RunningService> {
  const name = `${service}-${index}`;
  const logFile = path.join(logDir, `${name}.log`);
  const port = await findFreePort();
  const prefix = ENV_PREFIX[service];
  const log = await open(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [ENTRY_POINTS[service]], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: {
        ...env,
        [`${prefix}_METRICS_PORT`]: String(port),
        [`${prefix}_METRICS_HOST`]: '127.0.0.1',
        [`${prefix}_WORKER_ID`]: `demo-${name}`,
      },
    });
  } finally {
    await log.close();
  }
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const exited = once(child, 'exit');
  const healthy = await Promise.race([
    waitFor(() => httpAnswers(`http://127.0.0.1:${port}/healthz`), READY_TIMEOUT_MS),
    exited.then(() => false),
  ]);
  if (!healthy || child.pid === undefined) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw new Error(`${name} did not start: ${await lastLine(logFile)} (log: ${logFile})`);
  }
  child.unref();
  return { name, pid: child.pid, metricsUrl, logFile };
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
