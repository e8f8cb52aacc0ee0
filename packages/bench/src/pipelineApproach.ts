import type { AwsRequestTally } from '@storeflow/aws';
import type { Dataset } from '@storeflow/core';
import { mergeTallies } from './awsCosts.js';
import { PipelineSession } from './PipelineSession.js';
import type { DataSet } from './types.js';

/** A million items take tens of minutes on two loaded cores; beyond this something is stuck. */
const TIMEOUT_MS = 3 * 3_600_000;

/** What one pipeline run measured. */
export interface PipelineReport {
  /** From the first upload until every file was SUCCESS or FAILED. */
  readonly wallMs: number;
  /** From the first upload until the dataset's last file was final. */
  readonly datasetWallMs: Readonly<Record<Dataset, number>>;
  readonly failedFiles: number;
  /** Peak RSS per process, bytes, read just before they were stopped. */
  readonly peakRssBytes: Readonly<Record<string, number>>;
  /** The AWS requests both services sent, read from their `/metrics` once every file was final. */
  readonly awsRequests: readonly AwsRequestTally[];
}

/**
 * The whole pipeline on the embedded stack, as the demo runs it: products, orders and items
 * uploaded in that order, then lineage polled until every file is final.
 */
export async function runPipeline(dataSet: DataSet, log: (line: string) => void): Promise<PipelineReport> {
  const session = await PipelineSession.start();
  try {
    const planned = await session.plan(dataSet.dir);
    const startedMs = performance.now();
    const uploaded = await session.upload(planned);
    log(`pipeline: ${uploaded.length} files uploaded, waiting until all are final`);
    const finalAt = await session.waitUntilFinal(uploaded, TIMEOUT_MS);
    const wallMs = performance.now() - startedMs;
    const datasetWallMs = { products: 0, orders: 0, order_items: 0 } as Record<Dataset, number>;
    for (const file of uploaded) {
      const done = (finalAt.get(file.key)?.atMs ?? startedMs) - startedMs;
      datasetWallMs[file.dataset] = Math.max(datasetWallMs[file.dataset], done);
    }
    const awsRequests = mergeTallies([...(await session.awsRequests()).values()]);
    const failedFiles = [...finalAt.values()].filter((entry) => entry.failed).length;
    return { wallMs, datasetWallMs, failedFiles, peakRssBytes: await session.peakRssBytes(), awsRequests };
  } finally {
    await session.stop();
  }
}
