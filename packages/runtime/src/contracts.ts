import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ContractInvalidError,
  type ContractSet,
  type ContractSource,
  compileContractSet,
} from '@storeflow/core';

/** The repository's own contracts (`contracts/` at the root), used when nothing else is configured. */
export const DEFAULT_CONTRACTS_DIR = fileURLToPath(new URL('../../../contracts/', import.meta.url));

/**
 * The contracts a program uses when none are configured: a `contracts/` folder inside its `dist/`
 * (where `docker/deploy-service.sh` puts the repository's for a deployed service or CLI, so in
 * the images `/app/dist/contracts`), else the repository's own.
 *
 * @param moduleUrl `import.meta.url` of a module directly in the program's `dist/` (or `src/`)
 */
export function defaultContractsDir(moduleUrl: string): string {
  const beside = fileURLToPath(new URL('./contracts/', moduleUrl));
  return existsSync(beside) ? beside : DEFAULT_CONTRACTS_DIR;
}

/** File names read as contracts in a directory: `*.odcs.yaml`, `*.odcs.yml` or `*.odcs.json`. */
export const CONTRACT_FILE_PATTERN = /\.odcs\.(?:ya?ml|json)$/i;

/** {@link CONTRACT_FILE_PATTERN} in words, for messages. */
export const CONTRACT_FILE_NAMES = '*.odcs.yaml, *.odcs.yml or *.odcs.json';

/**
 * Reads contract documents from files and directories (a directory: its `*.odcs.yaml` files,
 * sorted by name). Throws the file system's error for a path that cannot be read.
 */
export function readContractFiles(paths: readonly string[]): ContractSource[] {
  const sources: ContractSource[] = [];
  for (const path of paths) {
    const full = resolve(path);
    const files = statSync(full).isDirectory()
      ? readdirSync(full)
          .filter((name) => CONTRACT_FILE_PATTERN.test(name))
          .sort()
          .map((name) => join(full, name))
      : [full];
    for (const file of files) sources.push({ source: file, text: readFileSync(file, 'utf8') });
  }
  return sources;
}

/**
 * Compiles contract documents, throwing every problem at once.
 *
 * @throws ContractInvalidError when any contract has a problem (not retryable)
 */
export function compileContractsOrThrow(sources: readonly ContractSource[]): ContractSet {
  const result = compileContractSet(sources);
  if (!result.ok) throw new ContractInvalidError(result.problems);
  return result.contracts;
}

/**
 * Reads and compiles the contracts of files and directories (default: the repository's own).
 *
 * @throws ContractInvalidError when any contract has a problem
 * @example
 * const contracts = loadContractFiles([process.env.VALIDATOR_CONTRACTS ?? DEFAULT_CONTRACTS_DIR]);
 */
export function loadContractFiles(paths: readonly string[] = [DEFAULT_CONTRACTS_DIR]): ContractSet {
  return compileContractsOrThrow(readContractFiles(paths));
}
