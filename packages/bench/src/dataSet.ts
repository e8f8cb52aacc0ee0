import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dataset } from '@storeflow/core';
import { DataGenerator } from './generatorSource.js';
import type { DataFile, DataSet } from './types.js';

/** thelook's catalogue is about this size; it does not grow with the orders. */
export const CATALOGUE_PRODUCTS = 30_000;
/** Orders per requested item: 400k orders for the default 1M items. */
export const ORDERS_PER_ITEM = 0.4;
/** A quarter's backfill. */
export const BACKFILL_DAYS = 90;
/** Fixed, so a cached data set stays valid; long past, so no order is in the validator's future. */
export const BACKFILL_START = '2025-10-01';
/** Orders per file: a million items arrive as four files of each dataset, like a daily extract split. */
const ORDERS_PER_FILE = 100_000;
const MANIFEST = 'dataset.json';

/** The generator's options for a bench of `items` order_items. */
export function generatorOptionsFor(items: number, seed: string) {
  const orders = Math.max(1, Math.round(items * ORDERS_PER_ITEM));
  const products = Math.min(CATALOGUE_PRODUCTS, Math.max(1, items));
  return {
    seed,
    orders,
    products,
    days: BACKFILL_DAYS,
    startDate: BACKFILL_START,
    files: Math.min(products, Math.max(1, Math.ceil(orders / ORDERS_PER_FILE))),
    format: 'csv' as const,
    gzip: false,
    timestamps: 'iso' as const,
    // The bench measures clean throughput; error handling is the tests' business.
    errorRate: 0,
    errorKinds: [],
    lateItems: false,
  };
}

/** The generator's options, as {@link generatorOptionsFor} and the scenarios fill them in. */
export type GeneratorOptions = ReturnType<typeof generatorOptionsFor> & { readonly dailyFiles?: boolean };

/**
 * The backfill scenario's data: a catalogue, a few thousand orders and their items spread over
 * seven years, so nearly every order lands on a date of its own and the transformer recomputes
 * thousands of dates for few rows.
 */
export function backfillGeneratorOptions(seed: string): GeneratorOptions {
  return {
    ...generatorOptionsFor(1, seed),
    orders: 4_000,
    products: CATALOGUE_PRODUCTS,
    days: 7 * 365 + 2,
    startDate: '2018-10-01',
    files: 1,
  };
}

/** Days of the latency scenario: one items file each, uploaded one at a time. */
export const LATENCY_DAYS = 5;

/**
 * The latency scenario's data: the catalogue and five days of orders, one orders file and one
 * items file per day, about 5,000 items a day (2,500 orders of two items on average).
 */
export function latencyGeneratorOptions(seed: string): GeneratorOptions {
  return {
    ...generatorOptionsFor(1, seed),
    orders: 2_500 * LATENCY_DAYS,
    products: CATALOGUE_PRODUCTS,
    days: LATENCY_DAYS,
    startDate: '2025-09-01',
    files: LATENCY_DAYS,
    dailyFiles: true,
  };
}

/**
 * The data set for `items` and `seed` under `workDir`, generated on first use and reused after:
 * it is complete once its `dataset.json` exists, which is written last. With `oneFile`, each
 * dataset is one file however large (the validator's memory at any file size), in a directory of
 * its own.
 */
export async function ensureDataSet(
  workDir: string,
  items: number,
  seed: string,
  oneFile = false,
): Promise<{ dataSet: DataSet; generatedMs: number | undefined }> {
  const dir = path.join(
    workDir,
    `items-${items}-seed-${encodeURIComponent(seed)}${oneFile ? '-one-file' : ''}`,
  );
  const options = generatorOptionsFor(items, seed);
  return ensureGenerated(dir, oneFile ? { ...options, files: 1 } : options, items);
}

/** A scenario's data set (`backfill`, `latency`) under `workDir`, generated on first use. */
export async function ensureScenarioDataSet(
  workDir: string,
  scenario: string,
  options: GeneratorOptions,
): Promise<{ dataSet: DataSet; generatedMs: number | undefined }> {
  const dir = path.join(workDir, `${scenario}-seed-${encodeURIComponent(options.seed)}`);
  return ensureGenerated(dir, options, undefined);
}

async function ensureGenerated(
  dir: string,
  options: GeneratorOptions,
  itemsRequested: number | undefined,
): Promise<{ dataSet: DataSet; generatedMs: number | undefined }> {
  const cached = await readDataSet(dir);
  if (cached !== undefined) return { dataSet: cached, generatedMs: undefined };
  const startedMs = performance.now();
  await rm(dir, { recursive: true, force: true });
  const generator = new DataGenerator(options);
  const files: DataFile[] = [];
  let bytes = 0;
  for (const file of generator.files) {
    const target = path.join(dir, ...file.key.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    // Pulled chunk by chunk at disk speed, so memory stays flat whatever the size.
    await pipeline(Readable.from(generator.chunks(file), { objectMode: false }), createWriteStream(target));
    bytes += (await stat(target)).size;
    files.push({ dataset: file.dataset, path: target, key: file.key, rows: 0 });
  }
  const expectations = generator.manifest().files;
  const counted = files.map((file, index) => ({ ...file, rows: expectations[index]?.rows.total ?? 0 }));
  const rows = { products: 0, orders: 0, order_items: 0 } as Record<Dataset, number>;
  for (const file of counted) rows[file.dataset] += file.rows;
  const dataSet: DataSet = {
    dir,
    seed: options.seed,
    // A scenario asks for orders, not items: its size is the items it got.
    itemsRequested: itemsRequested ?? rows.order_items,
    orders: options.orders,
    products: options.products,
    days: options.days,
    startDate: options.startDate,
    files: counted,
    rows,
    bytes,
  };
  const partial = path.join(dir, `${MANIFEST}.partial`);
  await writeFile(partial, `${JSON.stringify(dataSet, null, 2)}\n`);
  await rename(partial, path.join(dir, MANIFEST));
  return { dataSet, generatedMs: performance.now() - startedMs };
}

/** The data set described by `<dir>/dataset.json`, or undefined when it is not (completely) there. */
export async function readDataSet(dir: string): Promise<DataSet | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as DataSet;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Path of the description a child process reads the data set from. */
export function dataSetManifestPath(dataSet: DataSet): string {
  return path.join(dataSet.dir, MANIFEST);
}
