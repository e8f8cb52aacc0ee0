import { readFileSync } from 'node:fs';
import { type ContractSet, compileContractSet, type DatasetContract } from '../../src/index.js';

/** The repository's contracts directory. */
export const CONTRACTS_DIR = new URL('../../../../contracts/', import.meta.url);

/** The text of one of the repository's contracts, to edit in a test. */
export function contractText(file: string): string {
  return readFileSync(new URL(file, CONTRACTS_DIR), 'utf8');
}

/** The three contracts as the repository ships them, with `replace` applied to any of them. */
export function thelookSources(replace: Readonly<Record<string, string>> = {}) {
  return ['products.odcs.yaml', 'orders.odcs.yaml', 'order_items.odcs.yaml'].map((file) => ({
    source: file,
    text: replace[file] ?? contractText(file),
  }));
}

/** Compiles sources that a test expects to be valid, failing with every problem otherwise. */
export function compileValid(sources: ReturnType<typeof thelookSources>): ContractSet {
  const result = compileContractSet(sources);
  if (!result.ok) throw new Error(`contracts invalid:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.contracts;
}

let shipped: ContractSet | undefined;

/** The compiled contract of one of the shipped datasets. */
export function contractOf(dataset: string): DatasetContract {
  shipped ??= compileValid(thelookSources());
  const contract = shipped.datasets.get(dataset);
  if (contract === undefined) throw new Error(`no contract for ${dataset}`);
  return contract;
}
