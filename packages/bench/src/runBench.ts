import { cpus, totalmem } from 'node:os';
import type { Dataset } from '@storeflow/core';
import type { BenchOptions } from './benchOptions.js';
import { type ChildReport, runInChild } from './childRuns.js';
import { dataSetManifestPath, ensureDataSet } from './dataSet.js';
import { differences } from './kpiTotals.js';
import { type BenchDocument, coreToDuckdbRatio, type Machine, summarize } from './report.js';
import type { Approach, ApproachRun, DataSet, ValidationOutcome } from './types.js';

/** Where progress lines go (stderr in the command, so `--json` on stdout stays clean). */
export type ProgressLog = (line: string) => void;

/** The machine this process runs on, for the JSON document: numbers mean little without it. */
export function machine(): Machine {
  const all = cpus();
  return {
    cpuModel: all[0]?.model ?? 'unknown',
    cpus: all.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The approaches of round `round` (1-based): rotated each round, so none always runs first. */
export function roundOrder(approaches: readonly Approach[], round: number): Approach[] {
  const shift = (round - 1) % Math.max(1, approaches.length);
  return [...approaches.slice(shift), ...approaches.slice(0, shift)];
}

function totalRows(dataSet: DataSet): number {
  return dataSet.rows.products + dataSet.rows.orders + dataSet.rows.order_items;
}

function toRun(approach: Approach, round: number, report: ChildReport, dataSet: DataSet): ApproachRun {
  const perDataset = report.datasetWallMs;
  return {
    approach,
    round,
    wallMs: report.wallMs,
    rowsPerSecond: totalRows(dataSet) / (report.wallMs / 1000),
    ...(perDataset === undefined
      ? {}
      : {
          rowsPerSecondByDataset: Object.fromEntries(
            (Object.keys(perDataset) as Dataset[]).map((dataset) => [
              dataset,
              dataSet.rows[dataset] / (perDataset[dataset] / 1000),
            ]),
          ),
        }),
    peakRssBytes: report.peakRssBytes,
    ...(report.outcome === undefined ? {} : { outcome: report.outcome }),
    ...(report.failedFiles === undefined ? {} : { failedFiles: report.failedFiles }),
  };
}

/**
 * One sitting: the data set (generated or reused), then `runs` rounds of every approach asked
 * for, each run in a child process; the core and DuckDB results of each round are compared.
 */
export async function runBench(options: BenchOptions, log: ProgressLog): Promise<BenchDocument> {
  const startedAt = new Date().toISOString();
  log(`data set: ${options.items} items, seed ${options.seed}, under ${options.workDir}`);
  const { dataSet, generatedMs } = await ensureDataSet(options.workDir, options.items, options.seed);
  log(
    generatedMs === undefined
      ? `reused ${dataSet.dir}`
      : `generated ${dataSet.dir} in ${(generatedMs / 1000).toFixed(1)} s`,
  );
  log(
    `rows: ${dataSet.rows.products} products, ${dataSet.rows.orders} orders, ${dataSet.rows.order_items} items`,
  );
  const manifestPath = dataSetManifestPath(dataSet);
  const runs: ApproachRun[] = [];
  const mismatches: string[] = [];
  for (let round = 1; round <= options.runs; round++) {
    const outcomes = new Map<Approach, ValidationOutcome>();
    for (const approach of roundOrder(options.only, round)) {
      log(`round ${round}/${options.runs}: ${approach}`);
      const report = await runInChild(approach, manifestPath);
      if (report.outcome !== undefined) outcomes.set(approach, report.outcome);
      if (report.failedFiles !== undefined && report.failedFiles > 0) {
        // The data set has no injected errors: a FAILED file means the pipeline lost rows.
        mismatches.push(`round ${round}: pipeline: ${report.failedFiles} files FAILED, expected none`);
      }
      runs.push(toRun(approach, round, report, dataSet));
    }
    const core = outcomes.get('core');
    const duckdb = outcomes.get('duckdb');
    if (core !== undefined && duckdb !== undefined) {
      for (const line of differences({ name: 'core', outcome: core }, { name: 'duckdb', outcome: duckdb })) {
        mismatches.push(`round ${round}: ${line}`);
      }
    }
  }
  const summaries = summarize(runs);
  return {
    benchVersion: 1,
    startedAt,
    machine: machine(),
    parameters: { items: options.items, runs: options.runs, only: options.only, seed: options.seed },
    dataSet: {
      rows: dataSet.rows,
      files: dataSet.files.length,
      bytes: dataSet.bytes,
      days: dataSet.days,
      generatedMs: generatedMs ?? null,
    },
    summaries,
    coreToDuckdbRatio: coreToDuckdbRatio(summaries),
    runs,
    mismatches,
  };
}
