import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type ContractSet, compileContractSet, InvalidOptionError } from '@storeflow/core';
import {
  ALL_ERROR_KINDS,
  ANOMALY_KINDS,
  DataGenerator,
  type DataGeneratorOptions,
  DEFAULT_GENERATE_OPTIONS,
  ERROR_KINDS,
  type ErrorKind,
  errorKindCode,
  errorKindDatasets,
  type FileExpectation,
  type GeneratedFile,
  type GenerateOptions,
  type GenerationManifest,
  type InjectedAnomaly,
  isAnomalyKind,
  TIMESTAMP_STYLES,
  type TimestampStyle,
} from '@storeflow/datagen';
import { ExitCode, UsageError } from '../cliErrors.js';
import { dateOption, parseCommandLine, positiveIntegerOption, rejectPositionals } from '../commandLine.js';
import { CONTRACTS_ENV, contractPaths, readContractSources } from '../contractSources.js';
import { problemLine } from '../contractsText.js';

const DEFAULT_OUT = 'storeflow-data';
const DAY_MS = 86_400_000;

function errorKindLines(): string {
  return ALL_ERROR_KINDS.map((kind) => {
    const deferring = ERROR_KINDS[kind].defersFile ? ' (not by default: defers the file)' : '';
    const csv = errorKindCode(kind, 'csv');
    const jsonl = errorKindCode(kind, 'jsonl');
    const code = csv === jsonl ? csv : `${csv} / ${jsonl} (JSON Lines)`;
    return `  ${kind.padEnd(26)}${code}; ${errorKindDatasets(kind).join(', ')}${deferring}`;
  }).join('\n');
}

export const GENERATE_USAGE = `Usage: storeflow generate [options]

Writes a realistic, seeded thelook-like data set (products, orders, order_items) into a
directory, laid out as upstream systems drop it, plus manifest.json, which says for every file
how many rows the validator will accept and reject, per problem code:
  <out>/orders/year=2026/month=01/day=05/orders_0002.csv
The same options give byte-identical files. Upload the directory with 'storeflow upload <out>'.

Options:
  --out <dir>            new or empty directory to write to (default: ${DEFAULT_OUT})
  --orders <n>           orders, each with 1 to 5 items (default: ${DEFAULT_GENERATE_OPTIONS.orders})
  --days <n>             days the orders are spread over (default: ${DEFAULT_GENERATE_OPTIONS.days})
  --products <n>         products in the catalogue (default: ${DEFAULT_GENERATE_OPTIONS.products})
  --files <n>            files per dataset, at most --orders and --products (default: ${DEFAULT_GENERATE_OPTIONS.files})
  --start-date <date>    first order day, YYYY-MM-DD (default: ${DEFAULT_GENERATE_OPTIONS.startDate})
  --seed <text>          seed of every random choice (default: ${DEFAULT_GENERATE_OPTIONS.seed})
  --format <format>      csv or jsonl (default: ${DEFAULT_GENERATE_OPTIONS.format})
  --gzip                 gzip every file (.csv.gz, .jsonl.gz)
  --timestamps <style>   ${TIMESTAMP_STYLES.join(', ')} (default: ${DEFAULT_GENERATE_OPTIONS.timestamps})
  --error-rate <r>       probability, 0 to 1, that a row gets an error (default: ${DEFAULT_GENERATE_OPTIONS.errorRate})
  --error-kinds <list>   comma-separated kinds, or 'all' (default: every kind that does not defer)
  --late-items           each items file but the last also holds the items of the first orders
                         of the next orders file, which the validator defers until they arrive
  --daily                a history: the products in one file, then one orders file and one
                         order_items file per day (instead of --files)
  --anomaly <date:kind>  makes one day abnormal (implies --daily; repeatable); kinds:
                         volume-drop (40% of the orders), price-spike (prices x3),
                         null-burst (orders' gender and items' inventory_item_id mostly empty),
                         reject-burst (3% of the rows broken, the files still accepted)
  --contracts <path>     write the columns as these data contracts name them: headers and JSON
                         keys are the columns' physical names, and columns the contracts do not
                         define are left out; files or directories, repeatable or separated by
                         commas (default: $${CONTRACTS_ENV} when set, else the shipped names)
  --force                write into a directory that is not empty
  -h, --help             show this help

Error kinds, the code the validator rejects the row with, and the datasets they go into:
${errorKindLines()}

Exit codes: 0 written, 1 bad option or write failure.`;

/** One written file in manifest.json: what the validator will make of it, and its bytes on disk. */
export interface WrittenFile extends FileExpectation {
  readonly bytes: number;
  readonly sha256: string;
}

/** The document written to `<out>/manifest.json`. */
export interface WrittenManifest extends Omit<GenerationManifest, 'files'> {
  readonly files: readonly WrittenFile[];
}

/** What to write where; every generator option not given takes its default. */
export interface GenerateRequest extends Partial<Omit<GenerateOptions, 'seed'>> {
  readonly out: string;
  readonly seed?: string | number;
  /** The compiled contracts whose physical column names the files use (none: the shipped names). */
  readonly contracts?: ContractSet | undefined;
  /** Write into a directory that is not empty. */
  readonly force?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `storeflow generate`: returns the exit code; throws a one-line error on failure. */
export async function generateCommand(argv: string[], env: Env = process.env): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    out: { type: 'string', default: DEFAULT_OUT },
    orders: { type: 'string' },
    days: { type: 'string' },
    products: { type: 'string' },
    files: { type: 'string' },
    'start-date': { type: 'string' },
    seed: { type: 'string' },
    format: { type: 'string' },
    gzip: { type: 'boolean', default: false },
    timestamps: { type: 'string' },
    'error-rate': { type: 'string' },
    'error-kinds': { type: 'string' },
    'late-items': { type: 'boolean', default: false },
    daily: { type: 'boolean', default: false },
    anomaly: { type: 'string', multiple: true },
    contracts: { type: 'string', multiple: true },
    force: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(GENERATE_USAGE);
    return ExitCode.OK;
  }
  rejectPositionals(positionals);
  const anomalies = (values.anomaly ?? []).map(anomalyOption);
  const daily = values.daily || anomalies.length > 0;
  if (daily && values.files !== undefined) {
    throw new UsageError('--files does not go with --daily or --anomaly, which write one file a day');
  }
  const days = positiveIntegerOption(values.days, '--days') ?? DEFAULT_GENERATE_OPTIONS.days;
  const request: GenerateRequest = {
    out: values.out,
    force: values.force,
    gzip: values.gzip,
    lateItems: values['late-items'],
    ...defined('orders', positiveIntegerOption(values.orders, '--orders')),
    ...defined('days', positiveIntegerOption(values.days, '--days')),
    ...defined('products', positiveIntegerOption(values.products, '--products')),
    ...defined('files', positiveIntegerOption(values.files, '--files')),
    ...(daily ? { files: days, dailyFiles: true, anomalies } : {}),
    ...defined('startDate', dateOption(values['start-date'], '--start-date')),
    ...defined('seed', values.seed),
    ...defined('format', formatOption(values.format)),
    ...defined('timestamps', timestampsOption(values.timestamps)),
    ...defined('errorRate', errorRateOption(values['error-rate'])),
    ...defined('errorKinds', errorKindsOption(values['error-kinds'])),
  };
  const contracts = readGenerateContracts(values.contracts ?? [], env);
  if (contracts === 'invalid') return ExitCode.ERROR;
  const manifest = await writeGeneratedData({ ...request, ...defined('contracts', contracts) });
  if (contracts !== undefined)
    console.log(`columns as the contracts name them: ${contracts.sources.join(', ')}`);
  for (const file of manifest.files) {
    const verdict = file.verdict === 'REJECTED' ? ', the file as a whole is rejected' : '';
    console.log(`${file.key}  ${file.rows.total} rows, ${file.rows.rejected} rejected${verdict}`);
  }
  const rows = manifest.files.reduce((total, file) => total + file.rows.total, 0);
  const rejected = manifest.files.reduce((total, file) => total + file.rows.rejected, 0);
  const bytes = manifest.files.reduce((total, file) => total + file.bytes, 0);
  console.log(
    `wrote ${manifest.files.length} files, ${rows} rows (${rejected} to be rejected), ${bytes} bytes; ` +
      `manifest: ${path.join(request.out, 'manifest.json')}`,
  );
  return ExitCode.OK;
}

/**
 * Generates a data set into `request.out` and writes its manifest there; the `generate`
 * command and the demo share it. Files are streamed one at a time, with backpressure, so memory
 * does not depend on the size of the data set.
 *
 * @throws UsageError when an option is out of range, the orders would lie in the future, or the
 * directory is not empty (without `force`)
 */
export async function writeGeneratedData(request: GenerateRequest): Promise<WrittenManifest> {
  const { out, force = false, seed, ...options } = request;
  const generator = createGenerator({
    ...options,
    ...defined('seed', seed === undefined ? undefined : String(seed)),
  });
  assertOrdersInThePast(generator.options, Date.now());
  await prepareDirectory(out, force);
  const written: { bytes: number; sha256: string }[] = [];
  for (const file of generator.files) written.push(await writeDataFile(out, generator, file));
  const manifest = generator.manifest();
  const document: WrittenManifest = {
    ...manifest,
    files: manifest.files.map((file, index) => ({
      ...file,
      ...(written[index] as { bytes: number; sha256: string }),
    })),
  };
  await writeFile(path.join(out, 'manifest.json'), `${JSON.stringify(document, null, 2)}\n`);
  return document;
}

async function writeDataFile(
  out: string,
  generator: DataGenerator,
  file: GeneratedFile,
): Promise<{ bytes: number; sha256: string }> {
  const target = path.join(out, ...file.key.split('/'));
  await mkdir(path.dirname(target), { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  // Counts and hashes what reaches the disk, after gzip, as S3 will see it.
  const measure = async function* (source: AsyncIterable<Buffer | string>) {
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(buffer);
      bytes += buffer.length;
      yield buffer;
    }
  };
  // Readable.from pulls the next chunk only when the stream wants more: the generator runs at disk speed.
  const source = Readable.from(generator.chunks(file), { objectMode: false });
  if (generator.options.gzip) await pipeline(source, createGzip(), measure, createWriteStream(target));
  else await pipeline(source, measure, createWriteStream(target));
  return { bytes, sha256: hash.digest('hex') };
}

const FLAGS: Readonly<Record<string, string>> = {
  seed: '--seed',
  orders: '--orders',
  days: '--days',
  products: '--products',
  files: '--files',
  format: '--format',
  startDate: '--start-date',
  timestamps: '--timestamps',
  errorRate: '--error-rate',
  errorKinds: '--error-kinds',
  anomalies: '--anomaly',
  contracts: '--contracts',
};

/**
 * The contracts the files follow: those of `--contracts`, else those of `VALIDATOR_CONTRACTS`
 * when it is set (what the validator would judge the files with), else none, so the files keep
 * the shipped names. `'invalid'` once the contracts' problems are printed on stderr.
 *
 * @throws Error naming a path that cannot be read
 */
function readGenerateContracts(given: readonly string[], env: Env): ContractSet | undefined | 'invalid' {
  if (given.some((value) => value.trim() === '')) throw new UsageError('--contracts needs a path');
  if (given.length === 0 && (env[CONTRACTS_ENV] ?? '').trim() === '') return undefined;
  const paths = contractPaths(given, env);
  const result = compileContractSet(readContractSources(paths));
  if (result.ok) return result.contracts;
  const count = `${result.problems.length} ${result.problems.length === 1 ? 'problem' : 'problems'}`;
  process.stderr.write(
    `storeflow: the contracts (${paths.join(', ')}) have ${count}:\n${result.problems.map((problem) => `  ${problemLine(problem)}\n`).join('')}`,
  );
  return 'invalid';
}

function createGenerator(options: DataGeneratorOptions): DataGenerator {
  try {
    return new DataGenerator(options);
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    const reason = error.message.slice(error.message.indexOf(': ') + 2);
    const hint = error.option === 'files' ? ' (at most --orders and --products)' : '';
    throw new UsageError(`${FLAGS[error.option] ?? error.option} ${reason}${hint}; see --help`, {
      cause: error,
    });
  }
}

/** The validator rejects orders created after its clock, so data reaching into the future would be all rejections. */
function assertOrdersInThePast(options: GenerateOptions, nowMs: number): void {
  const endMs = Date.parse(`${options.startDate}T00:00:00Z`) + options.days * DAY_MS;
  if (endMs > nowMs) {
    throw new UsageError(
      `--start-date ${options.startDate} with --days ${options.days} reaches past today, and the validator ` +
        'rejects orders created in the future: choose an earlier --start-date or fewer --days',
    );
  }
}

async function prepareDirectory(out: string, force: boolean): Promise<void> {
  await mkdir(out, { recursive: true });
  const entries = await readdir(out);
  if (entries.length > 0 && !force) {
    throw new UsageError(
      `${out} is not empty: choose a new --out directory, or add --force to write into it`,
    );
  }
}

/** `{ [key]: value }`, or nothing when the option was not given, so the generator's default applies. */
function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function formatOption(value: string | undefined): GenerateOptions['format'] | undefined {
  if (value === undefined || value === 'csv' || value === 'jsonl') return value;
  throw new UsageError(`--format must be csv or jsonl, got '${value}'`);
}

function timestampsOption(value: string | undefined): TimestampStyle | undefined {
  if (value === undefined || (TIMESTAMP_STYLES as readonly string[]).includes(value)) {
    return value as TimestampStyle | undefined;
  }
  throw new UsageError(`--timestamps must be one of ${TIMESTAMP_STYLES.join(', ')}, got '${value}'`);
}

function errorRateOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || rate > 1) {
    throw new UsageError(`--error-rate must be a number from 0 to 1, got '${value}'`);
  }
  return rate;
}

function anomalyOption(value: string): InjectedAnomaly {
  const [date = '', kind = ''] = value.split(':');
  if (!isAnomalyKind(kind) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new UsageError(
      `--anomaly must be DATE:KIND with KIND one of ${ANOMALY_KINDS.join(', ')}, got '${value}'`,
    );
  }
  return { date, kind };
}

function errorKindsOption(value: string | undefined): ErrorKind[] | undefined {
  if (value === undefined) return undefined;
  if (value === 'all') return [...ALL_ERROR_KINDS];
  const kinds = value.split(',').map((kind) => kind.trim());
  const unknown = kinds.filter((kind) => !(ALL_ERROR_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) {
    throw new UsageError(`unknown --error-kinds ${unknown.join(', ')}; see --help for the kinds`);
  }
  return kinds as ErrorKind[];
}
