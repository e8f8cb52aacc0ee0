import {
  DATASETS,
  type DatasetName,
  DEFAULT_DATASET_FOLDERS,
  detectFormat,
  routeObjectKey,
} from '@storeflow/core';
import { UsageError } from './cliErrors.js';

/** A data file found under an `upload` argument. */
export interface LocalFile {
  /** Path as found on disk (what the messages show). */
  readonly path: string;
  /** Path below the argument, `/`-separated; for a file argument, its name. */
  readonly relative: string;
  /** The argument directory's own name for a walked file; for a named file, the folder it is in. */
  readonly directoryName?: string;
  readonly sizeBytes: number;
}

/** One object `upload` will write. */
export interface PlannedUpload {
  readonly path: string;
  readonly key: string;
  readonly dataset: DatasetName;
  readonly sizeBytes: number;
}

/** Folder name (lower case) → dataset: the contracts' names and folder aliases. */
export type DatasetFolders = ReadonlyMap<string, DatasetName>;

/**
 * The dataset a `--dataset` value names, accepting the same folder names as the pipeline
 * (`order-items` for `order_items`, and any dataset the contracts define), or undefined when it
 * names none.
 */
export function datasetNamed(
  name: string,
  folders: DatasetFolders = DEFAULT_DATASET_FOLDERS,
): DatasetName | undefined {
  const route = routeObjectKey(`raw/${name}/file`, folders);
  return route.routable ? route.dataset : undefined;
}

/** Upload order: products, then orders, then order_items, then any other dataset. */
function uploadRank(dataset: DatasetName): number {
  const rank = (DATASETS as readonly string[]).indexOf(dataset);
  return rank === -1 ? DATASETS.length : rank;
}

/** The datasets the folders route to, in upload order (others by name). */
export function datasetsInUploadOrder(folders: DatasetFolders): DatasetName[] {
  return [...new Set(folders.values())].sort((a, b) => uploadRank(a) - uploadRank(b) || a.localeCompare(b));
}

/**
 * Where each file goes in the bucket, in upload order: products, then orders, then order_items
 * (so the referential checks of later files find what they need), then the datasets only a
 * contract defines, each in natural key order.
 *
 * The key is `raw/<dataset>/<path>`. With `dataset` given, `<path>` is the file's path below its
 * argument. Otherwise the first folder that names a dataset decides (counting the argument
 * directory's own name, or for a named file the folder it is in), and `<path>` is what follows
 * that folder; failing that, the file name decides
 * as the pipeline routes keys directly under `raw/` (`order_item`, then `order`, then `product`),
 * and `<path>` is the path below the argument.
 *
 * @throws UsageError naming every file that routes nowhere, has an unsupported format, or would
 *   land on the same key as another, so nothing is uploaded until the whole set is right
 *
 * @example
 * planUploads([{ path: 'data/orders/2025/a.csv', relative: 'orders/2025/a.csv', directoryName: 'data', sizeBytes: 9 }]);
 * // [{ path: 'data/orders/2025/a.csv', key: 'raw/orders/2025/a.csv', dataset: 'orders', sizeBytes: 9 }]
 */
export function planUploads(
  files: readonly LocalFile[],
  dataset?: DatasetName,
  folders: DatasetFolders = DEFAULT_DATASET_FOLDERS,
): PlannedUpload[] {
  const unsupported = files.filter((file) => !detectFormat(file.relative).supported);
  if (unsupported.length > 0) {
    throw new UsageError(
      `${listPaths(unsupported)} ${unsupported.length === 1 ? 'is' : 'are'} not .csv, .jsonl or .ndjson (optionally .gz); nothing was uploaded`,
    );
  }
  const routed = files.map((file) => ({ file, target: routeFile(file, dataset, folders) }));
  const unroutable = routed.filter(({ target }) => target === undefined).map(({ file }) => file);
  if (unroutable.length > 0) {
    throw new UsageError(
      `cannot tell the dataset of ${listPaths(unroutable)}: put files under a products/, orders/ or order_items/ folder, name them after their dataset, or pass --dataset; nothing was uploaded`,
    );
  }
  const uploads = routed.map(({ file, target }) => ({
    path: file.path,
    sizeBytes: file.sizeBytes,
    ...(target as { key: string; dataset: DatasetName }),
  }));
  const byKey = new Map<string, PlannedUpload[]>();
  for (const upload of uploads) byKey.set(upload.key, [...(byKey.get(upload.key) ?? []), upload]);
  const clash = [...byKey.values()].find((group) => group.length > 1);
  if (clash !== undefined) {
    throw new UsageError(
      `${clash.map((upload) => upload.path).join(' and ')} would both be uploaded as ${clash[0]?.key}; upload them separately or rename one; nothing was uploaded`,
    );
  }
  return uploads.sort(
    (a, b) =>
      uploadRank(a.dataset) - uploadRank(b.dataset) ||
      a.dataset.localeCompare(b.dataset) ||
      a.key.localeCompare(b.key, 'en', { numeric: true }),
  );
}

function routeFile(
  file: LocalFile,
  dataset: DatasetName | undefined,
  folders: DatasetFolders,
): { key: string; dataset: DatasetName } | undefined {
  if (dataset !== undefined) return { key: `raw/${dataset}/${file.relative}`, dataset };
  const segments = [
    ...(file.directoryName === undefined ? [] : [file.directoryName]),
    ...file.relative.split('/'),
  ];
  for (let index = 0; index < segments.length - 1; index++) {
    const folderDataset = datasetNamed(segments[index] as string, folders);
    if (folderDataset !== undefined) {
      return { key: `raw/${folderDataset}/${segments.slice(index + 1).join('/')}`, dataset: folderDataset };
    }
  }
  const byName = routeObjectKey(`raw/${segments[segments.length - 1]}`);
  if (!byName.routable) return undefined;
  return { key: `raw/${byName.dataset}/${file.relative}`, dataset: byName.dataset };
}

/** `a.csv` / `a.csv, b.csv` / `a.csv, b.csv, c.csv and 4 more`: one line, however many files. */
function listPaths(files: readonly LocalFile[]): string {
  const shown = files.slice(0, 3).map((file) => file.path);
  const more = files.length > shown.length ? ` and ${files.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}
