import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './cliErrors.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` with positionals allowed, turning its errors into a one-line {@link UsageError}
 * that points at `--help`.
 */
export function parseCommandLine<const T extends OptionsConfig>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    // parseArgs explains itself in a sentence or two; the first is the useful one.
    throw new UsageError(`${(error as Error).message.split('. ')[0]}; see --help`);
  }
}

/** Refuses positionals a command does not take. */
export function rejectPositionals(positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; see --help`);
}

/** The value of an option that must be an integer >= 1, or undefined when it was not given. */
export function positiveIntegerOption(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${option} must be a whole number of at least 1, got '${value}'`);
  }
  return number;
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

/** Pretty JSON on stdout, for `--json`: the same document scripts and people read. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
