// Entry point of one measured run: `node child.js <core|duckdb> <dataset.json>`. It runs in a
// process of its own so that its peak RSS is its alone, and prints one JSON line: the outcome,
// the wall time and the peak RSS.
import { readFile } from 'node:fs/promises';
import { runCore } from './coreApproach.js';
import { runDuckdb } from './duckdbApproach.js';
import type { DataSet } from './types.js';

const [approach, manifestPath] = process.argv.slice(2);
if ((approach !== 'core' && approach !== 'duckdb') || manifestPath === undefined) {
  console.error('usage: child.js <core|duckdb> <dataset.json>');
  process.exit(2);
}
const dataSet = JSON.parse(await readFile(manifestPath, 'utf8')) as DataSet;
const nowMs = Date.now();
const startedMs = performance.now();
const outcome = approach === 'core' ? await runCore(dataSet, nowMs) : await runDuckdb(dataSet, nowMs);
const wallMs = performance.now() - startedMs;
// maxRSS is in KiB; it covers DuckDB's native allocations too, which live in this process.
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ outcome, wallMs, peakRssBytes }));
