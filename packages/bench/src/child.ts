// Entry point of one measured run: `node child.js <approach> <dataset.json>`. It runs
// in a process of its own so that its peak RSS is its alone, and prints one JSON line, a
// ChildReport, as its last line.
import { readFile } from 'node:fs/promises';
import type { ChildReport } from './childRuns.js';
import { APPROACHES, type Approach, type DataSet } from './types.js';

const [approach, manifestPath] = process.argv.slice(2);
if (!(APPROACHES as readonly (string | undefined)[]).includes(approach) || manifestPath === undefined) {
  console.error(`usage: child.js <${APPROACHES.join('|')}> <dataset.json>`);
  process.exit(2);
}
const dataSet = JSON.parse(await readFile(manifestPath, 'utf8')) as DataSet;
const report = await measure(approach as Approach, dataSet);
console.log(JSON.stringify(report));

async function measure(name: Approach, data: DataSet): Promise<ChildReport> {
  // Only the measured approach is loaded, so its peak RSS holds no other's modules (DuckDB's
  // native library and the pipeline's AWS SDK had added about 44 MiB to the core's).
  const log = (line: string) => console.error(line);
  if (name === 'pipeline') return (await import('./pipelineApproach.js')).runPipeline(data, log);
  if (name === 'recompute') return (await import('./recomputeApproach.js')).runRecompute(data, log);
  if (name === 'backfill') return (await import('./scenarios.js')).runBackfill(data, log);
  if (name === 'backfill-warm')
    return (await import('./scenarios.js')).runBackfill(data, log, { warm: true });
  if (name === 'latency') return (await import('./scenarios.js')).runLatency(data, log);
  const run =
    name === 'core'
      ? (await import('./coreApproach.js')).runCore
      : (await import('./duckdbApproach.js')).runDuckdb;
  const nowMs = Date.now();
  const startedMs = performance.now();
  const outcome = await run(data, nowMs);
  const wallMs = performance.now() - startedMs;
  // maxRSS is in KiB; it covers DuckDB's native allocations too, which live in this process.
  return { outcome, wallMs, peakRssBytes: { bench: process.resourceUsage().maxRSS * 1024 } };
}
