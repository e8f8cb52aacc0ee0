import path from 'node:path';

/**
 * The public thelook-shaped sample (10,000 products, 9,000 orders, 27,007 items), which lives
 * beside the repository and is not copied into it; STOREFLOW_SAMPLE_DATA points elsewhere.
 */
export const SAMPLE_DATA_DIR =
  process.env.STOREFLOW_SAMPLE_DATA ??
  path.resolve(import.meta.dirname, '../../../../../shared/data/thelook');
