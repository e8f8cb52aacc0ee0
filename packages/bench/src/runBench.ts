import { cpus, totalmem } from 'node:os';
import type { Dataset } from '@storeflow/core';
import type { BenchOptions } from './benchOptions.js';
import { type ChildReport, runInChild } from './childRuns.js';
import {
  backfillGeneratorOptions,
  dataSetManifestPath,
  ensureDataSet,
  ensureScenarioDataSet,
  latencyGeneratorOptions,
} from './dataSet.js';
import { differences } from './kpiTotals.js';
import {
  awsCostsOf,
  type BenchDocument,
  coreToDuckdbRatio,
  coreToDuckdbRatioByPhase,
  type DataSetDescription,
  type Machine,
  summarize,
} from './report.js';
import { median } from './stats.js';
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

/** Rows per second of a run: the data set's rows over the wall time, or for latency one day's items over its median. */
function rowsPerSecondOf(report: ChildReport, dataSet: DataSet): number {
  const rows = report.latency === undefined ? totalRows(dataSet) : median(report.latency.itemRows);
  return rows / (report.wallMs / 1000);
}

function toRun(approach: Approach, round: number, report: ChildReport, dataSet: DataSet): ApproachRun {
  const perDataset = report.datasetWallMs;
  return {
    approach,
    round,
    wallMs: report.wallMs,
    rowsPerSecond: rowsPerSecondOf(report, dataSet),
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
    ...(report.awsRequests === undefined ? {} : { awsRequests: report.awsRequests, rows: dataSet.rows }),
    ...(report.backfill === undefined ? {} : { backfill: report.backfill }),
    ...(report.latency === undefined ? {} : { latency: report.latency }),
  };
}

/**
 * The scenario data set `approach` runs on, or undefined for the `--items` set: the warm backfill
 * runs on the backfill's own, so it is generated and cached once.
 */
export function scenarioDataSetOf(approach: Approach): 'backfill' | 'latency' | undefined {
  if (approach === 'backfill' || approach === 'backfill-warm') return 'backfill';
  return approach === 'latency' ? 'latency' : undefined;
}

/** A generated data set and how long generating it took (undefined when reused from the cache). */
interface PreparedDataSet {
  readonly dataSet: DataSet;
  readonly generatedMs: number | undefined;
}

/** The data set each asked-for mode runs on: `--items` for the comparison, their own for the scenarios. */
async function dataSetsFor(options: BenchOptions, log: ProgressLog): Promise<Map<Approach, PreparedDataSet>> {
  const sets = new Map<Approach, PreparedDataSet>();
  let comparison: PreparedDataSet | undefined;
  for (const approach of options.only) {
    let prepared: PreparedDataSet;
    const scenario = scenarioDataSetOf(approach);
    if (scenario !== undefined) {
      const generatorOptions =
        scenario === 'backfill'
          ? backfillGeneratorOptions(options.seed)
          : latencyGeneratorOptions(options.seed);
      prepared = await ensureScenarioDataSet(options.workDir, scenario, generatorOptions);
    } else {
      if (comparison === undefined) {
        log(`data set: ${options.items} items, seed ${options.seed}, under ${options.workDir}`);
        comparison = await ensureDataSet(options.workDir, options.items, options.seed, options.oneFile);
      }
      prepared = comparison;
    }
    const { dataSet, generatedMs } = prepared;
    log(
      `${approach}: ${generatedMs === undefined ? 'reused' : `generated in ${(generatedMs / 1000).toFixed(1)} s`} ${dataSet.dir}: ` +
        `${dataSet.rows.products} products, ${dataSet.rows.orders} orders, ${dataSet.rows.order_items} items`,
    );
    sets.set(approach, prepared);
  }
  return sets;
}

/** The JSON document's description of a data set. */
function describe({ dataSet, generatedMs }: PreparedDataSet): DataSetDescription {
  return {
    rows: dataSet.rows,
    files: dataSet.files.length,
    bytes: dataSet.bytes,
    days: dataSet.days,
    generatedMs: generatedMs ?? null,
  };
}

/**
 * One sitting: the data sets (generated or reused), then `runs` rounds of every mode asked
 * for, each run in a child process; the core and DuckDB results of each round are compared.
 */
export async function runBench(options: BenchOptions, log: ProgressLog): Promise<BenchDocument> {
  const startedAt = new Date().toISOString();
  const dataSets = await dataSetsFor(options, log);
  const runs: ApproachRun[] = [];
  const mismatches: string[] = [];
  for (let round = 1; round <= options.runs; round++) {
    const outcomes = new Map<Approach, ValidationOutcome>();
    for (const approach of roundOrder(options.only, round)) {
      log(`round ${round}/${options.runs}: ${approach}`);
      const runData = (dataSets.get(approach) as PreparedDataSet).dataSet;
      const report = await runInChild(approach, dataSetManifestPath(runData));
      if (report.outcome !== undefined) outcomes.set(approach, report.outcome);
      if (report.failedFiles !== undefined && report.failedFiles > 0) {
        // The data set has no injected errors: a FAILED file means the pipeline lost rows.
        mismatches.push(`round ${round}: pipeline: ${report.failedFiles} files FAILED, expected none`);
      }
      if (report.backfill !== undefined && report.backfill.failedFiles > 0) {
        mismatches.push(
          `round ${round}: backfill: ${report.backfill.failedFiles} files FAILED, expected none`,
        );
      }
      runs.push(toRun(approach, round, report, runData));
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
    benchVersion: 2,
    startedAt,
    machine: machine(),
    parameters: {
      items: options.items,
      oneFile: options.oneFile,
      runs: options.runs,
      only: options.only,
      seed: options.seed,
      dailyItems: options.dailyItems,
    },
    dataSets: Object.fromEntries([...dataSets].map(([approach, prepared]) => [approach, describe(prepared)])),
    summaries,
    coreToDuckdbRatio: coreToDuckdbRatio(summaries),
    coreToDuckdbRatioByPhase: coreToDuckdbRatioByPhase(summaries),
    awsCosts: awsCostsOf(runs, options.dailyItems),
    runs,
    mismatches,
  };
}
