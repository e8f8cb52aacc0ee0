import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AwsClients, ResourceNames } from '@storeflow/aws';
import { gatherQualityReport, renderQualityReport } from '@storeflow/quality-report';

/**
 * Gathers the quality report of the pipeline `names` points at and writes it as `dir/index.html`
 * (creating `dir`); returns the file's path.
 */
export async function writeQualityReportPage(
  target: { readonly clients: AwsClients; readonly names: ResourceNames },
  dir: string,
  now: () => number = Date.now,
): Promise<string> {
  const data = await gatherQualityReport({ clients: target.clients, names: target.names }, { now });
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'index.html');
  await writeFile(file, renderQualityReport(data));
  return file;
}
