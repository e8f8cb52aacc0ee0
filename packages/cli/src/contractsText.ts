import {
  type ColumnSpec,
  type ContractProblem,
  type ContractSet,
  type DatasetContract,
  type DeclaredCode,
  type NumericRange,
  rangeText,
} from '@storeflow/core';
import {
  ChangeImpact,
  type ContractChange,
  checksValues,
  columnRequirement,
  type UnbumpedVersion,
} from './contractDiff.js';
import { formatTable } from './formatTable.js';

/** A problem of a contract on one line: `CODE source path: message`. */
export function problemLine(problem: ContractProblem): string {
  return `${problem.code} ${problem.source} ${problem.path}: ${problem.message}`;
}

/** What `contracts validate --json` says of each dataset. */
export interface DatasetSummary {
  readonly dataset: string;
  readonly contractId: string;
  readonly contractVersion: string;
  readonly columns: number;
  readonly rules: number;
}

export function datasetSummary(contract: DatasetContract): DatasetSummary {
  return {
    dataset: contract.dataset,
    contractId: contract.contractId,
    contractVersion: contract.contractVersion,
    columns: contract.columns.length,
    rules: contract.rules.length,
  };
}

/**
 * One line per dataset of a valid set, aligned:
 * `orders       storeflow-orders@1.0.0        9 columns  5 rules`.
 */
export function validationLines(contracts: ContractSet): string[] {
  const summaries = [...contracts.datasets.values()].map(datasetSummary);
  const width = (cells: string[]) => Math.max(0, ...cells.map((cell) => cell.length));
  const names = summaries.map((summary) => summary.dataset);
  const ids = summaries.map((summary) => `${summary.contractId}@${summary.contractVersion}`);
  const columns = summaries.map((summary) => String(summary.columns));
  return summaries.map((summary, index) =>
    [
      (names[index] ?? '').padEnd(width(names)),
      (ids[index] ?? '').padEnd(width(ids)),
      `${(columns[index] ?? '').padStart(width(columns))} ${plural(summary.columns, 'column')}`,
      `${summary.rules} ${plural(summary.rules, 'rule')}`,
    ].join('  '),
  );
}

/** What a column checks of a non-empty value, in words: `>= 1`, `matches ^…$`, `one of a, b`. */
export function columnCheck(column: ColumnSpec): string {
  switch (column.kind) {
    case 'integer':
    case 'decimal':
    case 'money':
      return rangeText(column.range, column.kind === 'money') || 'any value';
    case 'enum':
      return `one of ${(column.values ?? []).join(', ')}${column.caseInsensitive ? ' (any case)' : ''}`;
    case 'timestamp':
      return 'ISO 8601 or YYYY-MM-DD HH:MM:SS';
    default: {
      const parts = [
        ...(column.pattern === undefined ? [] : [`matches ${column.pattern}`]),
        ...(column.minLength === undefined ? [] : [`length >= ${column.minLength}`]),
        ...(column.maxLength === undefined ? [] : [`length <= ${column.maxLength}`]),
      ];
      return parts.length === 0 ? 'any text' : parts.join(' and ');
    }
  }
}

/** A column as `contracts show --json` prints it (range bounds of money columns in cents). */
export interface ColumnDocument {
  readonly name: string;
  readonly physicalName: string;
  readonly kind: ColumnSpec['kind'];
  readonly required: ReturnType<typeof columnRequirement>;
  readonly check: string;
  readonly range: NumericRange;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly values?: readonly string[];
  readonly caseInsensitive: boolean;
  readonly invalidCode: string;
  readonly invalidRule: string;
}

/** A dataset's contract as `contracts show --json` prints it: the text form, as data. */
export interface ContractDocument {
  readonly dataset: string;
  readonly contractId: string;
  readonly contractVersion: string;
  /** The folders under `raw/` routed to the dataset: its name, then its aliases. */
  readonly folders: readonly string[];
  readonly maxRejectedRowRatio: number;
  readonly key: string;
  readonly columns: readonly ColumnDocument[];
  readonly rules: readonly { code: string; column: string; rule: string; expression: string }[];
  readonly relationships: readonly { column: string; toDataset: string; toColumn: string; code: string }[];
  readonly codes: readonly DeclaredCode[];
}

export function contractDocument(contract: DatasetContract): ContractDocument {
  return {
    dataset: contract.dataset,
    contractId: contract.contractId,
    contractVersion: contract.contractVersion,
    folders: [contract.dataset, ...contract.folderAliases],
    maxRejectedRowRatio: contract.maxRejectedRowRatio,
    key: contract.columns[contract.keyOrdinal]?.name ?? '',
    columns: contract.columns.map((column) => ({
      name: column.name,
      physicalName: column.physicalName,
      kind: column.kind,
      required: columnRequirement(column),
      check: columnCheck(column),
      range: column.range,
      ...(column.pattern === undefined ? {} : { pattern: column.pattern }),
      ...(column.minLength === undefined ? {} : { minLength: column.minLength }),
      ...(column.maxLength === undefined ? {} : { maxLength: column.maxLength }),
      ...(column.values === undefined ? {} : { values: column.values }),
      caseInsensitive: column.caseInsensitive,
      invalidCode: column.invalidCode,
      invalidRule: column.invalidRule,
    })),
    rules: contract.rules.map(({ code, column, rule, expression }) => ({ code, column, rule, expression })),
    relationships: contract.relationships.map(({ column, toDataset, toColumn, code }) => ({
      column,
      toDataset,
      toColumn,
      code,
    })),
    codes: contract.codes,
  };
}

/** A dataset's contract for people: what `contracts show` prints of each dataset. */
export function renderContract(contract: DatasetContract): string {
  const document = contractDocument(contract);
  const indent = (table: string) =>
    table
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`);
  const lines = [
    `${contract.dataset}: contract ${contract.contractId}@${contract.contractVersion}`,
    `  folders    ${document.folders.map((folder) => `raw/${folder}/`).join(', ')}`,
    `  rejects    a file when more than ${percent(contract.maxRejectedRowRatio)} of its rows are rejected (maxRejectedRowRatio ${contract.maxRejectedRowRatio})`,
    `  key        ${document.key} (unique within a file)`,
    `  columns (${contract.columns.length}):`,
    ...indent(columnTable(contract.columns)),
  ];
  lines.push(`  rules (${contract.rules.length}):`);
  if (contract.rules.length === 0) lines.push('    none');
  else
    lines.push(
      ...indent(
        formatTable(
          [{ header: 'CODE' }, { header: 'COLUMN' }, { header: 'EXPRESSION' }],
          document.rules.map((rule) => [rule.code, rule.column, rule.expression]),
        ),
      ),
    );
  lines.push(`  relationships (${contract.relationships.length}):`);
  if (contract.relationships.length === 0) lines.push('    none');
  else
    lines.push(
      ...indent(
        formatTable(
          [{ header: 'COLUMN' }, { header: 'REFERS TO' }, { header: 'CODE' }],
          document.relationships.map((spec) => [
            spec.column,
            `${spec.toDataset}.${spec.toColumn}`,
            spec.code,
          ]),
        ),
      ),
    );
  return `${lines.join('\n')}\n`;
}

/**
 * The columns as a table, the check last since it is the longest: the physical name only when
 * some column's differs from its logical one, and no invalid code for a column that checks nothing.
 */
function columnTable(columns: readonly ColumnSpec[]): string {
  const physical = columns.some((column) => column.physicalName !== column.name);
  return formatTable(
    [
      { header: 'NAME' },
      ...(physical ? [{ header: 'PHYSICAL' }] : []),
      { header: 'KIND' },
      { header: 'REQUIRED' },
      { header: 'INVALID CODE' },
      { header: 'CHECK' },
    ],
    columns.map((column) => [
      column.name,
      ...(physical ? [column.physicalName === column.name ? '' : column.physicalName] : []),
      column.kind,
      columnRequirement(column),
      checksValues(column) ? column.invalidCode : '-',
      columnCheck(column),
    ]),
  );
}

/**
 * The changes between two contract sets as a table (dataset, impact, subject, change), the
 * warnings of contracts changed without a new version, and a count by impact.
 */
export function renderChanges(
  changes: readonly ContractChange[],
  unbumped: readonly UnbumpedVersion[],
): string {
  const lines: string[] = [];
  if (changes.length === 0) lines.push('no changes');
  else
    lines.push(
      formatTable(
        [{ header: 'DATASET' }, { header: 'IMPACT' }, { header: 'SUBJECT' }, { header: 'CHANGE' }],
        changes.map((change) => [change.dataset, change.impact, change.subject, change.detail]),
      ).trimEnd(),
    );
  for (const contract of unbumped)
    lines.push(
      `warning: version not bumped: ${contract.contractId} changed (${contract.datasets.join(', ')}) but is still version ${contract.version}`,
    );
  if (changes.length > 0) {
    const count = (impact: ChangeImpact) => changes.filter((change) => change.impact === impact).length;
    lines.push(
      `${changes.length} ${plural(changes.length, 'change')}: ${count(ChangeImpact.RECLASSIFIES)} reclassifies stored data, ${count(ChangeImpact.REPORTS)} reports only, ${count(ChangeImpact.COMPATIBLE)} compatible`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}
