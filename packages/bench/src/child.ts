// Entry point of one measured run: `node child.js <approach> <dataset.json>`. It runs in a process
// of its own so that its peak RSS is its alone, and prints one JSON line, a ChildReport, as its
// last line.
import { readFile } from 'node:fs/promises';
import type { ChildReport } from './childRuns.js';
import { runCore } from './coreApproach.js';
import { runDuckdb } from './duckdbApproach.js';
import { runPipeline } from './pipelineApproach.js';
import { runRecompute } from './recomputeApproach.js';
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
  if (name === 'pipeline') return runPipeline(data, (line) => console.error(line));
  if (name === 'recompute') return runRecompute(data, (line) => console.error(line));
  const nowMs = Date.now();
  const startedMs = performance.now();
  const outcome = name === 'core' ? await runCore(data, nowMs) : await runDuckdb(data, nowMs);
  const wallMs = performance.now() - startedMs;
  // maxRSS is in KiB; it covers DuckDB's native allocations too, which live in this process.
  return { outcome, wallMs, peakRssBytes: { bench: process.resourceUsage().maxRSS * 1024 } };
}
