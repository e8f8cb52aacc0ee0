import { createHash } from 'node:crypto';
import {
  type AwsClients,
  type MessageHandler,
  type PollerLogger,
  readContractLocations,
} from '@storeflow/aws';
import { type ContractSet, type ContractSource, compileContractSet } from '@storeflow/core';
import { CONTRACT_FILE_NAMES, CONTRACT_FILE_PATTERN, readContractFiles } from '@storeflow/runtime';

/**
 * The contract documents of every location, in order (see `readContractLocations`): an `s3://`
 * location through `clients`, anything else as a file or directory.
 *
 * @throws ContractLocationError for an S3 location without contracts; the typed error of an S3
 *   call when S3 is out; the file system's error for a path that cannot be read
 */
export function readContractSources(
  clients: AwsClients,
  locations: readonly string[],
): Promise<ContractSource[]> {
  return readContractLocations(locations, {
    withClients: (read) => read(clients),
    readFiles: (location) => readContractFiles([location]),
    pattern: CONTRACT_FILE_PATTERN,
    description: CONTRACT_FILE_NAMES,
  });
}

/** What a log line says of a compiled set: each dataset's contract, and where they were read. */
export function contractsSummary(contracts: ContractSet): {
  contracts: string[];
  sources: readonly string[];
} {
  return {
    contracts: [...contracts.datasets.values()].map(
      (contract) => `${contract.dataset}: ${contract.contractId}@${contract.contractVersion}`,
    ),
    sources: contracts.sources,
  };
}

/**
 * A handler that stands for another, which {@link SwappableHandler.swap} replaces: each message
 * runs to its end on the handler it started with, so a file being validated keeps the contracts
 * it started with while the next message gets the new ones.
 */
export interface SwappableHandler {
  readonly handle: MessageHandler;
  swap(next: MessageHandler): void;
}

export function swappableHandler(initial: MessageHandler): SwappableHandler {
  let current = initial;
  return {
    handle: (message, signal) => current(message, signal),
    swap: (next) => {
      current = next;
    },
  };
}

/** Outcomes of a refresh that found the contracts changed (`storeflow_validator_contract_refreshes_total`). */
export type ContractRefreshOutcome = 'applied' | 'invalid' | 'unreadable';

export interface ContractRefreshOptions {
  /** Reads the contract documents, as at start. */
  read: () => Promise<readonly ContractSource[]>;
  /** The documents the contracts in use were compiled from. */
  initial: readonly ContractSource[];
  intervalSeconds: number;
  /** Called with each changed set that compiles; the caller swaps it in. */
  apply: (contracts: ContractSet) => void;
  log: PollerLogger;
  refreshes: { inc(labels: { outcome: ContractRefreshOutcome }): void };
  /** Stops the refreshes when aborted. */
  signal?: AbortSignal;
}

/**
 * Reads the contracts again every `intervalSeconds` (the next read is scheduled once the last is
 * done, so reads never overlap) and compiles them when their text changed. A set that compiles is
 * applied and logged (`data contracts refreshed`); one that does not is logged as an error with
 * every problem and counted once (`outcome="invalid"`), and the contracts in use stay until
 * another change compiles. A read that fails (S3 out, the prefix emptied) is logged and counted
 * (`outcome="unreadable"`) at each attempt, and changes nothing.
 *
 * @returns `refresh`, one refresh now (what the timer runs), and `stop`
 */
export function refreshContracts(options: ContractRefreshOptions): {
  refresh(): Promise<void>;
  stop(): void;
} {
  const { log, refreshes } = options;
  let inUse = fingerprint(options.initial);
  // The last changed set that did not compile: not compiled, logged or counted again.
  let refused: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const refresh = async () => {
    let sources: readonly ContractSource[];
    try {
      sources = await options.read();
    } catch (error) {
      refreshes.inc({ outcome: 'unreadable' });
      log.error({ err: error }, 'data contracts not read again; the contracts in use stay');
      return;
    }
    const read = fingerprint(sources);
    if (read === inUse || read === refused) return;
    const result = compileContractSet(sources);
    if (!result.ok) {
      refused = read;
      refreshes.inc({ outcome: 'invalid' });
      log.error(
        { problems: result.problems, sources: sources.map(({ source }) => source) },
        `new data contracts refused (${result.problems.length} ${result.problems.length === 1 ? 'problem' : 'problems'}); the contracts in use stay`,
      );
      return;
    }
    inUse = read;
    refused = undefined;
    options.apply(result.contracts);
    refreshes.inc({ outcome: 'applied' });
    log.info(contractsSummary(result.contracts), 'data contracts refreshed');
  };

  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      refresh()
        .catch((error: unknown) => log.error({ err: error }, 'data contracts refresh failed'))
        .finally(schedule);
    }, options.intervalSeconds * 1000);
    // A pending refresh never keeps the process alive.
    timer.unref();
  };
  if (options.signal?.aborted) stopped = true;
  options.signal?.addEventListener('abort', stop, { once: true });
  schedule();
  return { refresh, stop };
}

/** What identifies a set of documents: their sources and texts, in order. */
function fingerprint(sources: readonly ContractSource[]): string {
  const hash = createHash('sha256');
  for (const { source, text } of sources) hash.update(`${source}\0${text}\0`);
  return hash.digest('hex');
}
