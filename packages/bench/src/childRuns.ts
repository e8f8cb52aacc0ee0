import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AwsRequestTally } from '@storeflow/aws';
import type { Dataset } from '@storeflow/core';
import { SERVICE_MALLOC_ENV, SERVICE_NODE_FLAGS } from '@storeflow/runtime';
import { BenchChildFailedError } from './errors.js';
import type { BackfillMeasures, LatencyMeasures } from './scenarios.js';
import type { Approach, ValidationOutcome } from './types.js';

const run = promisify(execFile);
const CHILD_SCRIPT = path.join(import.meta.dirname, 'child.js');

/** What a child process reports about one run. */
export interface ChildReport {
  readonly wallMs: number;
  /** Peak RSS per measured process, bytes. */
  readonly peakRssBytes: Readonly<Record<string, number>>;
  /** The core and DuckDB: what they computed. */
  readonly outcome?: ValidationOutcome;
  /** The pipeline: from the first upload until each dataset's last file was final. */
  readonly datasetWallMs?: Readonly<Record<Dataset, number>>;
  /** The pipeline: files that ended FAILED. */
  readonly failedFiles?: number;
  /** The pipeline and its scenarios: the AWS requests both services sent. */
  readonly awsRequests?: readonly AwsRequestTally[];
  readonly backfill?: BackfillMeasures;
  readonly latency?: LatencyMeasures;
}

/**
 * Runs one approach over the data set in a fresh Node process and returns its report.
 *
 * @throws BenchChildFailedError with the child's stderr when it exits non-zero or prints no report
 */
export async function runInChild(approach: Approach, manifestPath: string): Promise<ChildReport> {
  let stdout: string;
  try {
    // The core is the services' code: it runs with their Node flags and allocator settings, as
    // they are deployed.
    const core = approach === 'core';
    ({ stdout } = await run(
      process.execPath,
      [...(core ? SERVICE_NODE_FLAGS : []), CHILD_SCRIPT, approach, manifestPath],
      { maxBuffer: 16 * 1024 * 1024, env: core ? { ...process.env, ...SERVICE_MALLOC_ENV } : process.env },
    ));
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
