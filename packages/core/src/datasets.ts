/** The three extracts the pipeline accepts. `as const` so the union type below is derived from the data. */
export const DATASETS = ['products', 'orders', 'order_items'] as const;

/** One of the datasets of SPEC §2: the ones the pipeline itself reads for references and KPIs. */
export type Dataset = (typeof DATASETS)[number];

/**
 * The name of any dataset a contract defines (`schema[].name`): the three of SPEC §2, or one added
 * by a contract alone, which is validated, reported, kept in silver and archived like them.
 */
export type DatasetName = string;

/** What a dataset name looks like; the ODCS subset schema holds contracts to it. */
export const DATASET_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * Whether a dataset's silver is partitioned by order date: orders and items, whose dates the
 * KPIs are recomputed for. Every other dataset has one partition, `''`.
 */
export function isPartitionedByDate(dataset: DatasetName): boolean {
  return dataset === 'orders' || dataset === 'order_items';
}

/** Whether a dataset is one the pipeline reads itself (references, KPIs). */
export function isPipelineDataset(dataset: DatasetName): dataset is Dataset {
  return (DATASETS as readonly string[]).includes(dataset);
}

/** Why a key cannot be routed; the caller logs it and counts a metric, it never retries. */
export type UnroutableReason = 'NOT_UNDER_RAW' | 'UNKNOWN_DATASET';

/** Outcome of {@link routeObjectKey}: data, not an exception, so an unroutable key can never loop. */
export type RouteResult =
  | { readonly routable: true; readonly dataset: DatasetName }
  | { readonly routable: false; readonly reason: UnroutableReason };

/** Folder under `raw/` → dataset, lower case: what the shipped contracts declare (name and folderAliases). */
export const DEFAULT_DATASET_FOLDERS: ReadonlyMap<string, DatasetName> = new Map([
  ['products', 'products'],
  ['orders', 'orders'],
  ['order_items', 'order_items'],
  ['order-items', 'order_items'],
]);

/**
 * Finds the dataset of an S3 object key (SPEC §2).
 *
 * `raw/<folder>/<anything>` routes by folder: `folders` maps each folder name (lower case) to its
 * dataset, by default the shipped contracts' (`order-items` is an alias of `order_items`); a
 * contract set gives its own with `datasetFolders`. A key
 * directly under `raw/` routes by file name: `order_item` is tested before `order`, because every
 * items file name also contains "order", then `product`. Both matches ignore case, since
 * extract tools disagree on it.
 *
 * @example
 * routeObjectKey('raw/order-items/2025/04/part1.csv'); // { routable: true, dataset: 'order_items' }
 * routeObjectKey('raw/Orders_part1.csv'); // { routable: true, dataset: 'orders' }
 * routeObjectKey('processed/orders/x.csv'); // { routable: false, reason: 'NOT_UNDER_RAW' }
 */
export function routeObjectKey(
  key: string,
  folders: ReadonlyMap<string, DatasetName> = DEFAULT_DATASET_FOLDERS,
): RouteResult {
  if (!key.startsWith('raw/')) return { routable: false, reason: 'NOT_UNDER_RAW' };
  const slash = key.indexOf('/', 4);
  if (slash === -1) return routeByFileName(key.slice(4).toLowerCase());
  const dataset = folders.get(key.slice(4, slash).toLowerCase());
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
