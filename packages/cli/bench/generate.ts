/**
 * Throughput and memory of `storeflow generate` at several sizes, to show that memory stays flat
 * as the data grows. Each size runs the command's writer (`writeGeneratedData`, which the demo
 * uses too) from the built `dist/` in a process of its own, so its peak resident set size is its
 * alone, into a temporary directory removed afterwards. Prints a Markdown table.
 *
 *   npx -y pnpm@10.34.9 build
 *   npx -y pnpm@10.34.9 --filter @storeflow/cli bench [--orders 200000,800000,4000000]
 *       [--products 50000] [--files 8] [--error-rate R] [--gzip]
 *
 * Node runs this file as it is (type stripping); it needs no build of its own.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { GenerateRequest } from '../src/commands/generate.js';

/** What one size measured, as the child process reports it on stdout. */
interface Measurement {
  orders: number;
  rows: number;
  rejectedRows: number;
  bytes: number;
  manifestBytes: number;
  seconds: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Heap still in use after a full collection, the manifest held: what the run retains. */
  retainedHeapBytes: number;
}

const HEAP_SAMPLE_MS = 20;
const MIB = 1024 * 1024;
const thisFile = fileURLToPath(import.meta.url);
// Imported at run time from dist/ (what the command runs); the type comes from the source.
const generateModule = pathToFileURL(path.resolve(import.meta.dirname, '../dist/commands/generate.js')).href;

/** In the child: generates one data set and reports what it cost. */
async function measure(request: GenerateRequest & { orders: number }): Promise<Measurement> {
  const { writeGeneratedData } = (await import(
    generateModule
  )) as typeof import('../src/commands/generate.js');
  let peakHeapBytes = 0;
  const sampleHeap = () => {
    peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sampleHeap, HEAP_SAMPLE_MS);
  const startedAt = performance.now();
  const manifest = await writeGeneratedData(request);
  const seconds = (performance.now() - startedAt) / 1000;
  clearInterval(sampler);
  sampleHeap();
  (globalThis as { gc?: () => void }).gc?.();
  const retainedHeapBytes = process.memoryUsage().heapUsed;
  return {
    orders: request.orders,
    rows: manifest.files.reduce((total, file) => total + file.rows.total, 0),
    rejectedRows: manifest.files.reduce((total, file) => total + file.rejectedRows.length, 0),
    bytes: manifest.files.reduce((total, file) => total + file.bytes, 0),
    manifestBytes: (await stat(path.join(request.out, 'manifest.json'))).size,
    seconds,
    // resourceUsage reports kibibytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    peakHeapBytes,
    retainedHeapBytes,
  };
}

/** In the parent: one size in a fresh process and directory. */
async function runSize(request: Omit<GenerateRequest, 'out'> & { orders: number }): Promise<Measurement> {
  const out = await mkdtemp(path.join(tmpdir(), 'storeflow-bench-'));
  try {
    const child = spawn(
      process.execPath,
      ['--expose-gc', thisFile, '--child', JSON.stringify({ ...request, out })],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`generating ${request.orders} orders exited with code ${code}`);
    return JSON.parse(stdout) as Measurement;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function row(measurement: Measurement): string {
  const mib = (bytes: number) => (bytes / MIB).toFixed(0);
  return [
    measurement.orders.toLocaleString('en-US'),
    measurement.rows.toLocaleString('en-US'),
    mib(measurement.bytes),
    measurement.seconds.toFixed(1),
    Math.round(measurement.rows / measurement.seconds).toLocaleString('en-US'),
    (measurement.bytes / MIB / measurement.seconds).toFixed(1),
    mib(measurement.peakRssBytes),
    mib(measurement.peakHeapBytes),
    mib(measurement.retainedHeapBytes),
    measurement.rejectedRows.toLocaleString('en-US'),
    (measurement.manifestBytes / 1024).toFixed(0),
  ].join(' | ');
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      child: { type: 'string' },
      orders: { type: 'string', default: '200000,800000,4000000' },
      products: { type: 'string', default: '50000' },
      files: { type: 'string', default: '8' },
      'error-rate': { type: 'string' },
      gzip: { type: 'boolean', default: false },
    },
  });
  if (values.child !== undefined) {
    process.stdout.write(JSON.stringify(await measure(JSON.parse(values.child))));
    return;
  }
  const sizes = values.orders.split(',').map(Number);
  if (sizes.some((orders) => !Number.isSafeInteger(orders) || orders < 1)) {
    throw new Error(`--orders takes whole numbers separated by commas, got '${values.orders}'`);
  }
  console.log(
    `node ${process.version}, ${values.products} products, ${values.files} files per dataset` +
      `${values.gzip ? ', gzip' : ''}${values['error-rate'] === undefined ? '' : `, error rate ${values['error-rate']}`}\n`,
  );
  console.log(
    '| orders | rows | MiB written | seconds | rows/s | MiB/s | peak RSS MiB | peak heap MiB | heap after GC MiB | rejected rows | manifest KiB |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const orders of sizes) {
    const measurement = await runSize({
      orders,
      products: Number(values.products),
      files: Number(values.files),
      gzip: values.gzip,
      seed: 'bench',
      ...(values['error-rate'] === undefined ? {} : { errorRate: Number(values['error-rate']) }),
    });
    console.log(`| ${row(measurement)} |`);
  }
}

await main(process.argv.slice(2));
