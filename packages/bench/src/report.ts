import type { Dataset } from '@storeflow/core';
import { median } from './stats.js';
import type { Approach, ApproachRun, DataSet } from './types.js';

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
  readonly benchVersion: 1;
  readonly startedAt: string;
  readonly machine: Machine;
  readonly parameters: {
    readonly items: number;
    readonly runs: number;
    readonly only: readonly Approach[];
    readonly seed: string;
  };
  readonly dataSet: {
    readonly rows: DataSet['rows'];
    readonly files: number;
    readonly bytes: number;
    readonly days: number;
    /** Wall time of the generation, or null when the cached set was reused. */
    readonly generatedMs: number | null;
  };
  readonly summaries: readonly ApproachSummary[];
  /** Core rows/s over DuckDB rows/s (medians); null unless both ran. */
  readonly coreToDuckdbRatio: number | null;
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
    };
  });
}

/** Core rows/s over DuckDB rows/s, or null unless both are among `summaries`. */
export function coreToDuckdbRatio(summaries: readonly ApproachSummary[]): number | null {
  const core = summaries.find((summary) => summary.approach === 'core');
  const duckdb = summaries.find((summary) => summary.approach === 'duckdb');
  return core === undefined || duckdb === undefined ? null : core.rowsPerSecond / duckdb.rowsPerSecond;
}

const MIB = 1024 * 1024;

/** The human-readable result: one line per approach, medians, then the core/DuckDB ratio. */
export function formatTable(summaries: readonly ApproachSummary[], ratio: number | null): string {
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
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] as string).length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  const table = [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)];
  for (const summary of summaries) {
    if (summary.rowsPerSecondByDataset === undefined) continue;
    const rates = Object.entries(summary.rowsPerSecondByDataset)
      .map(([dataset, rate]) => `${dataset} ${Math.round(rate).toLocaleString('en-US')}`)
      .join(', ');
    table.push('', `${summary.approach} rows/s by dataset (first upload to its last file final): ${rates}`);
  }
  if (ratio !== null) table.push('', `core/DuckDB rows/s ratio: ${ratio.toFixed(2)}`);
  return table.join('\n');
}
