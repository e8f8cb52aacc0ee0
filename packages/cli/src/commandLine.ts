import { writeFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './cliErrors.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * The error a program reports a wrong command line with. The CLI's is {@link UsageError}; the
 * bench and the chaos suite, which parse their command lines here too, pass their own, so each
 * keeps its exit code.
 */
export type UsageErrorClass = new (message: string, options?: ErrorOptions) => Error;

/**
 * `parseArgs` with positionals allowed, turning its errors into a one-line usage error that
 * points at `--help`.
 */
export function parseCommandLine<const T extends OptionsConfig>(
  argv: readonly string[],
  options: T,
  usageError: UsageErrorClass = UsageError,
) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    // parseArgs explains itself in a sentence or two; the first is the useful one.
    throw new usageError(`${(error as Error).message.split('. ')[0]}; see --help`, { cause: error });
  }
}

/** Refuses positionals a command does not take. */
export function rejectPositionals(
  positionals: readonly string[],
  usageError: UsageErrorClass = UsageError,
): void {
  if (positionals.length > 0) throw new usageError(`unexpected argument '${positionals[0]}'; see --help`);
}

/** The value of an option that must be an integer >= 1, or undefined when it was not given. */
export function positiveIntegerOption(
  value: string | undefined,
  option: string,
  usageError: UsageErrorClass = UsageError,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new usageError(`${option} must be a whole number of at least 1, got '${value}'`);
  }
  return number;
}

/** What `--json [file]` holds when given without a file: the document goes to stdout. */
const JSON_TO_STDOUT = '-';

/**
 * `argv` with {@link JSON_TO_STDOUT} after a `--json` given without a file (last, or followed by
 * another option), so that `parseArgs` can read `--json [file]` as a string option.
 */
export function withStdoutForBareJson(argv: readonly string[]): string[] {
  const args = [...argv];
  const jsonAt = args.indexOf('--json');
  const next = jsonAt === -1 ? undefined : args[jsonAt + 1];
  if (jsonAt !== -1 && (next === undefined || next.startsWith('--')))
    args.splice(jsonAt + 1, 0, JSON_TO_STDOUT);
  return args;
}

/** The value of a `YYYY-MM-DD` option (a real calendar date), or undefined when it was not given. */
export function dateOption(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (parsed === undefined || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${option} must be a date as YYYY-MM-DD, got '${value}'`);
  }
  return value;
}

/**
 * The inclusive day range of `--from` and `--to`, either left open; refuses a start after the end.
 *
 * @throws UsageError when a bound is not a `YYYY-MM-DD` date or the bounds are swapped
 */
export function dateRangeOptions(values: { readonly from?: string; readonly to?: string }): {
  from?: string;
  to?: string;
} {
  const from = dateOption(values.from, '--from');
  const to = dateOption(values.to, '--to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new UsageError(`--from ${from} is after --to ${to}; swap them`);
  }
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** Pretty JSON on stdout, for `--json`: the same document scripts and people read. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A run's text summary, and its JSON document where `--json [file]` sends it: with
 * {@link JSON_TO_STDOUT} the document alone goes to stdout, for a script to read, and the summary
 * to stderr; with a file, or without `--json`, the summary stays on stdout.
 */
export async function writeSummaryAndDocument(
  summary: string,
  document: unknown,
  json: string | undefined,
): Promise<void> {
  if (json === JSON_TO_STDOUT) {
    process.stderr.write(`${summary}\n`);
    printJson(document);
    return;
  }
  process.stdout.write(`${summary}\n`);
  if (json !== undefined) await writeFile(json, `${JSON.stringify(document, null, 2)}\n`);
}
