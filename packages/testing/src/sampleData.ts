import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CsvFile } from './expectedKpis.js';

const REPOSITORY = path.resolve(import.meta.dirname, '../../..');

/**
 * The public thelook-shaped sample (10,000 products, 9,000 orders, 27,007 items), which lives
 * beside the repository and is not copied into it; STOREFLOW_SAMPLE_DATA points elsewhere.
 */
export const SAMPLE_DATA_DIR =
  process.env.STOREFLOW_SAMPLE_DATA ?? path.resolve(REPOSITORY, '../shared/data/thelook');

/** One sample file with the raw key it is uploaded under. */
export interface SampleFile extends CsvFile {
  key: string;
}

/** The 26 sample files: products, then orders, then items, each in file-name order. */
export async function sampleFiles(): Promise<SampleFile[]> {
  const files: SampleFile[] = [
    {
      dataset: 'products',
      key: 'raw/products/products.csv',
      text: await readFile(path.join(SAMPLE_DATA_DIR, 'products.csv'), 'utf8'),
    },
  ];
  for (const dataset of ['orders', 'order_items'] as const) {
    const names = (await readdir(path.join(SAMPLE_DATA_DIR, dataset))).filter((name) =>
      name.endsWith('.csv'),
    );
    names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of names) {
      files.push({
        dataset,
        key: `raw/${dataset}/${name}`,
        text: await readFile(path.join(SAMPLE_DATA_DIR, dataset, name), 'utf8'),
      });
    }
  }
  return files;
}
