import type { Dataset } from '@storeflow/core';
import { type AwsCostReport, costReport, mergeTallies } from './awsCosts.js';
import type { BackfillMeasures } from './scenarios.js';
import { median } from './stats.js';
import type { Approach, ApproachRun, DataSet, ValidationPhase } from './types.js';

/** The medians of one approach's runs. */
export interface ApproachSummary {
  readonly approach: Approach;
  readonly runs: number;
  readonly wallMs: number;
  readonly rowsPerSecond: number;
  /** The pipeline: median rows/s of each dataset, from the first upload to its last file final. */
  readonly rowsPerSecondByDataset?: Readonly<Partial<Record<Dataset, number>>>;
  /** Median peak RSS per process, bytes. */
  readonly peakRssBytes: Readonly<Record<string, number>>;
  /** The core and DuckDB: the median wall time of each phase of their runs, ms. */
  readonly phasesMs?: Readonly<Partial<Record<ValidationPhase, number>>>;
  /** Backfill: the median of each measure over the runs. */
  readonly backfill?: Omit<BackfillMeasures, 'failedFiles'>;
  /** Latency: the median over every day of every run, and how many there were. */
  readonly latency?: { readonly medianMs: number; readonly uploads: number };
}

/** A data set the sitting ran on. */
export interface DataSetDescription {
  readonly rows: DataSet['rows'];
  readonly files: number;
  readonly bytes: number;
  readonly days: number;
  /** Wall time of the generation, or null when the cached set was reused. */
  readonly generatedMs: number | null;
}

/** The machine the numbers were measured on. */
export interface Machine {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
}

/** The `--json` document: everything needed to compare two sittings. */
export interface BenchDocument {
  /** 2: one data set per mode (`dataSets`), the AWS costs and the scenarios. */
  readonly benchVersion: 2;
  readonly startedAt: string;
  readonly machine: Machine;
  readonly parameters: {
    readonly items: number;
    readonly oneFile: boolean;
    readonly runs: number;
    readonly only: readonly Approach[];
    readonly seed: string;
    readonly dailyItems: number;
  };
  /** The data set of each mode: the comparison's `--items` set, or a scenario's own. */
  readonly dataSets: Readonly<Partial<Record<Approach, DataSetDescription>>>;
  readonly summaries: readonly ApproachSummary[];
  /** Core rows/s over DuckDB rows/s (medians); null unless both ran. */
  readonly coreToDuckdbRatio: number | null;
  /** The same in each phase ({@link coreToDuckdbRatioByPhase}); null unless both ran. */
  readonly coreToDuckdbRatioByPhase: Partial<Record<ValidationPhase, number>> | null;
  /** The `pipeline` runs' AWS requests per million rows and monthly cost; null unless it ran. */
  readonly awsCosts: AwsCostReport | null;
  readonly runs: readonly ApproachRun[];
  /** Figures on which the core and DuckDB disagreed; empty when they agree. */
  readonly mismatches: readonly string[];
}

/** Medians per approach, in the order the approaches first appear in `runs`. */
export function summarize(runs: readonly ApproachRun[]): ApproachSummary[] {
  const approaches = [...new Set(runs.map((run) => run.approach))];
  return approaches.map((approach) => {
    const own = runs.filter((run) => run.approach === approach);
    const processes = [...new Set(own.flatMap((run) => Object.keys(run.peakRssBytes)))];
    const byDataset = own.flatMap((run) =>
      run.rowsPerSecondByDataset === undefined ? [] : [run.rowsPerSecondByDataset],
    );
    const datasets = [...new Set(byDataset.flatMap((rates) => Object.keys(rates) as Dataset[]))];
    return {
      approach,
      runs: own.length,
      wallMs: median(own.map((run) => run.wallMs)),
      rowsPerSecond: median(own.map((run) => run.rowsPerSecond)),
      ...(datasets.length === 0
        ? {}
        : {
            rowsPerSecondByDataset: Object.fromEntries(
              datasets.map((dataset) => [
                dataset,
                median(byDataset.flatMap((rates) => (rates[dataset] === undefined ? [] : [rates[dataset]]))),
              ]),
            ),
          }),
      peakRssBytes: Object.fromEntries(
        processes.map((name) => [
          name,
          median(own.flatMap((run) => (name in run.peakRssBytes ? [run.peakRssBytes[name] as number] : []))),
        ]),
      ),
      ...phaseSummary(own),
      ...backfillSummary(own),
      ...latencySummary(own),
    };
  });
}

function phaseSummary(runs: readonly ApproachRun[]): Pick<ApproachSummary, 'phasesMs'> {
  const phases = runs.flatMap((run) => (run.outcome?.phasesMs === undefined ? [] : [run.outcome.phasesMs]));
  return phases.length === 0 ? {} : { phasesMs: medianByKey(phases) };
}

/**
 * Core rows/s over DuckDB rows/s in each phase both timed (the same rows, so DuckDB's time over
 * the core's), or null unless both reported phases.
 */
export function coreToDuckdbRatioByPhase(
  summaries: readonly ApproachSummary[],
): Partial<Record<ValidationPhase, number>> | null {
  const core = summaries.find((summary) => summary.approach === 'core')?.phasesMs;
  const duckdb = summaries.find((summary) => summary.approach === 'duckdb')?.phasesMs;
  if (core === undefined || duckdb === undefined) return null;
  const ratios: Partial<Record<ValidationPhase, number>> = {};
  for (const phase of PHASES) {
    const coreMs = core[phase];
    const duckdbMs = duckdb[phase];
    if (coreMs !== undefined && duckdbMs !== undefined && coreMs > 0) ratios[phase] = duckdbMs / coreMs;
  }
  return ratios;
}

const PHASES: readonly ValidationPhase[] = ['validation', 'kpis'];

function backfillSummary(runs: readonly ApproachRun[]): Pick<ApproachSummary, 'backfill'> {
  const measures = runs.flatMap((run) => (run.backfill === undefined ? [] : [run.backfill]));
  if (measures.length === 0) return {};
  const of = (pick: (measure: BackfillMeasures) => number) => median(measures.map(pick));
  return {
    backfill: {
      kpiRowsWritten: of((measure) => measure.kpiRowsWritten),
      datesRecomputed: of((measure) => measure.datesRecomputed),
      kpiWritesPerDate: of((measure) => measure.kpiWritesPerDate),
      transformerDynamodbRequestsPerKpiRow: of((measure) => measure.transformerDynamodbRequestsPerKpiRow),
      transformerRequestsPerDate: medianByKey(measures.map((measure) => measure.transformerRequestsPerDate)),
      cpuSeconds: medianByKey(measures.map((measure) => measure.cpuSeconds)),
    },
  };
}

/** The median of each key over the records that have it. */
function medianByKey(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const keys = [...new Set(records.flatMap((record) => Object.keys(record)))].sort();
  return Object.fromEntries(
    keys.map((key) => [
      key,
      median(records.flatMap((record) => (key in record ? [record[key] as number] : []))),
    ]),
  );
}

function latencySummary(runs: readonly ApproachRun[]): Pick<ApproachSummary, 'latency'> {
  const latencies = runs.flatMap((run) => run.latency?.latenciesMs ?? []);
  return latencies.length === 0
    ? {}
    : { latency: { medianMs: median(latencies), uploads: latencies.length } };
}

/**
 * The cost model over the `pipeline` runs: their requests added up, over their rows added up
 * (the mean run), stated for `dailyItems` order_items a day; null when no pipeline run reported
 * requests. The scenarios' requests stay in their runs: their data sets are not a steady day's.
 */
export function awsCostsOf(runs: readonly ApproachRun[], dailyItems: number): AwsCostReport | null {
  const measured = runs.filter((run) => run.approach === 'pipeline' && run.awsRequests !== undefined);
  if (measured.length === 0) return null;
  const rowsOf = (run: ApproachRun) =>
    (run.rows?.products ?? 0) + (run.rows?.orders ?? 0) + (run.rows?.order_items ?? 0);
  return costReport(
    mergeTallies(measured.map((run) => run.awsRequests ?? [])),
    {
      rows: measured.reduce((sum, run) => sum + rowsOf(run), 0),
      itemRows: measured.reduce((sum, run) => sum + (run.rows?.order_items ?? 0), 0),
    },
    dailyItems,
  );
}

/** Core rows/s over DuckDB rows/s, or null unless both are among `summaries`. */
export function coreToDuckdbRatio(summaries: readonly ApproachSummary[]): number | null {
  const core = summaries.find((summary) => summary.approach === 'core');
  const duckdb = summaries.find((summary) => summary.approach === 'duckdb');
  return core === undefined || duckdb === undefined ? null : core.rowsPerSecond / duckdb.rowsPerSecond;
}

const MIB = 1024 * 1024;

/** Columns padded to their widest cell, a rule under the header. */
function renderColumns(header: readonly string[], lines: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] as string).length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)];
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const dollars = (value: number) => `$${value.toFixed(2)}`;

/** The cost model as a table: each kind of request per million rows, and its monthly cost. */
export function formatAwsCosts(costs: AwsCostReport): string {
  const lines = costs.perMillionRows.map((usage) => [
    usage.kind,
    count(usage.requests),
    usage.items === 0 ? '' : count(usage.items),
    usage.readUnits + usage.writeUnits === 0 ? '' : count(usage.readUnits + usage.writeUnits),
    dollars(usage.monthlyUsd),
  ]);
  const { s3, sqs, dynamodb, total } = costs.monthlyUsd;
  return [
    `AWS requests per million rows (pipeline, ${count(costs.measuredRows)} rows measured) and monthly cost at ${count(costs.dailyItems)} order_items a day:`,
    ...renderColumns(['kind', 'requests', 'items', 'request units', '$/month'], lines),
    `monthly: S3 ${dollars(s3)}, SQS ${dollars(sqs)}, DynamoDB ${dollars(dynamodb)}, total ${dollars(total)} (us-east-1 list prices, requests only)`,
  ].join('\n');
}

/**
 * The human-readable result: one line per mode, medians, then the core/DuckDB ratio, the
 * scenarios' measures and the AWS cost model.
 */
export function formatTable(
  summaries: readonly ApproachSummary[],
  ratio: number | null,
  awsCosts: AwsCostReport | null = null,
): string {
  const header = ['approach', 'runs', 'wall s', 'rows/s', 'peak RSS MiB'];
  const lines = summaries.map((summary) => [
    summary.approach,
    String(summary.runs),
    (summary.wallMs / 1000).toFixed(2),
    Math.round(summary.rowsPerSecond).toLocaleString('en-US'),
    Object.entries(summary.peakRssBytes)
      .map(([name, bytes]) => `${name} ${Math.round(bytes / MIB)}`)
      .join(', '),
  ]);
  const table = renderColumns(header, lines);
  for (const summary of summaries) {
    if (summary.rowsPerSecondByDataset === undefined) continue;
    const rates = Object.entries(summary.rowsPerSecondByDataset)
      .map(([dataset, rate]) => `${dataset} ${Math.round(rate).toLocaleString('en-US')}`)
      .join(', ');
    table.push('', `${summary.approach} rows/s by dataset (first upload to its last file final): ${rates}`);
  }
  const phased = summaries.filter((summary) => summary.phasesMs !== undefined);
  if (phased.length > 0) table.push('');
  for (const { approach, phasesMs = {} } of phased) {
    const phases = PHASES.flatMap((phase) =>
      phasesMs[phase] === undefined ? [] : [`${phase} ${((phasesMs[phase] as number) / 1000).toFixed(2)} s`],
    );
    table.push(`${approach} phases (medians): ${phases.join(', ')}`);
  }
  if (ratio !== null) table.push('', `core/DuckDB rows/s ratio: ${ratio.toFixed(2)}`);
  const byPhase = coreToDuckdbRatioByPhase(summaries);
  if (byPhase !== null) {
    const ratios = PHASES.flatMap((phase) =>
      byPhase[phase] === undefined ? [] : [`${phase} ${(byPhase[phase] as number).toFixed(2)}`],
    );
    table.push(`core/DuckDB by phase: ${ratios.join(', ')}`);
  }
  for (const summary of summaries) {
    const { backfill, latency } = summary;
    if (backfill !== undefined) {
      table.push(
        '',
        `${summary.approach}: ${count(backfill.kpiRowsWritten)} KPI rows written, ${count(backfill.datesRecomputed)} dates recomputed, ` +
          `${backfill.kpiWritesPerDate.toFixed(1)} KPI writes per date, ` +
          `${backfill.transformerDynamodbRequestsPerKpiRow.toFixed(2)} transformer DynamoDB requests per KPI row`,
        `${summary.approach}: transformer requests per recomputed date: ${Object.entries(
          backfill.transformerRequestsPerDate,
        )
          .map(([kind, perDate]) => `${kind} ${perDate.toFixed(2)}`)
          .join(', ')}`,
        `${summary.approach}: CPU seconds to all files final: ${Object.entries(backfill.cpuSeconds)
          .map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`)
          .join(', ')}`,
      );
    }
    if (latency !== undefined) {
      table.push(
        '',
        `latency: median ${(latency.medianMs / 1000).toFixed(2)} s from a day's items upload to its KPIs visible (${latency.uploads} uploads)`,
      );
    }
  }
  if (awsCosts !== null) table.push('', formatAwsCosts(awsCosts));
  return table.join('\n');
}
