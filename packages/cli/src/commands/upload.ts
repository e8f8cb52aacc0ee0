import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Upload } from '@aws-sdk/lib-storage';
import { type AwsClients, callAws } from '@storeflow/aws';
import { type DatasetName, datasetFolders, detectFormat } from '@storeflow/core';
import { compileContractsOrThrow } from '@storeflow/runtime';
import { withAwsTarget } from '../awsTarget.js';
import { ExitCode, UsageError } from '../cliErrors.js';
import { parseCommandLine, printJson } from '../commandLine.js';
import { contractPaths, readContractSources } from '../contractSources.js';
import {
  type DatasetFolders,
  datasetNamed,
  datasetsInUploadOrder,
  type LocalFile,
  type PlannedUpload,
  planUploads,
} from '../uploadPlan.js';

export const UPLOAD_USAGE = `Usage: storeflow upload <path>... [options]

Uploads extracts to raw/<dataset>/<path> in the pipeline's bucket, where their S3 events start
the validation. A directory is walked for every .csv, .jsonl and .ndjson file (each optionally
.gz). The dataset is --dataset, else the first folder named products, orders, order_items (or
order-items), else the file name (order_item, then order, then product), as the pipeline routes
keys. A file that routes nowhere stops the command before anything is uploaded.

Files go up one at a time, products first, then orders, then order_items, so that items find
their products and orders; large files in 8 MiB multipart parts. Progress goes to stderr, the
uploaded keys to stdout.

Options:
  --dataset <name>    put every file under raw/<name>/ (products, orders, order_items)
  --prefix <prefix>   resource name prefix (default: $STOREFLOW_PREFIX, else storeflow)
  --bucket <name>     the bucket, when it is not <prefix>-data
  --json              print the uploads as JSON
  -h, --help          show this help`;

/**
 * Multipart part size: the embedded stack's S3 refuses request bodies over 11 MiB, and S3 needs
 * at least 5 MiB per part; 8 MiB × 10,000 parts allows files up to 78 GiB.
 */
const PART_SIZE_BYTES = 8 * 1024 * 1024;
/** Parts in flight at once; memory use is about this times the part size. */
const PARTS_IN_FLIGHT = 4;

/** `storeflow upload`: returns the exit code; throws a one-line error on failure. */
export async function uploadCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    dataset: { type: 'string' },
    prefix: { type: 'string' },
    bucket: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(UPLOAD_USAGE);
    return ExitCode.OK;
  }
  if (positionals.length === 0)
    throw new UsageError('name at least one file or directory to upload; see --help');
  // The contracts in use say which folders name a dataset, those a contract alone adds included.
  const folders = datasetFolders(compileContractsOrThrow(readContractSources(contractPaths([], env))));
  const dataset = values.dataset === undefined ? undefined : parseDataset(values.dataset, folders);
  const files = (await Promise.all(positionals.map((argument) => findDataFiles(argument)))).flat();
  const uploads = planUploads(files, dataset, folders);
  const done = await withAwsTarget(env, values, async ({ clients, names }) => {
    const results: UploadResult[] = [];
    for (const upload of uploads) {
      const progress = progressReporter(upload.key, upload.sizeBytes);
      const eTag = await uploadFile(clients, names.bucket, upload, (loaded) => progress.update(loaded));
      progress.finish();
      results.push({
        file: upload.path,
        key: upload.key,
        dataset: upload.dataset,
        bytes: upload.sizeBytes,
        eTag,
      });
      if (!values.json) console.log(upload.key);
    }
    return results;
  });
  if (values.json) printJson(done);
  return ExitCode.OK;
}

interface UploadResult {
  file: string;
  key: string;
  dataset: DatasetName;
  bytes: number;
  eTag: string;
}

function parseDataset(value: string, folders: DatasetFolders): DatasetName {
  const dataset = datasetNamed(value, folders);
  if (dataset === undefined) {
    throw new UsageError(
      `--dataset must name a dataset of the contracts in use (${datasetsInUploadOrder(folders).join(', ')}), got '${value}'`,
    );
  }
  return dataset;
}

/**
 * The argument itself when it is a file; every .csv, .jsonl and .ndjson file (optionally .gz)
 * below it when it is a directory, with the paths {@link planUploads} routes by.
 *
 * @throws UsageError when the path does not exist, or a directory holds no data file
 */
export async function findDataFiles(argument: string): Promise<LocalFile[]> {
  const stats = await stat(argument).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`no such file or directory: ${argument}`);
    throw error;
  });
  if (!stats.isDirectory()) {
    // The folder a named file sits in routes it as the first folder of a walked file does.
    const folder = path.basename(path.dirname(path.resolve(argument)));
    return [
      { path: argument, relative: path.basename(argument), directoryName: folder, sizeBytes: stats.size },
    ];
  }
  const files: LocalFile[] = [];
  const directoryName = path.basename(path.resolve(argument));
  const walk = async (directory: string): Promise<void> => {
    const entries = await readdir(directory, { withFileTypes: true });
    for (const entry of entries) {
      const entryPath = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        await walk(entryPath);
      } else if (detectFormat(entry.name).supported) {
        // stat follows a symbolic link to a file; a link to anything else is left alone.
        const entryStats = await stat(entryPath);
        if (!entryStats.isFile()) continue;
        const relative = path.relative(argument, entryPath).split(path.sep).join('/');
        files.push({ path: entryPath, relative, directoryName, sizeBytes: entryStats.size });
      }
    }
  };
  await walk(argument);
  if (files.length === 0) {
    throw new UsageError(
      `no .csv, .jsonl or .ndjson file (optionally .gz) under ${argument}; nothing was uploaded`,
    );
  }
  return files;
}

/**
 * Streams one file from disk to its key (multipart in 8 MiB parts above one part).
 *
 * @param onProgress called with the bytes sent so far, after each part
 * @returns the new object's ETag, without quotes: the version the pipeline's lineage records
 */
export async function uploadFile(
  clients: AwsClients,
  bucket: string,
  upload: PlannedUpload,
  onProgress?: (loadedBytes: number) => void,
): Promise<string> {
  const transfer = new Upload({
    client: clients.s3,
    params: {
      Bucket: bucket,
      Key: upload.key,
      Body: createReadStream(upload.path),
      ContentType: contentTypeOf(upload.key),
    },
    partSize: PART_SIZE_BYTES,
    queueSize: PARTS_IN_FLIGHT,
  });
  if (onProgress !== undefined) transfer.on('httpUploadProgress', (event) => onProgress(event.loaded ?? 0));
  const result = await callAws(clients, 'S3', 'Upload', () => transfer.done());
  return (result.ETag ?? '').replace(/"/g, '');
}

/** No Content-Encoding for .gz: the pipeline reads the compressed bytes and decompresses them itself. */
function contentTypeOf(key: string): string {
  const format = detectFormat(key);
  if (!format.supported) return 'application/octet-stream';
  if (format.gzip) return 'application/gzip';
  return format.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
}

/** A line per progress event, or one line rewritten in place on a terminal. */
function progressReporter(key: string, totalBytes: number) {
  const stderr = process.stderr;
  const text = (loaded: number) => `${key}: ${loaded}/${totalBytes} bytes (${percent(loaded, totalBytes)})`;
  let last = -1;
  return {
    update(loaded: number) {
      if (loaded === last) return;
      last = loaded;
      stderr.write(stderr.isTTY ? `\r${text(loaded)}` : `${text(loaded)}\n`);
    },
    finish() {
      if (last !== totalBytes) this.update(totalBytes);
      if (stderr.isTTY) stderr.write('\n');
    },
  };
}

function percent(loaded: number, total: number): string {
  return total === 0 ? '100%' : `${Math.floor((100 * loaded) / total)}%`;
}
