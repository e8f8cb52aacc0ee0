import type { ContractSource } from '@storeflow/core';
import type { AwsClients } from '../createAwsClients.js';
import { type ContractNames, isS3Location, readContractObjects } from './readContractObjects.js';

/**
 * The locations a contracts setting lists (`VALIDATOR_CONTRACTS`, a `--contracts` option): files,
 * directories and `s3://` locations separated by commas, trimmed, empty ones dropped; `[fallback]`
 * when it lists none and a fallback is given.
 *
 * @example
 * contractLocations(' s3://shop-data/contracts/ , extra/orders.odcs.yaml,');
 * // ['s3://shop-data/contracts/', 'extra/orders.odcs.yaml']
 */
export function contractLocations(list: string | undefined, fallback?: string): string[] {
  const locations = (list ?? '')
    .split(',')
    .map((location) => location.trim())
    .filter((location) => location !== '');
  return locations.length > 0 || fallback === undefined ? locations : [fallback];
}

/** How {@link readContractLocations} reads each kind of location. */
export interface ContractLocationReaders extends ContractNames {
  /**
   * Runs `read` with the clients the S3 locations are read with: called once, and only when a
   * location is on S3, so a caller may make clients for that call alone.
   */
  withClients<T>(read: (clients: AwsClients) => Promise<T>): Promise<T>;
  /** Reads a location that is not on S3: a contract file, or a directory's contracts. */
  readFiles(location: string): readonly ContractSource[];
}

/**
 * The contract documents of every location, in the order given. An `s3://` location is every
 * contract directly under its prefix, or the one object it names (see {@link readContractObjects});
 * the S3 locations are read first, each once however often it is listed. Any other location is
 * read by `readers.readFiles`.
 *
 * @throws what {@link readContractObjects} throws for an S3 location (ContractLocationError, or
 *   the typed error of an S3 call when S3 is out), and what `readers.readFiles` throws
 */
export async function readContractLocations(
  locations: readonly string[],
  readers: ContractLocationReaders,
): Promise<ContractSource[]> {
  const onS3 = [...new Set(locations.filter(isS3Location))];
  const fromS3 = new Map<string, ContractSource[]>();
  if (onS3.length > 0) {
    const names = { pattern: readers.pattern, description: readers.description };
    await readers.withClients(async (clients) => {
      for (const location of onS3) fromS3.set(location, await readContractObjects(clients, location, names));
    });
  }
  return locations.flatMap((location) => fromS3.get(location) ?? readers.readFiles(location));
}
