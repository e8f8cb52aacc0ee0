/** The three extracts the pipeline accepts. `as const` so the union type below is derived from the data. */
export const DATASETS = ['products', 'orders', 'order_items'] as const;

/** One of the datasets of SPEC §2. */
export type Dataset = (typeof DATASETS)[number];

/** Why a key cannot be routed; the caller logs it and counts a metric, it never retries. */
export type UnroutableReason = 'NOT_UNDER_RAW' | 'UNKNOWN_DATASET';

/** Outcome of {@link routeObjectKey}: data, not an exception, so an unroutable key can never loop. */
export type RouteResult =
  | { readonly routable: true; readonly dataset: Dataset }
  | { readonly routable: false; readonly reason: UnroutableReason };

const FOLDER_DATASETS: Readonly<Record<string, Dataset>> = {
  products: 'products',
  orders: 'orders',
  order_items: 'order_items',
  'order-items': 'order_items',
};

/**
 * Finds the dataset of an S3 object key (SPEC §2).
 *
 * `raw/<dataset>/<anything>` routes by folder (`order-items` is an alias of `order_items`). A key
 * directly under `raw/` routes by file name: `order_item` is tested before `order`, because every
 * items file name also contains "order", then `product`. Both matches ignore case, since
 * extract tools disagree on it.
 *
 * @example
 * routeObjectKey('raw/order-items/2025/04/part1.csv'); // { routable: true, dataset: 'order_items' }
 * routeObjectKey('raw/Orders_part1.csv'); // { routable: true, dataset: 'orders' }
 * routeObjectKey('processed/orders/x.csv'); // { routable: false, reason: 'NOT_UNDER_RAW' }
 */
export function routeObjectKey(key: string): RouteResult {
  if (!key.startsWith('raw/')) return { routable: false, reason: 'NOT_UNDER_RAW' };
  const slash = key.indexOf('/', 4);
  if (slash === -1) return routeByFileName(key.slice(4).toLowerCase());
  const dataset = FOLDER_DATASETS[key.slice(4, slash).toLowerCase()];
  // `raw/orders/` alone is a folder marker, not a file.
  if (dataset === undefined || slash === key.length - 1)
    return { routable: false, reason: 'UNKNOWN_DATASET' };
  return { routable: true, dataset };
}

function routeByFileName(name: string): RouteResult {
  if (name.includes('order_item')) return { routable: true, dataset: 'order_items' };
  if (name.includes('order')) return { routable: true, dataset: 'orders' };
  if (name.includes('product')) return { routable: true, dataset: 'products' };
  return { routable: false, reason: 'UNKNOWN_DATASET' };
}

/** Record encodings the pipeline reads. */
export type FileFormat = 'csv' | 'jsonl';

/** Outcome of {@link detectFormat}. */
export type FormatResult =
  | { readonly supported: true; readonly format: FileFormat; readonly gzip: boolean }
  | { readonly supported: false };

/**
 * Detects the encoding of an object from its key: `.csv`, `.jsonl` or `.ndjson`, each optionally
 * followed by `.gz`, in any case.
 *
 * @example
 * detectFormat('raw/orders/a.NDJSON.gz'); // { supported: true, format: 'jsonl', gzip: true }
 * detectFormat('raw/orders/a.xlsx'); // { supported: false }
 */
export function detectFormat(key: string): FormatResult {
  let name = key.toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -3);
  if (name.endsWith('.csv')) return { supported: true, format: 'csv', gzip };
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return { supported: true, format: 'jsonl', gzip };
  return { supported: false };
}
