import { statSync } from 'node:fs';
import path from 'node:path';
import { contractLocations, isS3Location, readContractLocations as readLocations } from '@storeflow/aws';
import type { ContractSource } from '@storeflow/core';
import {
  CONTRACT_FILE_NAMES,
  CONTRACT_FILE_PATTERN,
  defaultContractsDir,
  readContractFiles,
} from '@storeflow/runtime';
import { withAwsTarget } from './awsTarget.js';

/** The variable naming the contracts in use, as the validator reads it. */
export const CONTRACTS_ENV = 'VALIDATOR_CONTRACTS';

/**
 * The contract paths to read: those given, else `VALIDATOR_CONTRACTS` (a directory or file, an
 * `s3://` location, or several separated by commas, as the validator reads it), else the
 * repository's `contracts/`. Each given value may itself list paths separated by commas.
 */
export function contractPaths(
  given: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (given.length > 0) return given.flatMap((value) => contractLocations(value));
  // A deployed CLI (the tools image) has them in its dist/contracts; the repository in contracts/.
  return contractLocations(env[CONTRACTS_ENV], defaultContractsDir(import.meta.url));
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
    if (isS3Location(given))
      throw new Error(
        `cannot read contracts at ${given} here: S3 locations are read by 'storeflow contracts'; give a file or directory`,
      );
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

/**
 * Reads the contract documents of files, directories and S3 locations, in the order given: an
 * `s3://<bucket>/<prefix>/` location is every contract directly under the prefix (one object when
 * the key names a contract), read over the AWS connection the other commands use (the
 * `AWS_ENDPOINT_URL*` variables, else AWS); the rest as {@link readContractSources} reads them.
 * No AWS client is made when no location is on S3.
 *
 * @throws Error naming the path or location when it cannot be read or holds no contract
 */
export function readContractLocations(
  paths: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<ContractSource[]> {
  return readLocations(paths, {
    withClients: (read) => withAwsTarget(env, {}, ({ clients }) => read(clients)),
    readFiles: (given) => readContractSources([given]),
    pattern: CONTRACT_FILE_PATTERN,
    description: CONTRACT_FILE_NAMES,
  });
}
