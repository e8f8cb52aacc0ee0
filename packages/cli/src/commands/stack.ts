import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  bootstrapResources,
  createAwsClients,
  DEFAULT_RESOURCE_PREFIX,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import type { StackEndpoints } from '@storeflow/local-stack';
// The light subpath: the package's index loads the emulators (and node:sqlite, which prints an
// experimental warning) that only the daemon needs.
import {
  assertPortFree,
  httpAnswers,
  isPortOpen,
  isProcessAlive,
  waitFor,
} from '@storeflow/local-stack/ports';
import { ExitCode, UsageError } from '../cliErrors.js';
import type { DaemonMessage } from '../stackDaemon.js';
import {
  readStackState,
  removeStackState,
  type StackState,
  stateFiles,
  toDotenv,
  writeStackState,
} from '../stackState.js';
import { componentLines } from '../stackStatusText.js';

export const STACK_USAGE = `Usage: storeflow stack <up|down|status> [options]

  up       start the embedded AWS stack (S3, SQS, DynamoDB) in the background
  down     stop it and remove its state files
  status   say whether it is running and healthy

Options:
  --s3-port <port>        S3 and SQS port on 127.0.0.1 (default: a free port)
  --dynamodb-port <port>  DynamoDB port on 127.0.0.1 (default: a free port)
  --data-dir <dir>        keep data across restarts in <dir> (default: in memory)
  --state-dir <dir>       where stack.env, stack.json and stack.log go (default: .local-stack)
  --prefix <prefix>       resource name prefix for the bootstrap (default: storeflow)
  --no-bootstrap          start the emulators only; create no bucket, queue or table
  -h, --help              show this help

Exit codes: 0 ok (status: healthy), 1 error (status: unhealthy), 3 status: not running`;

const DAEMON = fileURLToPath(new URL('../stackDaemon.js', import.meta.url));
// DynamoDB Local compiles its launcher and starts a JVM; a loaded 2-core machine needs a while.
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;
const PORTS_CLOSE_TIMEOUT_MS = 5_000;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: {
        bootstrap: { type: 'boolean', default: true },
        prefix: { type: 'string', default: DEFAULT_RESOURCE_PREFIX },
        help: { type: 'boolean', short: 'h' },
        's3-port': { type: 'string' },
        'dynamodb-port': { type: 'string' },
        'data-dir': { type: 'string' },
        'state-dir': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('.')[0]}; see --help`);
  }
}

/** `storeflow stack …`: returns the exit code; throws a one-line error on failure. */
export async function stackCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const command = positionals[0];
  if (values.help || command === undefined) {
    console.log(STACK_USAGE);
    return values.help ? ExitCode.OK : ExitCode.ERROR;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'; see --help`);
  const stateDir = path.resolve(values['state-dir'] ?? '.local-stack');
  switch (command) {
    case 'up':
      return up(stateDir, {
        s3Port: parsePort(values['s3-port'], '--s3-port'),
        dynamodbPort: parsePort(values['dynamodb-port'], '--dynamodb-port'),
        dataDir: values['data-dir'] === undefined ? undefined : path.resolve(values['data-dir']),
        // Validated before anything starts, so a bad prefix leaves nothing running.
        names: values.bootstrap ? resourceNamesFor(values.prefix) : undefined,
      });
    case 'down':
      return down(stateDir);
    case 'status':
      return status(stateDir);
    default:
      throw new UsageError(`unknown command '${command}'; use up, down or status (see --help)`);
  }
}

export interface UpOptions {
  s3Port: number | undefined;
  dynamodbPort: number | undefined;
  dataDir: string | undefined;
  names: ResourceNames | undefined;
}

async function up(stateDir: string, options: UpOptions): Promise<number> {
  const running = await liveState(stateDir);
  if (running !== undefined) {
    if (await allHealthy(running.endpoints)) {
      console.log(`stack already running (pid ${running.pid}); variables in ${stateFiles(stateDir).env}`);
      return ExitCode.OK;
    }
    return recover(stateDir, running, options);
  }
  // Checked here so the message names the command-line option, not the API option.
  if (options.s3Port !== undefined) await assertPortFree(options.s3Port, '--s3-port');
  if (options.dynamodbPort !== undefined) await assertPortFree(options.dynamodbPort, '--dynamodb-port');
  const { state, env } = await startStackDaemon(stateDir, options);
  process.stdout.write(toDotenv(env));
  console.log(`stack running (pid ${state.pid}); variables written to ${stateFiles(stateDir).env}`);
  return ExitCode.OK;
}

/**
 * Brings back a stack whose daemon runs but a component does not answer (its DynamoDB Local died
 * and could not be restarted, or was stopped): a persisted stack is stopped and started again on
 * the same ports and data directory, so nothing is lost; an in-memory one is left for the user to
 * replace, since starting it again cannot bring its data back.
 */
async function recover(stateDir: string, running: StackState, options: UpOptions): Promise<number> {
  if (running.dataDir === undefined) {
    throw new Error(
      `the running stack (pid ${running.pid}) is unhealthy and keeps its data in memory, so a restart cannot recover it: see 'storeflow stack status', then run 'storeflow stack down' and 'storeflow stack up' (its data is lost)`,
    );
  }
  console.log(`stack (pid ${running.pid}) is unhealthy; restarting it on its data in ${running.dataDir}`);
  await stopStackDaemon(stateDir);
  const { state, env } = await startStackDaemon(stateDir, {
    s3Port: portOf(running.endpoints.s3),
    dynamodbPort: portOf(running.endpoints.dynamodb),
    dataDir: running.dataDir,
    names: options.names,
  });
  process.stdout.write(toDotenv(env));
  console.log(`stack running again (pid ${state.pid}); variables written to ${stateFiles(stateDir).env}`);
  return ExitCode.OK;
}

/**
 * Starts the stack daemon detached (it outlives this process), waits until its endpoints answer,
 * bootstraps when `names` is given, and records its state and variables in `stateDir`.
 *
 * @returns the state and the variables written to `stack.env`
 * @throws Error when the stack does not become ready or bootstrap fails; nothing is left running
 */
export async function startStackDaemon(
  stateDir: string,
  options: UpOptions,
): Promise<{ state: Omit<StackState, 'components'>; env: Record<string, string> }> {
  await mkdir(stateDir, { recursive: true });
  const files = stateFiles(stateDir);
  const log = await open(files.log, 'a');
  const args = [
    ...(options.s3Port === undefined ? [] : ['--s3-port', String(options.s3Port)]),
    ...(options.dynamodbPort === undefined ? [] : ['--dynamodb-port', String(options.dynamodbPort)]),
    ...(options.dataDir === undefined ? [] : ['--data-dir', options.dataDir]),
    '--state-dir',
    stateDir,
  ];
  // Detached: the daemon leads its own process group (the JVM included) and outlives this command.
  const daemon = spawn(process.execPath, [DAEMON, ...args], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd, 'ipc'],
  });
  await log.close();
  const message = await new Promise<
    DaemonMessage | { type: 'exited'; code: number | null } | { type: 'timeout' }
  >((resolve) => {
    const timer = setTimeout(() => resolve({ type: 'timeout' }), START_TIMEOUT_MS);
    daemon.once('message', (received: DaemonMessage) => {
      clearTimeout(timer);
      resolve(received);
    });
    daemon.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ type: 'exited', code });
    });
  });
  daemon.removeAllListeners();
  if (message.type !== 'ready') {
    if (daemon.pid !== undefined && isProcessAlive(daemon.pid)) await stopProcessGroup(daemon.pid);
    await removeStackState(stateDir).catch(() => undefined);
    if (message.type === 'failed') throw new Error(message.message);
    if (message.type === 'timeout') {
      throw new Error(`the stack did not become ready within ${START_TIMEOUT_MS / 1000} s; it was stopped`);
    }
    throw new Error(
      `the stack daemon exited with code ${message.code} before it was ready; see ${files.log}`,
    );
  }
  if (daemon.connected) daemon.disconnect();
  daemon.unref();
  const state: StackState = {
    pid: message.pid,
    endpoints: message.endpoints,
    region: message.region,
    startedAt: new Date().toISOString(),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  };
  if (!(await allHealthy(state.endpoints))) {
    await stopProcessGroup(message.pid);
    throw new Error('the stack started but its endpoints do not answer; it was stopped');
  }
  let env: Record<string, string> = message.env;
  if (options.names !== undefined) {
    try {
      env = { ...env, ...(await bootstrap(env, options.names)) };
    } catch (error) {
      await stopProcessGroup(message.pid);
      throw new Error(`bootstrap failed, the stack was stopped: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  await writeStackState(stateDir, state, env);
  return { state, env };
}

/** Creates the pipeline's resources and returns the variables that locate them. */
async function bootstrap(
  env: Readonly<Record<string, string>>,
  names: ResourceNames,
): Promise<Record<string, string>> {
  const clients = createAwsClients(resolveAwsConnection(env));
  try {
    const result = await bootstrapResources(clients, { names });
    return {
      STOREFLOW_BUCKET: result.bucket,
      STOREFLOW_INGEST_QUEUE_URL: result.ingestQueue.url,
      STOREFLOW_TRANSFORM_QUEUE_URL: result.transformQueue.url,
      STOREFLOW_ALERTS_TOPIC_ARN: result.alertsTopicArn,
    };
  } finally {
    clients.destroy();
  }
}

async function down(stateDir: string): Promise<number> {
  console.log((await stopStackDaemon(stateDir)) ? 'stack stopped' : 'stack is not running');
  return ExitCode.OK;
}

/**
 * Stops the daemon recorded in `stateDir` (JVM included), removes its state files and waits until
 * its ports are closed.
 *
 * @returns false when no stack was recorded there
 */
export async function stopStackDaemon(stateDir: string): Promise<boolean> {
  const state = await readStackState(stateDir);
  if (state === undefined) return false;
  if (isProcessAlive(state.pid)) await stopProcessGroup(state.pid);
  await removeStackState(stateDir);
  const ports = [...new Set(Object.values(state.endpoints).map(portOf))];
  for (const port of ports) {
    const closed = await waitFor(async () => !(await isPortOpen(port)), PORTS_CLOSE_TIMEOUT_MS);
    if (!closed)
      throw new Error(`port ${port} is still open after the stack stopped; find its owner with \`ss -ltnp\``);
  }
  return true;
}

async function status(stateDir: string): Promise<number> {
  const state = await liveState(stateDir);
  if (state === undefined) {
    console.log('stopped');
    return ExitCode.NOT_RUNNING;
  }
  const checks = await Promise.all(
    Object.entries(state.endpoints).map(async ([service, endpoint]) => ({
      service,
      endpoint,
      healthy: await httpAnswers(endpoint),
    })),
  );
  const healthy = checks.every((check) => check.healthy);
  console.log(`${healthy ? 'running' : 'unhealthy'} (pid ${state.pid})`);
  for (const check of checks) {
    console.log(`  ${check.service.padEnd(8)} ${check.endpoint} ${check.healthy ? 'ok' : 'not answering'}`);
  }
  const dynamodbAnswers = checks.find((check) => check.service === 'dynamodb')?.healthy ?? false;
  const stateDirOption = stateDir === path.resolve('.local-stack') ? '' : ` --state-dir ${stateDir}`;
  for (const line of componentLines(state, dynamodbAnswers, stateDirOption)) console.log(line);
  return healthy ? ExitCode.OK : ExitCode.ERROR;
}

/** The recorded state if its daemon still runs; a stale record is removed. */
export async function liveState(stateDir: string): Promise<StackState | undefined> {
  const state = await readStackState(stateDir);
  if (state === undefined) return undefined;
  if (isProcessAlive(state.pid)) return state;
  await removeStackState(stateDir);
  return undefined;
}

async function allHealthy(endpoints: StackEndpoints): Promise<boolean> {
  const answers = await Promise.all(Object.values(endpoints).map((endpoint) => httpAnswers(endpoint)));
  return answers.every(Boolean);
}

/** SIGTERM to the daemon (which stops the stack), then SIGKILL to its whole group, JVM included. */
async function stopProcessGroup(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  if (await waitFor(async () => !isProcessAlive(pid), STOP_GRACE_MS)) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
  await waitFor(async () => !isProcessAlive(pid), STOP_GRACE_MS);
}

function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}

function parsePort(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UsageError(`${option} must be a port number from 1 to 65535, got '${value}'`);
  }
  return port;
}
