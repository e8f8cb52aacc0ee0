import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from '@storeflow/local-stack/ports';
import type { RunningService } from './serviceProcesses.js';

/** What a `--keep` run leaves running, recorded so `demo --stop` can end it. */
export interface DemoRun {
  readonly prefix: string;
  readonly stackStateDir: string;
  readonly services: readonly RunningService[];
  readonly startedAt: string;
}

export function runFile(demoDir: string): string {
  return path.join(demoDir, 'run.json');
}

export async function writeDemoRun(demoDir: string, run: DemoRun): Promise<void> {
  await writeFile(runFile(demoDir), `${JSON.stringify(run, null, 2)}\n`);
}

/** The recorded run, or undefined when there is none. */
export async function readDemoRun(demoDir: string): Promise<DemoRun | undefined> {
  let text: string;
  try {
    text = await readFile(runFile(demoDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as DemoRun;
}

export async function removeDemoRun(demoDir: string): Promise<void> {
  await rm(runFile(demoDir), { force: true });
}

/** Whether any service of the run is still alive (the stack is checked by its own state). */
export function anyServiceAlive(run: DemoRun): boolean {
  return run.services.some((service) => isProcessAlive(service.pid));
}
