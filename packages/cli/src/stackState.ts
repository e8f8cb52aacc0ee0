import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StackComponents, StackEndpoints } from '@storeflow/local-stack';

/**
 * What `stack up` records about the background stack in `<state-dir>/stack.json`, with the
 * daemon's live `components` from `<state-dir>/stack.components.json`.
 */
export interface StackState {
  /** Process id of the daemon, leader of the stack's process group. */
  pid: number;
  endpoints: StackEndpoints;
  region: string;
  startedAt: string;
  /** The directory that keeps the stack's data; absent for an in-memory stack. */
  dataDir?: string;
  /**
   * Each component's state and process id, rewritten by the daemon whenever one changes (a
   * DynamoDB Local restart changes its pid): `s3Sqs.pid` is the daemon's own process, which runs
   * the S3/SQS emulator; `dynamodb.pid` is the DynamoDB Local JVM, absent while it is restarting
   * or down. Absent when the daemon has not written it yet.
   */
  components?: StackComponents;
}

/** Paths of the files `stack up` and the daemon write into the state directory. */
export function stateFiles(stateDir: string): { json: string; env: string; log: string; components: string } {
  return {
    json: path.join(stateDir, 'stack.json'),
    env: path.join(stateDir, 'stack.env'),
    log: path.join(stateDir, 'stack.log'),
    // Written by the daemon alone, so its updates never race `stack up` writing stack.json.
    components: path.join(stateDir, 'stack.components.json'),
  };
}

/** The recorded state, or undefined when there is none. */
export async function readStackState(stateDir: string): Promise<StackState | undefined> {
  const files = stateFiles(stateDir);
  const state = await readJsonIfPresent<StackState>(files.json);
  if (state === undefined) return undefined;
  const components = await readJsonIfPresent<StackComponents>(files.components);
  return components === undefined ? state : { ...state, components };
}

/** Records the daemon's components in `stack.components.json`, replacing it whole. */
export async function writeStackComponents(stateDir: string, components: StackComponents): Promise<void> {
  const file = stateFiles(stateDir).components;
  await mkdir(stateDir, { recursive: true });
  // Written aside and renamed, so a reader never sees half a file.
  await writeFile(`${file}.tmp`, `${JSON.stringify(components, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

async function readJsonIfPresent<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes `stack.json` and the dotenv file `stack.env`. */
export async function writeStackState(
  stateDir: string,
  state: Omit<StackState, 'components'>,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  const files = stateFiles(stateDir);
  await mkdir(stateDir, { recursive: true });
  await writeFile(files.env, toDotenv(env));
  await writeFile(files.json, `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the state files, and the directory when nothing else is left in it. */
export async function removeStackState(stateDir: string): Promise<void> {
  const files = stateFiles(stateDir);
  await Promise.all(
    [files.json, files.env, files.log, files.components].map((file) => rm(file, { force: true })),
  );
  await rmdir(stateDir).catch(() => undefined);
}

/** `NAME=value` lines; the values are URLs, a region and fixed credentials, so need no quoting. */
export function toDotenv(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}
