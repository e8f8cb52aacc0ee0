import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ContractSet, type ContractSource, compileContractSet } from '@storeflow/core';
import { DEFAULT_CONTRACTS_DIR } from '@storeflow/runtime';

/** The contract files the repository ships, in `contracts/`. */
export const SHIPPED_FILES = ['order_items.odcs.yaml', 'orders.odcs.yaml', 'products.odcs.yaml'] as const;
export type ShippedFile = (typeof SHIPPED_FILES)[number];

/** One text edit of a shipped contract: its one occurrence of `from` becomes `to`. */
export interface ContractEdit {
  readonly file: ShippedFile;
  readonly from: string;
  readonly to: string;
}

/** The shipped contracts as read from disk, by file name. */
export function shippedTexts(): Record<ShippedFile, string> {
  return Object.fromEntries(
    SHIPPED_FILES.map((file) => [file, readFileSync(path.join(DEFAULT_CONTRACTS_DIR, file), 'utf8')]),
  ) as Record<ShippedFile, string>;
}

/**
 * The shipped contracts with `edits` applied, plus any extra documents. An edit whose `from` is
 * not in its file exactly once throws, so a test never passes by editing nothing once the
 * shipped YAML changes.
 */
export function editedSources(
  edits: readonly ContractEdit[] = [],
  extra: readonly ContractSource[] = [],
): ContractSource[] {
  const texts = shippedTexts();
  for (const { file, from, to } of edits) {
    const occurrences = texts[file].split(from).length - 1;
    if (occurrences !== 1)
      throw new Error(`${file} holds ${JSON.stringify(from)} ${occurrences} times, not once`);
    texts[file] = texts[file].replace(from, () => to);
  }
  return [...SHIPPED_FILES.map((file) => ({ source: file, text: texts[file] })), ...extra];
}

/** Compiles the edited contracts, which must be valid: a test about a diff needs two sets. */
export function compileEdited(
  edits: readonly ContractEdit[] = [],
  extra: readonly ContractSource[] = [],
): ContractSet {
  const result = compileContractSet(editedSources(edits, extra));
  if (!result.ok) {
    const lines = result.problems.map((problem) => `${problem.code} ${problem.path}: ${problem.message}`);
    throw new Error(`the edited contracts are invalid:\n${lines.join('\n')}`);
  }
  return result.contracts;
}

/** Writes the edited contracts into `dir` (created), as `storeflow contracts` reads a directory. */
export async function writeEdited(
  dir: string,
  edits: readonly ContractEdit[] = [],
  extra: readonly ContractSource[] = [],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const { source, text } of editedSources(edits, extra)) await writeFile(path.join(dir, source), text);
  return dir;
}

/**
 * A contract of a dataset the pipeline does not read itself (so its key may change and it may
 * come and go), with a required key, an optional text column and one rule.
 */
export function returnsContract({
  version = '1.0.0',
  key = 'return_id',
}: {
  version?: string;
  key?: 'return_id' | 'order_id';
} = {}): ContractSource {
  const keyOf = (column: string) => (column === key ? '\n        primaryKey: true' : '');
  return {
    source: 'returns.odcs.yaml',
    text: `apiVersion: v3.1.0
kind: DataContract
id: storeflow-returns
name: returns
version: ${version}
status: active
schema:
  - name: returns
    properties:
      - name: return_id
        logicalType: integer
        required: true${keyOf('return_id')}
        logicalTypeOptions: { minimum: 1 }
      - name: order_id
        logicalType: integer
        required: true${keyOf('order_id')}
        logicalTypeOptions: { minimum: 1 }
      - name: reason
        logicalType: string
        required: false
    quality:
      - type: custom
        engine: storeflow
        implementation: order_id <= return_id
        customProperties:
          - { property: code, value: RETURN_BEFORE_ORDER }
`,
  };
}
