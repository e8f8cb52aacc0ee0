import { statSync } from 'node:fs';
import path from 'node:path';
import type { ContractSource } from '@storeflow/core';
import { DEFAULT_CONTRACTS_DIR, readContractFiles } from '@storeflow/runtime';

/** The variable naming the contracts in use, as the validator reads it. */
export const CONTRACTS_ENV = 'VALIDATOR_CONTRACTS';

/**
 * The contract paths to read: those given, else `VALIDATOR_CONTRACTS` (a directory or file, or
 * several separated by commas, as the validator reads it), else the repository's `contracts/`.
 * Each given value may itself list paths separated by commas.
 */
export function contractPaths(
  given: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const split = (value: string) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  if (given.length > 0) return given.flatMap(split);
  const configured = split(env[CONTRACTS_ENV] ?? '');
  return configured.length > 0 ? configured : [DEFAULT_CONTRACTS_DIR];
}

/** What the file system said, in the words an operator acts on. */
const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
};

/**
 * Reads the contract documents of files and directories (a directory: its `*.odcs.yaml`,
 * `*.odcs.yml` and `*.odcs.json` files, sorted by name).
 *
 * @throws Error naming the path when it cannot be read, or when a directory holds no contract
 */
export function readContractSources(paths: readonly string[]): ContractSource[] {
  const sources: ContractSource[] = [];
  for (const given of paths) {
    let read: ContractSource[];
    try {
      read = readContractFiles([given]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = (code === undefined ? undefined : FS_REASONS[code]) ?? (error as Error).message;
      throw new Error(`cannot read contracts at ${given}: ${reason}`, { cause: error });
    }
    if (read.length === 0 && statSync(path.resolve(given)).isDirectory())
      throw new Error(`no contract files (*.odcs.yaml, *.odcs.yml, *.odcs.json) in ${given}`);
    sources.push(...read);
  }
  return sources;
}
