import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { BenchChildFailedError } from './errors.js';
import type { ValidationOutcome } from './types.js';

const run = promisify(execFile);
const CHILD_SCRIPT = path.join(import.meta.dirname, 'child.js');

/** What a child process reports about one run of the core or DuckDB. */
export interface ChildReport {
  readonly outcome: ValidationOutcome;
  readonly wallMs: number;
  readonly peakRssBytes: number;
}

/**
 * Runs the core or DuckDB over the data set in a fresh Node process and returns its report.
 *
 * @throws BenchChildFailedError with the child's stderr when it exits non-zero or prints no report
 */
export async function runInChild(approach: 'core' | 'duckdb', manifestPath: string): Promise<ChildReport> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [CHILD_SCRIPT, approach, manifestPath], {
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new BenchChildFailedError(approach, stderr.trim() || (error as Error).message, { cause: error });
  }
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as ChildReport;
  } catch (error) {
    throw new BenchChildFailedError(approach, `unreadable report: ${last.slice(0, 200)}`, { cause: error });
  }
}
