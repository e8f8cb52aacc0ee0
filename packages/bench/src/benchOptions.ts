import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  parseCommandLine,
  positiveIntegerOption,
  rejectPositionals,
  withStdoutForBareJson,
} from '@storeflow/cli/commandLine';
import { BenchUsageError } from './errors.js';
import { APPROACHES, type Approach, DEFAULT_APPROACHES } from './types.js';

/** What one `pnpm bench` invocation does. */
export interface BenchOptions {
  /** order_items to generate (orders are 0.4 × this). */
  readonly items: number;
  /** One file per dataset, however large, instead of one per 100,000 orders. */
  readonly oneFile: boolean;
  readonly runs: number;
  /** Approaches to run, in the order of {@link APPROACHES}. */
  readonly only: readonly Approach[];
  /** order_items per day the monthly AWS cost is stated for. */
  readonly dailyItems: number;
  /** Where the JSON document goes: a file path, `'-'` for stdout, or nowhere. */
  readonly json: string | undefined;
  readonly seed: string;
  /** Where generated data sets are cached, one directory per size and seed. */
  readonly workDir: string;
  readonly help: boolean;
}

export const DEFAULT_ITEMS = 1_000_000;
export const DEFAULT_RUNS = 3;
export const DEFAULT_DAILY_ITEMS = 1_000_000;
export const DEFAULT_SEED = 'storeflow-bench';

const OPTIONS = {
  items: { type: 'string' },
  'one-file': { type: 'boolean' },
  runs: { type: 'string' },
  only: { type: 'string' },
  'daily-items': { type: 'string' },
  json: { type: 'string' },
  seed: { type: 'string' },
  'work-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const BENCH_USAGE = `Usage: pnpm bench [options]

Generates (once, cached) a seeded thelook-like data set and measures, in one sitting with the
approaches alternating, the in-process core, DuckDB and the whole pipeline on the embedded stack,
and the pipeline's AWS requests and their monthly cost. On request, two pipeline scenarios with data
sets of their own: backfill (30,000 products, 4,000 orders and their items over seven years) and
latency (five days' items files, each timed from its upload to its KPIs visible).

Options:
  --items <n>        order_items to generate; orders are 0.4 × n, products 30,000 (default ${DEFAULT_ITEMS})
  --one-file         one file per dataset, however large (default: a file per 100,000 orders)
  --runs <n>         runs of each approach; the table shows medians (default ${DEFAULT_RUNS})
  --only <list>      comma-separated subset of ${APPROACHES.join(',')} (default ${DEFAULT_APPROACHES.join(',')})
  --daily-items <n>  order_items per day the monthly AWS cost is stated for (default ${DEFAULT_DAILY_ITEMS})
  --json [file]      write one JSON document (machine, parameters, every run) to file, or stdout
  --seed <text>      seed of the data set (default ${DEFAULT_SEED})
  --work-dir <dir>   cache of generated data sets (default <os temp dir>/storeflow-bench)
  -h, --help         show this help

Exit codes: 0 measured, 1 failure or the core and DuckDB disagree, 2 bad option.`;

/**
 * Parses the bench's command line. `--json` takes an optional value: alone (or followed by
 * another option) it means stdout.
 *
 * @throws BenchUsageError naming the option to fix
 */
export function parseBenchOptions(argv: readonly string[], tempDir: string = tmpdir()): BenchOptions {
  const { values, positionals } = parseCommandLine(withStdoutForBareJson(argv), OPTIONS, BenchUsageError);
  rejectPositionals(positionals, BenchUsageError);
  return {
    items: positiveInteger(values.items, '--items') ?? DEFAULT_ITEMS,
    oneFile: values['one-file'] ?? false,
    runs: positiveInteger(values.runs, '--runs') ?? DEFAULT_RUNS,
    dailyItems: positiveInteger(values['daily-items'], '--daily-items') ?? DEFAULT_DAILY_ITEMS,
    only: approaches(values.only),
    json: values.json,
    seed: values.seed ?? DEFAULT_SEED,
    workDir: path.resolve(values['work-dir'] ?? path.join(tempDir, 'storeflow-bench')),
    help: values.help ?? false,
  };
}

function positiveInteger(value: string | undefined, option: string): number | undefined {
  return positiveIntegerOption(value, option, BenchUsageError);
}

function approaches(value: string | undefined): readonly Approach[] {
  if (value === undefined) return DEFAULT_APPROACHES;
  const asked = value.split(',').map((name) => name.trim());
  const unknown = asked.filter((name) => !(APPROACHES as readonly string[]).includes(name));
  if (unknown.length > 0 || asked.length === 0) {
    throw new BenchUsageError(`--only takes ${APPROACHES.join(', ')}; unknown: ${unknown.join(', ')}`);
  }
  return APPROACHES.filter((approach) => asked.includes(approach));
}
