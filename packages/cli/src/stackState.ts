import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { StackEndpoints } from '@storeflow/local-stack';

/** What `stack up` records about the background stack in `<state-dir>/stack.json`. */
export interface StackState {
  /** Process id of the daemon, leader of the stack's process group. */
  pid: number;
  endpoints: StackEndpoints;
  region: string;
  startedAt: string;
}

/** Paths of the files `stack up` writes into the state directory. */
export function stateFiles(stateDir: string): { json: string; env: string; log: string } {
  return {
    json: path.join(stateDir, 'stack.json'),
    env: path.join(stateDir, 'stack.env'),
    log: path.join(stateDir, 'stack.log'),
  };
}

/** The recorded state, or undefined when there is none. */
export async function readStackState(stateDir: string): Promise<StackState | undefined> {
  try {
    return JSON.parse(await readFile(stateFiles(stateDir).json, 'utf8')) as StackState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes `stack.json` and the dotenv file `stack.env`. */
export async function writeStackState(
  stateDir: string,
  state: StackState,
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
  await Promise.all([files.json, files.env, files.log].map((file) => rm(file, { force: true })));
  await rmdir(stateDir).catch(() => undefined);
}

/** `NAME=value` lines; the values are URLs, a region and fixed credentials, so need no quoting. */
export function toDotenv(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}
